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
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from userpools.store.database import Database

PG_ADMIN = os.environ.get("USERPOOLS_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def _pg_create(name: str) -> str:
    engine = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await engine.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


async def _pg_drop(name: str) -> None:
    engine = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await engine.dispose()


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
        url = await _pg_create(name)
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
        await _pg_drop(name)
