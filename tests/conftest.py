"""Shared fixtures: one live server per test process (xdist worker); each test makes its own pools.

USERPOOLS_TEST_STORE=postgresql runs that server on a fresh PostgreSQL database instead of SQLite.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from pg_support import pg_create, pg_drop
from userpools.testing import RunningServer, server

_names = itertools.count()


@pytest.fixture(scope="session")
def live() -> Iterator[RunningServer]:
    if os.environ.get("USERPOOLS_TEST_STORE") != "postgresql":
        with server(email_sender="file", sms_sender="file") as srv:
            yield srv
        return
    name = f"userpools_live_{uuid.uuid4().hex[:12]}"
    try:
        url = asyncio.run(pg_create(name))
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        with server(email_sender="file", sms_sender="file", db=url) as srv:
            yield srv
    finally:
        asyncio.run(pg_drop(name))


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
