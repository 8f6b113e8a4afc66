"""Shared fixtures: one live server per test process (xdist worker); each test makes its own pools.

USERPOOLS_TEST_STORE=postgresql runs that server on a fresh PostgreSQL database instead of SQLite.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest

from pg_support import store_server
from userpools.testing import RunningServer

_names = itertools.count()


@pytest.fixture(scope="session")
def live() -> Iterator[RunningServer]:
    with store_server() as srv:
        yield srv


@pytest.fixture(scope="session")
def idp(live: RunningServer) -> Any:
    return live.client()


@pytest.fixture
def pool(idp: Any) -> dict[str, Any]:
    """A fresh pool with default settings (the API's defaults, as CreateUserPool with only a name)."""
    name = f"pool{os.getpid()}x{next(_names)}"
    return dict(idp.create_user_pool(PoolName=name)["UserPool"])


@pytest.fixture
def pool_id(pool: dict[str, Any]) -> str:
    return str(pool["Id"])
