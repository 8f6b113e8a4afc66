"""Repository for request-rate quotas: provisioned limits, and the shared per-second counters.

Counters are fixed one-second windows, one row per (region/category, second), bumped with one upsert
that returns the new count, so every node on one PostgreSQL counts in the same window. Rows a few
seconds old are removed by the first request of each new window (``sweep``).
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from userpools.store.connection import Conn
from userpools.store.tables import provisioned_limits, quota_windows

_HIT = {
    name: (
        dialect.insert(quota_windows)
        .values(category=bindparam("category"), second=bindparam("second"), count=1)
        .on_conflict_do_update(
            index_elements=[quota_windows.c.category, quota_windows.c.second],
            set_={"count": quota_windows.c.count + 1},
        )
        .returning(quota_windows.c.count)
    )
    # SQLite: a file shared by several worker processes (operations/quotas.py)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
_SWEEP = delete(quota_windows).where(
    quota_windows.c.category == bindparam("category"), quota_windows.c.second < bindparam("before")
)
_LIMITS = select(provisioned_limits.c.category, provisioned_limits.c.value)


class QuotaRepo:
    def __init__(self, conn: Conn, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect

    async def hit(self, category: str, second: int) -> int:
        """Counts one request in ``category``'s window ``second``; the window's count including it."""
        params = {"category": category, "second": second}
        count = int((await self.conn.execute(_HIT[self.dialect], params)).scalar_one())
        if count == 1:  # the first request of a window clears the windows before the last one
            await self.conn.execute(_SWEEP, {"category": category, "before": second - 1})
        return count

    async def limits(self) -> dict[str, int]:
        """Every provisioned value, by region/category (absent: the category's default)."""
        return {r.category: int(r.value) for r in (await self.conn.execute(_LIMITS)).all()}

    async def set_limit(self, category: str, value: int, now: float) -> None:
        t = provisioned_limits
        insert = postgresql.insert(t) if self.dialect == "postgresql" else sqlite.insert(t)
        upsert = insert.values(category=category, value=value, modified=now)
        await self.conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[t.c.category], set_={"value": value, "modified": now}
            )
        )
