"""The user pool a request counts against, for request-rate quotas in ``pool`` scope (operations/quotas.py).

Told from the validated parameters before the handler runs: ``UserPoolId``; else ``ClientId``, whose pool
is read from the store the first time this process sees the client id and then kept (a client never moves
to another pool; a deleted client's entry is merely unused); else the ``iss`` claim of ``AccessToken``,
decoded WITHOUT checking the signature, since the handler checks it afterwards. A forged token gains its
sender nothing: it counts against the pool it names, as a request with that pool's (public) client id
would. None when a request names no pool or it can't be told (an unknown client id, a malformed token):
the request then counts in its region's counter for the category.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from userpools.crypto import jwt
from userpools.store.database import Database
from userpools.store.quotas import QuotaRepo

MAX_CLIENTS = 10_000  # client id -> pool id entries kept; the oldest goes first
_POOL_ID = re.compile(r"[\w-]+_[0-9a-zA-Z]+")  # UserPoolId in the model: this pattern, 1 to 55 long


class PoolOf:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.clients: dict[str, str] = {}

    async def __call__(self, params: Mapping[str, Any]) -> str | None:
        pool_id = params.get("UserPoolId")
        if isinstance(pool_id, str):
            return pool_id
        client_id = params.get("ClientId")
        if isinstance(client_id, str):
            return await self.of_client(client_id)
        token = params.get("AccessToken")
        return of_token(token) if isinstance(token, str) else None

    async def of_client(self, client_id: str) -> str | None:
        pool_id = self.clients.get(client_id)
        if pool_id is not None:
            return pool_id
        async with self.database.unit_of_work(False) as uow:
            pool_id = await QuotaRepo(uow.conn, uow.dialect).pool_of_client(client_id)
        if pool_id is not None:  # unknown ids are not kept: the client may be created in a moment
            if len(self.clients) >= MAX_CLIENTS:
                del self.clients[next(iter(self.clients))]
            self.clients[client_id] = pool_id
        return pool_id


def of_token(token: str) -> str | None:
    """The pool id at the end of the token's ``iss`` (``{issuer base}/{pool id}``), unverified."""
    claims = jwt.unverified_claims(token)
    iss = claims.get("iss") if claims is not None else None
    if not isinstance(iss, str):
        return None
    pool_id = iss.rpartition("/")[2]
    return pool_id if len(pool_id) <= 55 and _POOL_ID.fullmatch(pool_id) else None
