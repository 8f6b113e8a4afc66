"""Repository for resource servers (OAuth 2.0 APIs and their custom scopes)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import resource_servers
from userpools.store.unique import insert_new


def _wire(row: Any) -> dict[str, Any]:
    return {"UserPoolId": row.pool_id, "Identifier": row.identifier, "Name": row.name, "Scopes": row.scopes}


class ResourceServerRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, pool_id: str, identifier: str, name: str, scopes: list[dict[str, str]]) -> bool:
        """False when the pool already has a server with this identifier."""
        statement = insert(resource_servers).values(
            pool_id=pool_id, identifier=identifier, name=name, scopes=scopes
        )
        return await insert_new(self.conn, statement)

    async def get(self, pool_id: str, identifier: str) -> dict[str, Any] | None:
        query = select(resource_servers).where(
            resource_servers.c.pool_id == pool_id, resource_servers.c.identifier == identifier
        )
        row = (await self.conn.execute(query)).first()
        return None if row is None else _wire(row)

    async def replace(self, pool_id: str, identifier: str, name: str, scopes: list[dict[str, str]]) -> None:
        await self.conn.execute(
            update(resource_servers)
            .where(resource_servers.c.pool_id == pool_id, resource_servers.c.identifier == identifier)
            .values(name=name, scopes=scopes)
        )

    async def delete(self, pool_id: str, identifier: str) -> None:
        await self.conn.execute(
            delete(resource_servers).where(
                resource_servers.c.pool_id == pool_id, resource_servers.c.identifier == identifier
            )
        )

    async def count(self, pool_id: str) -> int:
        query = (
            select(func.count()).select_from(resource_servers).where(resource_servers.c.pool_id == pool_id)
        )
        return int((await self.conn.execute(query)).scalar_one())

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        query = select(resource_servers).where(resource_servers.c.pool_id == pool_id)
        if after is not None:
            query = query.where(resource_servers.c.identifier > after)
        rows = (await self.conn.execute(query.order_by(resource_servers.c.identifier).limit(limit))).all()
        return [_wire(r) for r in rows]
