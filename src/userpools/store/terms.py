"""Repository for terms documents (terms of use, privacy policy) of app clients."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import terms
from userpools.store.unique import insert_new


class TermsRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def get(self, pool_id: str, terms_id: str) -> dict[str, Any] | None:
        """``{id, pool_id, client_id, name, source, enforcement, links, created, modified}``."""
        query = select(terms).where(terms.c.pool_id == pool_id, terms.c.id == terms_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else dict(row._mapping)

    async def by_name(self, pool_id: str, client_id: str, name: str) -> dict[str, Any] | None:
        query = select(terms).where(
            terms.c.pool_id == pool_id, terms.c.client_id == client_id, terms.c.name == name
        )
        row = (await self.conn.execute(query)).first()
        return None if row is None else dict(row._mapping)

    async def of_client(self, pool_id: str, client_id: str) -> list[dict[str, Any]]:
        query = select(terms).where(terms.c.pool_id == pool_id, terms.c.client_id == client_id)
        return [dict(row._mapping) for row in (await self.conn.execute(query)).all()]

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """The pool's terms ordered by id, after ``after``; ``limit`` rows at most."""
        query = select(terms).where(terms.c.pool_id == pool_id)
        if after is not None:
            query = query.where(terms.c.id > after)
        query = query.order_by(terms.c.id).limit(limit)
        return [dict(row._mapping) for row in (await self.conn.execute(query)).all()]

    async def insert(self, row: dict[str, Any]) -> bool:
        """False when the client already has terms of that name (a concurrent create won)."""
        return await insert_new(self.conn, insert(terms).values(**row))

    async def update(self, terms_id: str, values: dict[str, Any]) -> bool:
        """False when a new name is already taken on the client (a concurrent writer won)."""
        return await insert_new(self.conn, update(terms).where(terms.c.id == terms_id).values(**values))

    async def delete(self, terms_id: str) -> None:
        await self.conn.execute(delete(terms).where(terms.c.id == terms_id))
