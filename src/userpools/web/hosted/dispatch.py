"""Domains on their own Host names: requests to a domain's host go to its hosted routes.

A pure ASGI middleware in front of the Starlette routes (the API's ``POST /`` never reaches it, see
``web.asgi.Root``). A Host naming a prefix domain (``<prefix>.auth.<region>.<domain_base_host>``) or a
custom domain that exists has its path moved under ``/domain/<name>``, where ``web.hosted`` is mounted,
and the match noted in the request state (``place.HOST_MATCH``) so links and cookies keep the
domain's own paths. Any other Host (the server's own names, addresses, unknown names) passes untouched.
"""

from __future__ import annotations

from typing import Any

from userpools.config import Settings
from userpools.oauth2.sites import PATH_PREFIX, load_site, match_host
from userpools.store.database import Database
from userpools.web.hosted.place import HOST_MATCH


class DomainHosts:
    def __init__(self, app: Any, settings: Settings, database: Database) -> None:
        self.app = app
        self.settings = settings
        self.database = database

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            match = match_host(self.settings, host)
            if match is not None and match.custom:
                async with self.database.unit_of_work(False) as uow:
                    if await load_site(uow, match.domain, match) is None:
                        match = None  # just another name of this server
            if match is not None:
                path = f"{PATH_PREFIX}/{match.domain}{scope['path']}"
                state = dict(scope.get("state") or {})
                state[HOST_MATCH] = match
                scope = {**scope, "path": path, "state": state}
        await self.app(scope, receive, send)
