"""Repository for user pools. A pool is stored as its wire-shaped ``UserPoolType`` document.

``Id``, ``Name``, ``CreationDate`` and ``LastModifiedDate`` live in columns and are merged into the document
on read; members computed on read (EstimatedNumberOfUsers, Domain, CustomDomain) are never stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from userpools.store.connection import Conn
from userpools.store.pool_cache import PoolCache
from userpools.store.tables import domains, pool_replicas, pools, users
from userpools.store.users import NAMED_K1_OR_K2, PREFIXED_PROFILE, remember_users

# Members kept in columns or computed on read, so never part of the stored JSON.
_NOT_STORED = frozenset(
    ("Id", "Name", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers", "Domain", "CustomDomain")
)


OnCommit = list[Callable[[], None]]
_GET = select(pools).where(pools.c.id == bindparam("pool_id"))
# The pool and the users holding username keys k1 / k2 (a name as typed and lower-cased), in one round
# trip: an administrator's operation on one user reads both (PoolRepo.get with user_keys).
_GET_WITH_USERS = (
    select(pools, *PREFIXED_PROFILE)
    .select_from(
        pools.outerjoin(
            users,
            and_(users.c.pool_id == pools.c.id, NAMED_K1_OR_K2),
        )
    )
    .where(pools.c.id == bindparam("pool_id"))
)


def _stored(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in _NOT_STORED}


def pool_document(
    pool_id: str, name: str, created: float, modified: float, doc: dict[str, Any]
) -> dict[str, Any]:
    """The stored document with the members kept in columns filled in."""
    return {**doc, "Id": pool_id, "Name": name, "CreationDate": created, "LastModifiedDate": modified}


def _row_doc(row: Any) -> dict[str, Any]:
    return pool_document(row.id, row.name, row.created, row.modified, row.doc)


class PoolRepo:
    def __init__(
        self,
        conn: Conn,
        cache: PoolCache | None = None,
        on_commit: OnCommit | None = None,
        read_ahead: dict[tuple[str, str], Any] | None = None,
    ) -> None:
        self.conn = conn
        self.cache = cache
        self.on_commit = on_commit
        self.read_ahead = read_ahead if read_ahead is not None else {}
        self._written: set[str] = set()  # pools this transaction changed: the cache is stale for them

    def _wrote(self, pool_id: str) -> None:
        if self.cache is not None and pool_id not in self._written:
            self._written.add(pool_id)
            cache = self.cache
            if self.on_commit is not None:
                self.on_commit.append(lambda: cache.changed(pool_id))

    async def insert(self, pool_id: str, name: str, doc: dict[str, Any], now: float) -> None:
        self._wrote(pool_id)
        await self.conn.execute(
            insert(pools).values(id=pool_id, name=name, doc=_stored(doc), created=now, modified=now)
        )

    async def get(self, pool_id: str, user_keys: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """The stored document with ``Id``, ``Name``, ``CreationDate`` and ``LastModifiedDate`` filled in.

        ``user_keys`` (at most two username keys): when the pool is read from the store, the users holding
        them come in the same query, for this unit of work's ``UserRepo.by_username_key``.
        """
        cache = self.cache if pool_id not in self._written else None
        if cache is not None:
            cached = cache.get(pool_id)
            if cached is not None:
                return cached
            generation = cache.generation(pool_id)
        if user_keys:
            keys = tuple(dict.fromkeys(user_keys))[:2]
            params = {"pool_id": pool_id, "k1": keys[0], "k2": keys[-1]}
            rows = (await self.conn.execute(_GET_WITH_USERS, params)).all()
            if rows:
                remember_users(self.read_ahead, pool_id, keys, rows)
            row = rows[0] if rows else None
        else:
            row = (await self.conn.execute(_GET, {"pool_id": pool_id})).first()
        if row is None:
            return None
        doc = _row_doc(row)
        if cache is not None:
            cache.put(pool_id, generation, doc)
        return doc

    async def exists(self, pool_id: str) -> bool:
        row = (await self.conn.execute(select(pools.c.id).where(pools.c.id == pool_id))).first()
        return row is not None

    async def replace(
        self, pool_id: str, doc: dict[str, Any], now: float | None, name: str | None = None
    ) -> None:
        """Stores ``doc`` (computed members dropped); ``now`` sets LastModifiedDate, None leaves it."""
        self._wrote(pool_id)
        values: dict[str, Any] = {"doc": _stored(doc)}
        if now is not None:
            values["modified"] = now
        if name is not None:
            values["name"] = name
        await self.conn.execute(update(pools).where(pools.c.id == pool_id).values(**values))

    async def delete(self, pool_id: str) -> None:
        self._wrote(pool_id)
        await self.conn.execute(delete(pools).where(pools.c.id == pool_id))

    async def page(
        self, after: str | None, limit: int, prefix: str | None = None, replica_region: str | None = None
    ) -> list[dict[str, Any]]:
        """Pools by id after ``after``, at most ``limit``; only ids starting with ``prefix`` if given, and
        then also the pools with a replica in ``replica_region``.

        The prefix is a range condition (``prefix <= id < prefix'``), so it pages on the primary key index.
        """
        query = select(pools)
        if prefix:
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            in_region = (pools.c.id >= prefix) & (pools.c.id < upper)
            if replica_region:
                replicated = select(pool_replicas.c.pool_id).where(pool_replicas.c.region == replica_region)
                in_region = in_region | pools.c.id.in_(replicated)
            query = query.where(in_region)
        if after:
            query = query.where(pools.c.id > after)
        rows = (await self.conn.execute(query.order_by(pools.c.id).limit(limit))).all()
        return [_row_doc(r) for r in rows]

    async def count_users(self, pool_id: str) -> int:
        query = select(func.count()).select_from(users).where(users.c.pool_id == pool_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def domains_of(self, pool_id: str) -> dict[str, str]:
        """``{"Domain": prefix, "CustomDomain": name}`` for the pool's domains (either may be absent)."""
        query = select(domains.c.domain, domains.c.custom).where(domains.c.pool_id == pool_id)
        out: dict[str, str] = {}
        for row in (await self.conn.execute(query.order_by(domains.c.domain))).all():
            out.setdefault("CustomDomain" if row.custom else "Domain", row.domain)
        return out
