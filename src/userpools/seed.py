"""``userpools serve --seed FILE``: pools, clients, domains, resource servers, groups and users at start.

The file (YAML or JSON, format in docs/seed.md) is made of the API's own requests: a pool is a
``CreateUserPool`` request plus ``Id`` and its children; a client a ``CreateUserPoolClient`` request
plus ``ClientId``/``ClientSecret``; and so on. Every request is validated against the service model
like an API call, then created through the same functions the API uses, in one transaction.

Idempotent: an object that already exists (same id, client id, group name, username, ...) is left
as it is, so restarting on the same database with the same seed changes nothing. A seed never
updates or deletes; edit the live objects through the API.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import text

from userpools.errors import ResourceNotFoundException, ServiceError, UserNotFoundException
from userpools.operations.context import Context, Services
from userpools.protocol import model
from userpools.protocol.validate import validate
from userpools.store.database import Database

log = logging.getLogger("userpools.seed")

POOL_KEYS = {"Id", "Domain", "Clients", "Groups", "ResourceServers", "Users"}
USER_KEYS = {"Username", "Password", "Attributes", "Groups", "Permanent"}


class SeedError(ValueError):
    """A seed file that cannot be applied; the message names the file and the entry."""


@dataclass
class SeedReport:
    created: list[str]
    existing: list[str]


def load(path: Path) -> dict[str, Any]:
    """Reads a seed file (``.json`` as JSON, anything else as YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise SeedError(f"cannot read seed file {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("UserPools", []), list):
        raise SeedError(f"seed file {path}: expected a mapping with a 'UserPools' list")
    unknown = set(data) - {"UserPools"}
    if unknown:
        raise SeedError(f"seed file {path}: unknown top-level keys {sorted(unknown)}")
    return data


async def apply_file(path: Path, services: Services, database: Database) -> SeedReport:
    """Applies a seed file; a ServiceError from any request becomes a SeedError naming the file."""
    data = load(path)
    try:
        return await apply(data, services, database)
    except ServiceError as exc:
        raise SeedError(f"seed file {path}: {exc.code}: {exc.message}") from None


async def apply(data: dict[str, Any], services: Services, database: Database) -> SeedReport:
    report = SeedReport([], [])
    async with database.unit_of_work(write=True) as uow:
        if uow.dialect == "postgresql":
            # Nodes starting together on one database seed one after the other; the later ones
            # find everything in place.
            await uow.conn.execute(text("SELECT pg_advisory_xact_lock(7239017452)"))
        for index, pool in enumerate(data.get("UserPools") or []):
            where = f"UserPools[{index}]"
            if not isinstance(pool, dict):
                raise SeedError(f"{where}: expected a mapping")
            region = _pool_region(pool, where, services.settings.served_regions)
            ctx = Context(services, uow, f"seed-{index}", region)
            await _Seeder(ctx, report, where).pool(pool)
            if ctx.after_commit:
                log.debug("seed: %d message(s) not sent", len(ctx.after_commit))
    for line in report.created:
        log.info("seed: created %s", line)
    return report


def _pool_region(pool: dict[str, Any], where: str, served: tuple[str, ...]) -> str:
    pool_id = pool.get("Id")
    if not isinstance(pool_id, str) or "_" not in pool_id:
        raise SeedError(f"{where}: 'Id' is required, a pool id like us-east-1_Example01")
    _checked("DescribeUserPool", {"UserPoolId": pool_id}, where)
    region = pool_id.partition("_")[0]
    if region not in served:
        raise SeedError(f"{where}: pool {pool_id} is in {region}, not a served region ({', '.join(served)})")
    return region


def _checked(operation: str, request: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        return validate(model.input_shape(operation), request)
    except ServiceError as exc:
        raise SeedError(f"{where}: {exc.message}") from None


def _items(parent: dict[str, Any], key: str, where: str) -> list[Any]:
    items = parent.get(key) or []
    if not isinstance(items, list):
        raise SeedError(f"{where}.{key}: expected a list")
    return items


def _text(value: Any) -> str:
    """YAML reads ``email_verified: true`` as a bool; Cognito attribute values are strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def _call(ctx: Context, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    from userpools.operations.registry import table

    return await table()[operation].handler(ctx, request)


class _Seeder:
    def __init__(self, ctx: Context, report: SeedReport, where: str) -> None:
        self.ctx = ctx
        self.report = report
        self.where = where

    def _note(self, created: bool, what: str) -> None:
        (self.report.created if created else self.report.existing).append(what)

    async def pool(self, spec: dict[str, Any]) -> None:
        from userpools.operations.pools import create_pool, load_pool

        pool_id = spec["Id"]
        request = _checked(
            "CreateUserPool", {k: v for k, v in spec.items() if k not in POOL_KEYS}, self.where
        )
        exists = await self.ctx.uow.pools.exists(pool_id)
        if not exists:
            await create_pool(self.ctx, request, pool_id=pool_id)
        self._note(not exists, f"pool {pool_id}")
        pool = await load_pool(self.ctx, pool_id)
        await self.domain(pool_id, spec.get("Domain"))
        for i, item in enumerate(_items(spec, "ResourceServers", self.where)):
            await self.resource_server(pool_id, item, f"{self.where}.ResourceServers[{i}]")
        for i, item in enumerate(_items(spec, "Clients", self.where)):
            await self.client(pool, item, f"{self.where}.Clients[{i}]")
        for i, item in enumerate(_items(spec, "Groups", self.where)):
            await self.group(pool_id, item, f"{self.where}.Groups[{i}]")
        for i, item in enumerate(_items(spec, "Users", self.where)):
            await self.user(pool, item, f"{self.where}.Users[{i}]")

    async def domain(self, pool_id: str, spec: Any) -> None:
        from userpools.operations.domains import create_domain

        if spec is None:
            return
        fields = {"Domain": spec} if isinstance(spec, str) else spec
        request = _checked("CreateUserPoolDomain", {**fields, "UserPoolId": pool_id}, f"{self.where}.Domain")
        found = await _call(self.ctx, "DescribeUserPoolDomain", {"Domain": request["Domain"]})
        owner = found.get("DomainDescription", {}).get("UserPoolId")
        if owner and owner != pool_id:
            raise SeedError(f"{self.where}.Domain: {request['Domain']} belongs to pool {owner}")
        if not owner:
            await create_domain(self.ctx, request)
        self._note(not owner, f"domain {request['Domain']}")

    async def resource_server(self, pool_id: str, spec: dict[str, Any], where: str) -> None:
        from userpools.operations.resource_servers import create_resource_server

        request = _checked("CreateResourceServer", {**spec, "UserPoolId": pool_id}, where)
        key = {"UserPoolId": pool_id, "Identifier": request["Identifier"]}
        created = not await self._exists("DescribeResourceServer", key)
        if created:
            await create_resource_server(self.ctx, request)
        self._note(created, f"resource server {request['Identifier']}")

    async def client(self, pool: dict[str, Any], spec: dict[str, Any], where: str) -> None:
        from userpools.operations.clients import create_client

        fixed = {k: spec.get(k) for k in ("ClientId", "ClientSecret")}
        if not fixed["ClientId"]:
            raise SeedError(f"{where}: 'ClientId' is required so that restarts keep the same client")
        ids = _checked("AddUserPoolClientSecret", {"UserPoolId": pool["Id"], **fixed}, where)
        fields = {k: v for k, v in spec.items() if k not in fixed}
        if fixed["ClientSecret"]:
            fields["GenerateSecret"] = True
        request = _checked("CreateUserPoolClient", {**fields, "UserPoolId": pool["Id"]}, where)
        key = {"UserPoolId": pool["Id"], "ClientId": ids["ClientId"]}
        created = not await self._exists("DescribeUserPoolClient", key)
        if created:
            await create_client(
                self.ctx, pool, request, client_id=ids["ClientId"], secret=ids.get("ClientSecret")
            )
        self._note(created, f"client {ids['ClientId']}")

    async def group(self, pool_id: str, spec: dict[str, Any], where: str) -> None:
        request = _checked("CreateGroup", {**spec, "UserPoolId": pool_id}, where)
        key = {"UserPoolId": pool_id, "GroupName": request["GroupName"]}
        created = not await self._exists("GetGroup", key)
        if created:
            await _call(self.ctx, "CreateGroup", request)
        self._note(created, f"group {request['GroupName']}")

    async def user(self, pool: dict[str, Any], spec: dict[str, Any], where: str) -> None:
        from userpools.operations.users import create_user

        if not isinstance(spec, dict) or set(spec) - USER_KEYS:
            raise SeedError(f"{where}: a user has only the keys {sorted(USER_KEYS)}")
        attributes = spec.get("Attributes") or {}
        if not isinstance(attributes, dict):
            raise SeedError(f"{where}.Attributes: expected a mapping of attribute name to value")
        pool_id = pool["Id"]
        request = _checked(
            "AdminCreateUser",
            {
                "UserPoolId": pool_id,
                "Username": spec.get("Username"),
                "UserAttributes": [{"Name": k, "Value": _text(v)} for k, v in attributes.items()],
            },
            where,
        )
        password = spec.get("Password")
        if password is not None:
            _checked("AdminSetUserPassword", {**request, "Password": password}, where)
        username = request["Username"]
        created = not await self._exists("AdminGetUser", {"UserPoolId": pool_id, "Username": username})
        if created:
            await create_user(
                self.ctx,
                pool,
                username,
                {a["Name"]: a.get("Value", "") for a in request.get("UserAttributes", [])},
                password,
                bool(spec.get("Permanent", True)),
            )
        self._note(created, f"user {username}")
        for group in spec.get("Groups") or []:
            membership = {"UserPoolId": pool_id, "Username": username, "GroupName": group}
            await _call(self.ctx, "AdminAddUserToGroup", _checked("AdminAddUserToGroup", membership, where))

    async def _exists(self, operation: str, request: dict[str, Any]) -> bool:
        try:
            await _call(self.ctx, operation, request)
        except (ResourceNotFoundException, UserNotFoundException):
            return False
        return True
