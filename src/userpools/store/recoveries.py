"""Repository for point-in-time recoveries (``pool_recoveries``): one row per InitiatePointInTimeRecovery.

The stored status is the last one written; a preview older than 24 hours reads as PREVIEW_EXPIRED
(``effective_status``) without anyone having to write that, so no sweeper is needed and every node agrees.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import func, insert, select, update

from userpools.store.connection import Conn
from userpools.store.journal import PREVIEW_LIFETIME
from userpools.store.tables import pool_recoveries

PENDING = ("PREVIEW_GENERATING", "PREVIEW_GENERATED")


@dataclass(frozen=True)
class Recovery:
    id: str
    pool_id: str
    status: str  # as stored; see effective_status
    restore_at: float
    trigger_at: float
    created: float
    finished: float | None
    preview: list[dict[str, Any]] | None

    def effective_status(self, now: float) -> str:
        if self.status in PENDING and now - self.created >= PREVIEW_LIFETIME:
            return "PREVIEW_EXPIRED"
        return self.status

    def active(self, now: float) -> bool:
        return self.effective_status(now) in (*PENDING, "RESTORING")


def _recovery(row: Any) -> Recovery:
    # The dataclass fields are the table's columns, by name.
    return Recovery(**{f.name: row._mapping[f.name] for f in fields(Recovery)})


class RecoveryRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, recovery: Recovery) -> None:
        await self.conn.execute(insert(pool_recoveries).values(**asdict(recovery)))

    async def get(self, pool_id: str, recovery_id: str) -> Recovery | None:
        t = pool_recoveries
        row = (
            await self.conn.execute(select(t).where(t.c.pool_id == pool_id, t.c.id == recovery_id))
        ).first()
        return _recovery(row) if row else None

    async def set_status(
        self,
        recovery_id: str,
        status: str,
        *,
        preview: list[dict[str, Any]] | None = None,
        finished: float | None = None,
    ) -> None:
        values: dict[str, Any] = {"status": status}
        if preview is not None:
            values["preview"] = preview
        if finished is not None:
            values["finished"] = finished
        t = pool_recoveries
        await self.conn.execute(update(t).where(t.c.id == recovery_id).values(**values))

    async def page(self, pool_id: str, after: tuple[float, str] | None, limit: int) -> list[Recovery]:
        """The pool's recoveries, newest first (created, then id, descending), after the key ``after``."""
        t = pool_recoveries
        query = select(t).where(t.c.pool_id == pool_id)
        if after is not None:
            created, rid = after
            query = query.where((t.c.created < created) | ((t.c.created == created) & (t.c.id < rid)))
        rows = (await self.conn.execute(query.order_by(t.c.created.desc(), t.c.id.desc()).limit(limit))).all()
        return [_recovery(r) for r in rows]

    async def of_pool_since(self, pool_id: str, since: float) -> list[Recovery]:
        """The pool's recoveries initiated at or after ``since`` (the per-pool quotas look at 30 days)."""
        t = pool_recoveries
        query = select(t).where(t.c.pool_id == pool_id, t.c.created >= since)
        return [_recovery(r) for r in (await self.conn.execute(query)).all()]

    async def active_in_store(self, now: float) -> int:
        """Recoveries of any pool that are pending or restoring (the per-account quota of five)."""
        t = pool_recoveries
        query = select(func.count()).where(
            (t.c.status == "RESTORING") | (t.c.status.in_(PENDING) & (t.c.created > now - PREVIEW_LIFETIME))
        )
        return int((await self.conn.execute(query)).scalar_one())
