"""Engine set-up for SQLite (WAL, foreign keys) and PostgreSQL, migrations on start, units of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from userpools.store.connection import SyncConnection
from userpools.store.migrate import upgrade
from userpools.store.uow import UnitOfWork

T = TypeVar("T")


class Database:
    """SQLite runs on the sqlite3 driver on the loop thread (see store/connection.py); PostgreSQL, asyncpg."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.dialect = "sqlite" if self.is_sqlite else "postgresql"
        self._sync: Engine | None = None
        self._async: AsyncEngine | None = None
        if self.is_sqlite:
            self._sync = _sqlite_engine(url)
        else:
            self._async = create_async_engine(url, pool_size=10, max_overflow=20)
        # SQLite has one writer; queueing writers here avoids busy-waiting inside SQLite.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    async def start(self) -> None:
        await self.run_sync(upgrade)

    async def run_sync(self, fn: Callable[[Connection], T]) -> T:
        """Runs ``fn`` on a plain connection in its own committed transaction (migrations, schema checks)."""
        if self._sync is not None:
            with self._sync.begin() as conn:
                return fn(conn)
        assert self._async is not None
        async with self._async.begin() as aconn:
            return await aconn.run_sync(fn)

    async def close(self) -> None:
        if self._sync is not None:
            self._sync.dispose()
        if self._async is not None:
            await self._async.dispose()

    @asynccontextmanager
    async def unit_of_work(self, write: bool) -> AsyncIterator[UnitOfWork]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        if self._write_lock is not None and write:
            async with self._write_lock, self._transaction(write) as uow:
                yield uow
            return
        async with self._transaction(write) as uow:
            yield uow

    @asynccontextmanager
    async def _transaction(self, write: bool) -> AsyncIterator[UnitOfWork]:
        if self._sync is not None:
            with self._sync.connect() as raw:
                conn = raw.execution_options(userpools_begin="BEGIN IMMEDIATE") if write else raw
                with conn.begin():
                    yield UnitOfWork(SyncConnection(conn), dialect=self.dialect)
            return
        assert self._async is not None
        async with self._async.connect() as aconn, aconn.begin():
            yield UnitOfWork(aconn, dialect=self.dialect)


def _sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    sync_url = url.replace("sqlite+aiosqlite:", "sqlite:", 1)
    engine = create_engine(sync_url, pool_size=8, max_overflow=16, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN IMMEDIATE can be used for writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("userpools_begin", "BEGIN"))

    return engine
