"""``GET /{poolId}/.well-known/jwks.json`` and ``/.well-known/openid-configuration``.

Cognito serves both under its issuer URL (developer guide, "Verifying a JSON web token"; COGNITO-FACTS
§4.7). Here they hang off the server's public URL, which is also the default issuer, so pycognito and
OIDC libraries find the keys from ``iss``. The JWKS lists every key generation of the pool (a rotation
keeps older keys so issued tokens still verify); a pool's first keys are created on first request.

The discovery document (``oauth2.discovery``) lists the OAuth 2.0 endpoints only when the pool has a
domain, at URLs that reach this server (``oauth2.sites``); the domain serves the same document.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from userpools.auth import keyring
from userpools.oauth2 import discovery
from userpools.operations.context import Services
from userpools.store.database import Database

_CACHE = {"cache-control": "public, max-age=300"}
# UserPoolIdType's pattern: anything else names no pool, and never reaches the store (a NUL would
# fail there on PostgreSQL).
_POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+")


def _not_found(pool_id: str) -> Response:
    return JSONResponse({"message": f"User pool {pool_id} does not exist."}, status_code=404)


async def _keys(database: Database, services: Services, pool_id: str) -> list[dict[str, Any]] | None:
    """The pool's JWKs (created on first need), or None when the pool does not exist."""
    if not _POOL_ID.fullmatch(pool_id):
        return None
    async with database.unit_of_work(False) as uow:
        if not await uow.pools.exists(pool_id):
            return None
        found = await keyring.published(uow, pool_id)
    if found:
        return found
    async with database.unit_of_work(True) as uow:
        if not await uow.pools.exists(pool_id):
            return None
        await keyring.signers(uow, services.sealer, services.random, services.clock.now(), pool_id)
        return await keyring.published(uow, pool_id)


async def jwks(request: Request) -> Response:
    pool_id = request.path_params["pool_id"]
    found = await _keys(request.app.state.database, request.app.state.services, pool_id)
    if found is None:
        return _not_found(pool_id)
    return JSONResponse({"keys": found}, headers=_CACHE)


async def openid_configuration(request: Request) -> Response:
    pool_id = request.path_params["pool_id"]
    services: Services = request.app.state.services
    if not _POOL_ID.fullmatch(pool_id):
        return _not_found(pool_id)
    async with request.app.state.database.unit_of_work(False) as uow:
        if not await uow.pools.exists(pool_id):
            return _not_found(pool_id)
        domains = await uow.pools.domains_of(pool_id)
    return JSONResponse(discovery.openid_configuration(services.settings, pool_id, domains), headers=_CACHE)


routes = [
    Route("/{pool_id}/.well-known/jwks.json", jwks, methods=["GET"]),
    Route("/{pool_id}/.well-known/openid-configuration", openid_configuration, methods=["GET"]),
]
