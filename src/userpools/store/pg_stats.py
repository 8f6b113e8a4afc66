"""Fresh planner statistics on PostgreSQL after a table grows.

PostgreSQL plans with the statistics ANALYZE gathers; autovacuum runs it only once a table has changed
past a threshold, and on its own schedule (a minute or more). On a table that was never analyzed every
index leading with ``pool_id`` looks as cheap as the unique index a lookup needs, and the planner took
``uq_users_pool_id_alias_preferred_username`` for lookups by sub and by username: each sign-in and
token check scanned the whole pool (measured: 999 rows read per GetUser on a new 1,000-user pool; see
docs/benchmarks.md). So each node analyzes a table itself when the rows it has inserted there cross
64, 256, 1,024 ... (four times more each time, then every 262,144), shortly after the insert commits.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import asyncpg

log = logging.getLogger("userpools.store")

FIRST = 64
GROWTH = 4
STEP_AFTER = 262_144
DELAY_S = 0.5  # lets the inserting transaction commit first


class Analyzer:
    """Counts the rows this node inserts per table and runs ANALYZE at growing thresholds."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None
        self._inserted: dict[str, int] = {}
        self._next: dict[str, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def inserted(self, table: str, rows: int) -> None:
        count = self._inserted[table] = self._inserted.get(table, 0) + max(rows, 1)
        threshold = self._next.get(table, FIRST)
        if count < threshold:
            return
        self._next[table] = threshold * GROWTH if threshold < STEP_AFTER else threshold + STEP_AFTER
        task = asyncio.get_running_loop().create_task(self._analyze(table))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _analyze(self, table: str) -> None:
        await asyncio.sleep(DELAY_S)
        if self.pool is None:
            return
        try:
            async with self.pool.acquire() as conn:
                await conn.execute(f"ANALYZE {_quoted(table)}")
        except (asyncpg.PostgresError, OSError) as exc:  # autovacuum will do it later
            log.warning("ANALYZE %s failed: %s", table, exc)

    async def idle(self) -> None:
        """Waits for the ANALYZE runs already scheduled (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def inserted_table(statement: Any) -> str | None:
    """The table an INSERT statement writes, else None."""
    if getattr(statement, "is_insert", False):
        table = getattr(statement, "table", None)
        return str(table.name) if table is not None else None
    return None
