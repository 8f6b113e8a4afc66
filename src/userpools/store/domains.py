"""Repository for user pool domains (prefix and custom). ``domain`` is unique across the server."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import domains
from userpools.store.unique import insert_new


def _row(row: Any) -> dict[str, Any]:
    return {"domain": row.domain, "pool_id": row.pool_id, "custom": row.custom, "doc": row.doc,
            "created": row.created}  # fmt: skip


class DomainRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, domain: str, pool_id: str, custom: bool, doc: dict[str, Any], now: float) -> bool:
        """False when the domain is already taken (by any pool)."""
        statement = insert(domains).values(
            domain=domain, pool_id=pool_id, custom=custom, doc=doc, created=now
        )
        return await insert_new(self.conn, statement)

    async def get(self, domain: str) -> dict[str, Any] | None:
        """``{domain, pool_id, custom, doc, created}`` or None."""
        row = (await self.conn.execute(select(domains).where(domains.c.domain == domain))).first()
        return None if row is None else _row(row)

    async def of_pool(self, pool_id: str) -> list[dict[str, Any]]:
        query = select(domains).where(domains.c.pool_id == pool_id).order_by(domains.c.domain)
        return [_row(r) for r in (await self.conn.execute(query)).all()]

    async def update_doc(self, domain: str, doc: dict[str, Any]) -> None:
        await self.conn.execute(update(domains).where(domains.c.domain == domain).values(doc=doc))

    async def delete(self, domain: str) -> None:
        await self.conn.execute(delete(domains).where(domains.c.domain == domain))
