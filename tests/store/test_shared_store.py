"""A SQLite file shared by several processes (``serve --workers N``): no pool cache, and request-rate
quota windows counted in the file, so the limit holds across processes."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from userpools.config import Settings
from userpools.errors import TooManyRequestsException
from userpools.operations.quotas import SWEEP_EVERY, Throttle
from userpools.store.database import Database
from userpools.store.tables import quota_windows


class _Clock:
    def now(self) -> float:
        return 1_800_000_000.25


async def _hits(
    databases: list[Database], calls: int, scope: str = "pool", pools: tuple[str, ...] = ("us-east-1_A",)
) -> list[str]:
    """``calls`` DescribeUserPool admissions (default limit 15 a second), alternating between stores, and
    for each store between ``pools``: call i is on store i % stores, pool (i // stores) % pools."""
    services: Any = SimpleNamespace(clock=_Clock(), settings=Settings(quota_scope=scope))
    throttles = [Throttle(services, db) for db in databases]
    outcomes = []
    for i in range(calls):
        params = {"UserPoolId": pools[i // len(throttles) % len(pools)]}
        try:
            await throttles[i % len(throttles)].admit("DescribeUserPool", "us-east-1", params)
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


@pytest.mark.parametrize("scope", ["pool", "account"])
async def test_quota_windows_of_two_pools_on_one_file(tmp_path: Path, scope: str) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    databases = [Database(url, shared=True), Database(url, shared=True)]
    for db in databases:
        await db.start()
    try:
        outcomes = await _hits(databases, 40, scope, ("us-east-1_A", "us-east-1_B"))
    finally:
        for db in databases:
            await db.close()
    # Calls 0, 1, 4, 5, ... are pool A's (on both processes), 2, 3, 6, 7, ... pool B's.
    by_pool = [[o for i, o in enumerate(outcomes) if i // 2 % 2 == pool] for pool in (0, 1)]
    if scope == "pool":  # each pool has its own window in the file
        assert by_pool == [["ok"] * 15 + ["throttled"] * 5] * 2
    else:  # one window for the region
        assert outcomes == ["ok"] * 15 + ["throttled"] * 25


async def test_windows_of_counters_never_hit_again_are_swept(database: Database) -> None:
    """Each pool id a request names gets counters; old windows of any of them do not stay behind."""
    clock = SimpleNamespace(now=lambda: 1_800_000_000.5)
    services: Any = SimpleNamespace(clock=clock, settings=Settings(quota_scope="pool"))
    throttle = Throttle(services, database)

    async def counters() -> set[str]:
        if not database.shared:  # SQLite owned by this process: the counts are in memory
            return set(throttle.local)
        async with database.unit_of_work(False) as uow:
            return {r.category for r in await uow.conn.execute(quota_windows.select())}

    for pool in ("A", "B", "C"):
        await throttle.admit("DescribeUserPool", "us-east-1", {"UserPoolId": f"us-east-1_{pool}"})
    assert await counters() == {f"us-east-1/UserPoolRead/us-east-1_{pool}" for pool in "ABC"}
    clock.now = lambda: 1_800_000_000.5 + SWEEP_EVERY
    await throttle.admit("ListUsers", "us-east-1", {"UserPoolId": "us-east-1_D"})
    assert await counters() == {"us-east-1/UserList/us-east-1_D"}
