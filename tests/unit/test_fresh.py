"""operations.fresh: a unit of work that found its user changed under it runs again, a bounded number of
times (the operation runner and federated sign-in both go through it)."""

from __future__ import annotations

import asyncio

import pytest

from userpools.errors import TooManyRequestsException
from userpools.operations.fresh import STALE_ATTEMPTS, until_fresh
from userpools.store.users import StaleUser


def runs_until(stale_runs: int) -> tuple[list[int], object]:
    calls: list[int] = []

    async def unit() -> str:
        calls.append(len(calls))
        if len(calls) <= stale_runs:
            raise StaleUser("changed")
        return "done"

    return calls, asyncio.run(until_fresh(unit))


def test_a_stale_unit_runs_again_until_it_finds_the_user_unchanged() -> None:
    calls, result = runs_until(3)
    assert result == "done" and len(calls) == 4
    calls, result = runs_until(STALE_ATTEMPTS - 1)
    assert result == "done" and len(calls) == STALE_ATTEMPTS


def test_it_gives_up_with_a_retryable_error() -> None:
    with pytest.raises(TooManyRequestsException, match="concurrent changes"):
        runs_until(STALE_ATTEMPTS)


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    async def unit() -> None:
        calls.append(1)
        raise ValueError("not about staleness")

    with pytest.raises(ValueError):
        asyncio.run(until_fresh(unit))
    assert calls == [1]
