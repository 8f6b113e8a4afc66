"""Engine set-up for SQLite (WAL, foreign keys) and PostgreSQL, migrations on start, units of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from userpools.store.migrate import upgrade
from userpools.store.uow import UnitOfWork


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine: AsyncEngine = self._create_engine(url)
        # SQLite has one writer; queueing writers here avoids busy-waiting inside SQLite.
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    def _create_engine(self, url: str) -> AsyncEngine:
        if not self.is_sqlite:
            return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=False)
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, pool_size=8, max_overflow=8)
        _configure_sqlite(engine)
        return engine

    async def start(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade)

    async def close(self) -> None:
        await self.engine.dispose()

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
        async with self.engine.connect() as conn:
            if self.is_sqlite and write:
                await conn.execution_options(userpools_begin="BEGIN IMMEDIATE")
            async with conn.begin():
                yield UnitOfWork(conn, dialect=self.engine.dialect.name)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN IMMEDIATE can be used for writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("userpools_begin", "BEGIN"))
