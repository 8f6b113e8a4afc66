"""Fresh PostgreSQL databases for tests, at USERPOOLS_TEST_PG (default: the local server, trust auth)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from userpools.testing import RunningServer, server

PG_ADMIN = os.environ.get("USERPOOLS_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


async def _admin(statement: str) -> None:
    engine = create_async_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def pg_create(name: str) -> str:
    """Creates database ``name``; its URL."""
    await _admin(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


async def pg_drop(name: str) -> None:
    await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def fresh_database(prefix: str = "userpools_live") -> Iterator[str]:
    """A new PostgreSQL database, dropped afterwards; skips the test when PostgreSQL is unreachable
    (fails it in CI)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        url = asyncio.run(pg_create(name))
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url
    finally:
        asyncio.run(pg_drop(name))


@contextmanager
def store_server(**overrides: Any) -> Iterator[RunningServer]:
    """A live server on the test store: SQLite, or a fresh PostgreSQL database (USERPOOLS_TEST_STORE)."""
    if os.environ.get("USERPOOLS_TEST_STORE") != "postgresql":
        with server(email_sender="file", sms_sender="file", **overrides) as srv:
            yield srv
        return
    with fresh_database() as url, server(email_sender="file", sms_sender="file", db=url, **overrides) as srv:
        yield srv
