"""Store tests run on both SQLite and PostgreSQL (each test gets a fresh, migrated database).

PostgreSQL is at USERPOOLS_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres); when it
is unreachable the PostgreSQL cases skip locally but fail in CI (CI=true).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pg_support import pg_create, pg_drop
from userpools.store.database import Database


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'store.db'}")
        await db.start()
        yield db
        await db.close()
        return
    name = f"userpools_test_{uuid.uuid4().hex[:12]}"
    try:
        url = await pg_create(name)
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    db = Database(url)
    try:
        await db.start()
        yield db
    finally:
        await db.close()
        await pg_drop(name)


@pytest.fixture
def postgres(database: Database) -> Database:
    """The store on PostgreSQL only, for tests of its own behaviour (the SQLite case skips)."""
    if database.is_sqlite:
        pytest.skip("PostgreSQL only")
    return database
