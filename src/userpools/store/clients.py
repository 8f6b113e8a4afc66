"""Repository for app clients. Profiles (``clients``) and secrets (``client_secrets``) live apart.

A client's profile is its wire-shaped ``UserPoolClientType`` document without ``ClientSecret``;
secret values are reachable only through the privileged ``secrets_of`` / ``add_secret`` methods.
Requests made by an app client (sign-in, sign-up) start with ``with_pool``: the client, its pool, its
secrets, the pool's signing kids and whether it has groups in one query, kept for this unit of work's
``secrets_of``, ``SigningKeyRepo.signing_kids`` and ``GroupRepo.groups_of_user`` (one round trip
instead of five on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, func, insert, select, update

from userpools.store.auth_state import PREFIXED_USER_COLUMNS, remember_sign_in_users
from userpools.store.connection import Conn
from userpools.store.groups import POOL_HAS_GROUPS
from userpools.store.pools import pool_document
from userpools.store.signing_keys import SIGNING_KIDS, latest_kid
from userpools.store.tables import (
    auth_failures,
    client_secrets,
    clients,
    groups,
    pools,
    refresh_tokens,
    user_credentials,
    users,
)
from userpools.store.unique import insert_new
from userpools.store.users import NAMED_K1_OR_K2

_COLUMNS = ("UserPoolId", "ClientId", "ClientName", "CreationDate", "LastModifiedDate")


def client_document(
    pool_id: str, client_id: str, name: str, created: float, modified: float, doc: dict[str, Any]
) -> dict[str, Any]:
    """The wire-shaped UserPoolClientType (without the secret) from its stored columns."""
    return {
        "UserPoolId": pool_id,
        "ClientName": name,
        "ClientId": client_id,
        "LastModifiedDate": modified,
        "CreationDate": created,
        **doc,
    }


def _wire(row: Any) -> dict[str, Any]:
    return client_document(row.pool_id, row.client_id, row.name, row.created, row.modified, row.doc)


# Run on every sign-in and token refresh: built once.
_FIND = select(clients).where(clients.c.client_id == bindparam("client_id"))
_GET = _FIND.where(clients.c.pool_id == bindparam("pool_id"))
_SECRETS = (
    select(client_secrets.c.secret)
    .where(client_secrets.c.client_id == bindparam("client_id"))
    .order_by(client_secrets.c.created, client_secrets.c.secret_id)
)


def _with_pool_query(of_pool: bool, with_user: bool) -> Any:
    """The first read of a request made by an app client (see the module docstring); ``with_user`` also
    reads the users holding the username keys ``k1`` / ``k2`` with their sign-in secrets."""
    columns = [
        clients.c.client_id,
        clients.c.pool_id,
        clients.c.name.label("client_name"),
        clients.c.doc.label("client_doc"),
        clients.c.created.label("client_created"),
        clients.c.modified.label("client_modified"),
        pools.c.name.label("pool_name"),
        pools.c.doc.label("pool_doc"),
        pools.c.created.label("pool_created"),
        pools.c.modified.label("pool_modified"),
        client_secrets.c.secret,
        latest_kid("id", pools.c.id).label("id_kid"),
        latest_kid("access", pools.c.id).label("access_kid"),
        exists().where(groups.c.pool_id == pools.c.id).label("has_groups"),
    ]
    joined = clients.join(pools, pools.c.id == clients.c.pool_id).outerjoin(
        client_secrets, client_secrets.c.client_id == clients.c.client_id
    )
    if with_user:
        columns += PREFIXED_USER_COLUMNS
        joined = (
            joined.outerjoin(users, and_(users.c.pool_id == clients.c.pool_id, NAMED_K1_OR_K2))
            .outerjoin(user_credentials, user_credentials.c.user_id == users.c.id)
            .outerjoin(auth_failures, auth_failures.c.user_id == users.c.id)
        )
    query = select(*columns).select_from(joined).where(clients.c.client_id == bindparam("client_id"))
    if of_pool:
        query = query.where(clients.c.pool_id == bindparam("pool_id"))
    return query.order_by(client_secrets.c.created, client_secrets.c.secret_id)


_WITH_POOL = {(p, u): _with_pool_query(p, u) for p in (False, True) for u in (False, True)}


class ClientRepo:
    def __init__(self, conn: Conn, read_ahead: dict[tuple[str, str], Any] | None = None) -> None:
        self.conn = conn
        self._secrets: dict[str, list[str]] = {}  # read ahead by with_pool
        self.read_ahead = read_ahead if read_ahead is not None else {}

    async def with_pool(
        self, client_id: str, pool_id: str | None = None, user_keys: tuple[str, ...] = ()
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """``(client, pool)`` of a client (of ``pool_id`` when given), or None when there is no such client.

        Its secrets come in the same query and answer this unit of work's ``secrets_of``. ``user_keys``
        (at most two username keys, e.g. a name as typed and lower-cased): the users holding them come
        too, for ``AuthStateRepo.user_for_sign_in``.
        """
        params: dict[str, Any] = {"client_id": client_id}
        if pool_id is not None:
            params["pool_id"] = pool_id
        keys = tuple(dict.fromkeys(user_keys))[:2]
        if keys:
            params.update(k1=keys[0], k2=keys[-1])
        rows = (await self.conn.execute(_WITH_POOL[(pool_id is not None, bool(keys))], params)).all()
        if not rows:
            return None
        row = rows[0]
        self._secrets[client_id] = list(dict.fromkeys(r.secret for r in rows if r.secret is not None))
        if keys:
            remember_sign_in_users(self.read_ahead, row.pool_id, keys, rows)
        if row.id_kid is not None and row.access_kid is not None:  # for the tokens this request may sign
            self.read_ahead[(SIGNING_KIDS, row.pool_id)] = {"id": row.id_kid, "access": row.access_kid}
        self.read_ahead[(POOL_HAS_GROUPS, row.pool_id)] = bool(row.has_groups)
        client = client_document(row.pool_id, row.client_id, row.client_name, row.client_created,
                                 row.client_modified, row.client_doc)  # fmt: skip
        pool = pool_document(row.pool_id, row.pool_name, row.pool_created, row.pool_modified, row.pool_doc)
        return client, pool

    async def insert(self, pool_id: str, client_id: str, name: str, doc: dict[str, Any], now: float) -> bool:
        """False when the client id is already taken."""
        stored = {k: v for k, v in doc.items() if k not in _COLUMNS and k != "ClientSecret"}
        statement = insert(clients).values(
            client_id=client_id, pool_id=pool_id, name=name, doc=stored, created=now, modified=now
        )
        return await insert_new(self.conn, statement)

    async def get(self, pool_id: str, client_id: str) -> dict[str, Any] | None:
        """The client of ``pool_id`` (wire-shaped, no secret), or None."""
        row = (await self.conn.execute(_GET, {"pool_id": pool_id, "client_id": client_id})).first()
        return None if row is None else _wire(row)

    async def find(self, client_id: str) -> dict[str, Any] | None:
        """The client with this id in any pool (auth flows know only the ClientId)."""
        row = (await self.conn.execute(_FIND, {"client_id": client_id})).first()
        return None if row is None else _wire(row)

    async def exists(self, client_id: str) -> bool:
        query = select(clients.c.client_id).where(clients.c.client_id == client_id)
        return (await self.conn.execute(query)).first() is not None

    async def replace(self, pool_id: str, client_id: str, name: str, doc: dict[str, Any], now: float) -> None:
        stored = {k: v for k, v in doc.items() if k not in _COLUMNS and k != "ClientSecret"}
        await self.conn.execute(
            update(clients)
            .where(clients.c.pool_id == pool_id, clients.c.client_id == client_id)
            .values(name=name, doc=stored, modified=now)
        )

    async def delete(self, pool_id: str, client_id: str) -> None:
        """The client, its secrets and the refresh tokens issued to it."""
        self._secrets.pop(client_id, None)
        await self.conn.execute(delete(refresh_tokens).where(refresh_tokens.c.client_id == client_id))
        await self.conn.execute(delete(client_secrets).where(client_secrets.c.client_id == client_id))
        await self.conn.execute(
            delete(clients).where(clients.c.pool_id == pool_id, clients.c.client_id == client_id)
        )

    async def count(self, pool_id: str) -> int:
        query = select(func.count()).select_from(clients).where(clients.c.pool_id == pool_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """``{ClientId, UserPoolId, ClientName}`` of the pool's clients ordered by id, after ``after``."""
        query = select(clients.c.client_id, clients.c.pool_id, clients.c.name).where(
            clients.c.pool_id == pool_id
        )
        if after is not None:
            query = query.where(clients.c.client_id > after)
        rows = (await self.conn.execute(query.order_by(clients.c.client_id).limit(limit))).all()
        return [{"ClientId": r.client_id, "UserPoolId": r.pool_id, "ClientName": r.name} for r in rows]

    async def all_of_pool(self, pool_id: str) -> list[dict[str, Any]]:
        """Every client of a pool (bounded by the 1,000-clients quota); for pool-wide consistency fixes."""
        query = select(clients).where(clients.c.pool_id == pool_id).order_by(clients.c.client_id)
        return [_wire(r) for r in (await self.conn.execute(query)).all()]

    # Privileged: the only ways to reach client secrets.

    async def add_secret(self, client_id: str, secret_id: str, secret: str, now: float) -> bool:
        """False when ``secret_id`` is already taken."""
        self._secrets.pop(client_id, None)
        statement = insert(client_secrets).values(
            secret_id=secret_id, client_id=client_id, secret=secret, created=now
        )
        return await insert_new(self.conn, statement)

    async def secret_ids(self, client_id: str) -> list[tuple[str, float]]:
        """``(secret id, created)`` of the client's secrets, oldest first; never the values."""
        query = (
            select(client_secrets.c.secret_id, client_secrets.c.created)
            .where(client_secrets.c.client_id == client_id)
            .order_by(client_secrets.c.created, client_secrets.c.secret_id)
        )
        return [(r.secret_id, r.created) for r in (await self.conn.execute(query)).all()]

    async def delete_secret(self, client_id: str, secret_id: str) -> None:
        self._secrets.pop(client_id, None)
        await self.conn.execute(
            delete(client_secrets).where(
                client_secrets.c.client_id == client_id, client_secrets.c.secret_id == secret_id
            )
        )

    async def secrets_of(self, client_id: str) -> list[str]:
        """The client's secrets, oldest first (none for a public client). Compare with hmac.compare_digest."""
        if client_id in self._secrets:
            return list(self._secrets[client_id])
        return [r.secret for r in (await self.conn.execute(_SECRETS, {"client_id": client_id})).all()]
