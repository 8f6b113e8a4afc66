"""Repository for user pool replicas: the secondary regions a pool answers in (the primary is its id's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import pool_replicas


@dataclass(frozen=True)
class Replica:
    pool_id: str
    region: str
    status: str
    tags: dict[str, str]
    created: float


def _replica(row: Any) -> Replica:
    return Replica(row.pool_id, row.region, row.status, dict(row.tags), row.created)


class ReplicaRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, replica: Replica) -> None:
        await self.conn.execute(
            insert(pool_replicas).values(
                pool_id=replica.pool_id, region=replica.region, status=replica.status, tags=replica.tags,
                created=replica.created,
            )
        )  # fmt: skip

    async def get(self, pool_id: str, region: str) -> Replica | None:
        query = select(pool_replicas).where(
            pool_replicas.c.pool_id == pool_id, pool_replicas.c.region == region
        )
        row = (await self.conn.execute(query)).first()
        return None if row is None else _replica(row)

    async def of_pool(self, pool_id: str) -> list[Replica]:
        query = select(pool_replicas).where(pool_replicas.c.pool_id == pool_id)
        return [_replica(r) for r in (await self.conn.execute(query.order_by(pool_replicas.c.region))).all()]

    async def set_status(self, pool_id: str, region: str, status: str) -> None:
        await self.conn.execute(
            update(pool_replicas)
            .where(pool_replicas.c.pool_id == pool_id, pool_replicas.c.region == region)
            .values(status=status)
        )

    async def delete(self, pool_id: str, region: str) -> None:
        await self.conn.execute(
            delete(pool_replicas).where(pool_replicas.c.pool_id == pool_id, pool_replicas.c.region == region)
        )

    async def set_tags(self, pool_id: str, region: str, tags: dict[str, str]) -> None:
        await self.conn.execute(
            update(pool_replicas)
            .where(pool_replicas.c.pool_id == pool_id, pool_replicas.c.region == region)
            .values(tags=tags)
        )
