"""A SQLite file shared by several processes (``serve --workers N``): no pool cache, and request-rate
quota windows counted in the file, so the limit holds across processes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from userpools.errors import TooManyRequestsException
from userpools.operations.quotas import Throttle
from userpools.store.database import Database


class _Clock:
    def now(self) -> float:
        return 1_800_000_000.25


async def _hits(databases: list[Database], calls: int) -> list[str]:
    """``calls`` DescribeUserPool admissions (default limit 15 a second), alternating between stores."""
    services: Any = SimpleNamespace(clock=_Clock())
    throttles = [Throttle(services, db) for db in databases]
    outcomes = []
    for i in range(calls):
        try:
            await throttles[i % len(throttles)].admit("DescribeUserPool", "us-east-1")
            outcomes.append("ok")
        except TooManyRequestsException:
            outcomes.append("throttled")
    return outcomes


@pytest.mark.parametrize("shared", [True, False])
async def test_quota_windows_across_processes_on_one_file(tmp_path: Path, shared: bool) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    databases = [Database(url, shared=shared), Database(url, shared=shared)]  # as two worker processes
    for db in databases:
        await db.start()
    try:
        assert all((db.pool_cache is None) == shared for db in databases)
        outcomes = await _hits(databases, 20)
    finally:
        for db in databases:
            await db.close()
    if shared:  # one window in the file: calls 16 to 20 are over the limit
        assert outcomes == ["ok"] * 15 + ["throttled"] * 5
    else:  # each process counts alone (10 each): what a store owned by one process may do
        assert outcomes == ["ok"] * 20
