"""Repository for user pools. A pool is stored as its wire-shaped ``UserPoolType`` document."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from userpools.store.tables import pools, users


class PoolRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert(self, pool_id: str, name: str, doc: dict[str, Any], now: float) -> None:
        await self.conn.execute(
            insert(pools).values(id=pool_id, name=name, doc=doc, created=now, modified=now)
        )

    async def get(self, pool_id: str) -> dict[str, Any] | None:
        """The stored document with ``Id``, ``Name``, ``CreationDate`` and ``LastModifiedDate`` filled in."""
        row = (await self.conn.execute(select(pools).where(pools.c.id == pool_id))).first()
        if row is None:
            return None
        return {
            **row.doc,
            "Id": row.id,
            "Name": row.name,
            "CreationDate": row.created,
            "LastModifiedDate": row.modified,
        }

    async def exists(self, pool_id: str) -> bool:
        row = (await self.conn.execute(select(pools.c.id).where(pools.c.id == pool_id))).first()
        return row is not None

    async def replace(self, pool_id: str, doc: dict[str, Any], now: float) -> None:
        stored = {k: v for k, v in doc.items() if k not in ("Id", "Name", "CreationDate", "LastModifiedDate")}
        await self.conn.execute(update(pools).where(pools.c.id == pool_id).values(doc=stored, modified=now))

    async def delete(self, pool_id: str) -> None:
        await self.conn.execute(delete(pools).where(pools.c.id == pool_id))

    async def page(self, after: str | None, limit: int) -> list[dict[str, Any]]:
        """Pools ordered by id, starting after ``after``; returns up to ``limit`` summaries."""
        query = select(pools.c.id, pools.c.name, pools.c.doc, pools.c.created, pools.c.modified)
        if after:
            query = query.where(pools.c.id > after)
        rows = (await self.conn.execute(query.order_by(pools.c.id).limit(limit))).all()
        return [
            {**r.doc, "Id": r.id, "Name": r.name, "CreationDate": r.created, "LastModifiedDate": r.modified}
            for r in rows
        ]

    async def count_users(self, pool_id: str) -> int:
        query = select(func.count()).select_from(users).where(users.c.pool_id == pool_id)
        return int((await self.conn.execute(query)).scalar_one())
