"""DescribeUserPool's EstimatedNumberOfUsers: exact for small pools, a recent count for large ones.

Counting a pool's users reads its whole ``(pool_id, ...)`` index: measured ~160 ms for a pool of
1,000,000 users on PostgreSQL (docs/benchmarks.md), and tools that describe pools in a loop (consoles,
Terraform plans) would repeat it. Cognito calls the number an estimate, so a pool of at least
``exact_below`` users is counted at most once per MAX_AGE seconds by each process; smaller pools are
counted on every call (a few milliseconds at most), so small deployments and tests see exact numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # operations/context.py holds one per process
    from userpools.operations.context import Context

EXACT_BELOW = 10_000
MAX_AGE = 60.0  # seconds
MAX_POOLS = 10_000  # counts kept; all are dropped when full (they are only estimates)


class UserCounts:
    def __init__(self, exact_below: int = EXACT_BELOW) -> None:
        self.exact_below = exact_below
        self._known: dict[str, tuple[float, int]] = {}  # pool id -> (counted at, count)

    async def estimate(self, ctx: Context, pool_id: str) -> int:
        known = self._known.get(pool_id)
        if known is not None and 0 <= ctx.now - known[0] < MAX_AGE:
            return known[1]
        count = await ctx.uow.pools.count_users(pool_id)
        if count >= self.exact_below:
            if len(self._known) >= MAX_POOLS:
                self._known.clear()
            self._known[pool_id] = (ctx.now, count)
        else:
            self._known.pop(pool_id, None)
        return count
