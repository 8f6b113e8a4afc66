"""Repository for request-rate quotas: provisioned limits, and the shared per-second counters.

Counters are fixed one-second windows, one row per (counter, second), bumped with one upsert that
returns the new count, so every node on one PostgreSQL counts in the same window. A counter is
``region/category`` (``.../respond`` for RespondToAuthChallenge), followed by ``/pool id`` in pool
scope. Rows a few seconds old are removed by the first request of each new window of the same counter;
every few seconds a node sweeps all counters (``hit``'s ``sweep_all``), which removes the rows of
counters never hit again (a pool gone quiet, a pool id that names no pool).
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from userpools.store.connection import Conn
from userpools.store.tables import clients, provisioned_limits, quota_windows

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
# SKIP LOCKED: the sweep never waits for, nor deadlocks with, a request's own sweep on another node
# (SQLite renders no FOR UPDATE; its writers are serialized anyway).
_STALE = (
    select(quota_windows.c.category, quota_windows.c.second)
    .where(quota_windows.c.second < bindparam("before"))
    .with_for_update(skip_locked=True)
)
_SWEEP_ALL = delete(quota_windows).where(tuple_(quota_windows.c.category, quota_windows.c.second).in_(_STALE))
_CLIENT_POOL = select(clients.c.pool_id).where(clients.c.client_id == bindparam("client_id"))
_LIMITS = select(provisioned_limits.c.category, provisioned_limits.c.value)


class QuotaRepo:
    def __init__(self, conn: Conn, dialect: str) -> None:
        self.conn = conn
        self.dialect = dialect

    async def hit(self, category: str, second: int, sweep_all: bool = False) -> int:
        """Counts one request in ``category``'s window ``second``; the window's count including it.

        ``sweep_all``: also removes every counter's windows before the previous second."""
        params = {"category": category, "second": second}
        count = int((await self.conn.execute(_HIT[self.dialect], params)).scalar_one())
        if sweep_all:
            await self.conn.execute(_SWEEP_ALL, {"before": second - 1})
        elif count == 1:  # the first request of a window clears the windows before the last one
            await self.conn.execute(_SWEEP, {"category": category, "before": second - 1})
        return count

    async def pool_of_client(self, client_id: str) -> str | None:
        """The pool of an app client, or None when there is no such client."""
        row = (await self.conn.execute(_CLIENT_POOL, {"client_id": client_id})).first()
        return None if row is None else str(row.pool_id)

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
