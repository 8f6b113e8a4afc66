"""Store set-up for SQLite (WAL, foreign keys) and PostgreSQL (store/pg.py), migrations, units of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import orjson
from sqlalchemy import column, create_engine, event, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql import Select

from userpools.ports import Clock, SystemClock
from userpools.store import migrate, pg, pg_stats
from userpools.store.checkpoint import LOOP_AUTOCHECKPOINT_PAGES, Checkpointer
from userpools.store.compiled import StatementCache
from userpools.store.connection import StoreUnavailable, SyncConnection
from userpools.store.migrate import upgrade
from userpools.store.pool_cache import PoolCache
from userpools.store.uow import UnitOfWork

T = TypeVar("T")


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


_VERSION: Select[Any] = select(column("version_num")).select_from(table("alembic_version"))

# JSON columns (pool, client and user documents) are decoded on nearly every request.
_JSON: dict[str, Any] = {"json_serializer": _dumps, "json_deserializer": orjson.loads}


# The SQLite engine keeps this many connections (pool_size), so a check-out never waits and never opens
# one: writing units that await signatures from the signing child (auth/sign_process.py) overlap, and a
# connection opened and closed per unit cost more than the unit's statements.
_SQLITE_WRITERS = 16


class Database:
    """SQLite runs on the sqlite3 driver on the loop thread (see store/connection.py); PostgreSQL on asyncpg
    (store/pg.py)."""

    def __init__(self, url: str, clock: Clock | None = None, shared: bool = False) -> None:
        self.url = url
        self.clock = clock or SystemClock()  # stamps the change journal (store/journal.py)
        self.is_sqlite = url.startswith("sqlite")
        self.dialect = "sqlite" if self.is_sqlite else "postgresql"
        self._sync: Engine | None = None
        self._statements: StatementCache | None = None
        self._checkpointer: Checkpointer | None = None
        self._pg: asyncpg.Pool | None = None
        self._relaxed: asyncpg.Pool | None = None  # see relaxed_connection
        self.analyzer = pg_stats.Analyzer()  # PostgreSQL only (store/pg_stats.py)
        self._reader: Connection | None = None
        # Only a store this process owns alone may cache pools (see store/pool_cache.py): not a SQLite
        # file that other worker processes write too (``shared``), never PostgreSQL.
        self.shared = shared or not self.is_sqlite
        self.pool_cache = None if self.shared else PoolCache()
        if self.is_sqlite:
            self._sync = _sqlite_engine(url)
            self._statements = StatementCache(self._sync.dialect, decode=True)
        # SQLite has one writer; queueing writers here avoids busy-waiting inside SQLite. The lock is per
        # process: writers of other processes on a shared file wait in SQLite (busy_timeout, below).
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        # Writing units each hold a pooled connection while they wait for that lock (_sqlite_write_unit).
        self._writers = asyncio.Semaphore(_SQLITE_WRITERS)

    async def start(self) -> None:
        await self.run_sync(upgrade)
        path = _sqlite_path(self.url)
        if path:
            self._checkpointer = Checkpointer(path)
            self._checkpointer.start()
        if not self.is_sqlite:
            self._pg = await pg.create_pool(self.url)
            self.analyzer.pool = self._pg

    async def run_sync(self, fn: Callable[[Connection], T]) -> T:
        """Runs ``fn`` on a plain connection in its own committed transaction (migrations, schema checks)."""
        if self._sync is not None:
            with self._sync.begin() as conn:
                return fn(conn)
        # Migrations and schema checks need SQLAlchemy's own connection: a short-lived engine.
        engine = create_async_engine(self.url, poolclass=NullPool, **_JSON)
        try:
            async with engine.begin() as aconn:
                return await aconn.run_sync(fn)
        finally:
            await engine.dispose()

    async def readiness(self) -> str | None:
        """None when the store answers and is at the latest migration; otherwise why not (for /ready)."""
        head = migrate.head()
        try:
            async with self.unit_of_work(write=False) as uow:
                version = (await uow.conn.execute(_VERSION)).scalar_one_or_none()
        except Exception as exc:  # any driver or network failure means "not ready", with its reason
            if "alembic_version" in str(exc):
                return f"store not migrated: this version needs migration {head}"
            return f"store unreachable: {type(exc).__name__}: {exc}"[:300]
        return None if version == head else f"store at migration {version}, this version needs {head}"

    def _read_unit(self) -> UnitOfWork:
        """Read-only units of work on SQLite share one connection and open no SQL transaction.

        Every statement runs on the loop thread and reads the latest commit (WAL), and each result is
        consumed before the next await, so sharing is safe; it saves a pool check-out, BEGIN and COMMIT
        per request. Writes are refused on it (SyncConnection.readonly), so nothing needs rolling back.
        """
        if self._reader is None or self._reader.invalidated or self._reader.closed:
            assert self._sync is not None
            self._reader = self._sync.connect().execution_options(userpools_begin="")
        reader = SyncConnection(self._reader, readonly=True, statements=self._statements)
        return UnitOfWork(reader, self.dialect, self.pool_cache, self.clock)

    async def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._sync is not None:
            self._sync.dispose()
        if self._relaxed is not None:
            await self._relaxed.close()
            self._relaxed = None
        if self._pg is not None:
            await self.analyzer.close()
            await self._pg.close()
            self._pg = None

    @asynccontextmanager
    async def relaxed_connection(self) -> AsyncIterator[pg.PgConnection]:
        """PostgreSQL only: a connection whose commits don't wait for the WAL flush, outside any transaction.

        For data that may lose its last moments in a crash (request-rate counters, operations/quotas.py):
        a commit there cost a disk flush (~10 ms on a busy disk) on every counted request. Its own small
        pool, so no other unit of work ever runs with synchronous_commit off.
        """
        if self._relaxed is None:
            settings = {"synchronous_commit": "off"}
            self._relaxed = await pg.create_pool(self.url, min_size=1, max_size=8, server_settings=settings)
        async with pg.connection(self._relaxed) as raw:
            yield pg.PgConnection(raw)

    def unit_of_work(self, write: bool) -> AbstractAsyncContextManager[UnitOfWork]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        if self._sync is not None and not write:
            return _Ready(self._read_unit())
        return self._unit_of_work(write)

    def _unit_of_work(self, write: bool) -> AbstractAsyncContextManager[UnitOfWork]:
        return self._sqlite_write_unit() if self._sync is not None else self._transaction(write)

    @asynccontextmanager
    async def _sqlite_write_unit(self) -> AsyncIterator[UnitOfWork]:
        """A writing unit on SQLite: plain reads run at once (autocommit, the latest commit as WAL shows it);
        the first write takes the write lock and begins the transaction (BEGIN IMMEDIATE).

        So a unit that waits on something before writing (a Lambda trigger, up to 5 s) does not hold up
        every other writer, the same as on PostgreSQL (PgConnection's lazy BEGIN).
        """
        assert self._sync is not None and self._write_lock is not None
        lock, held = self._write_lock, False
        async with self._writers:  # a free pooled connection for each unit: check-out never blocks the loop
            with self._sync.connect() as raw:
                conn = raw.execution_options(userpools_begin="")

                async def lock_writes() -> None:
                    nonlocal held
                    await lock.acquire()
                    held = True

                async def begin() -> None:
                    await lock_writes()
                    conn.commit()  # ends the driver-level autocommit reads (no SQL transaction was open)
                    conn.execution_options(userpools_begin="BEGIN IMMEDIATE")
                    conn.begin()

                unit = SyncConnection(conn, begin=begin, statements=self._statements, lock_writes=lock_writes)
                uow = UnitOfWork(unit, self.dialect, self.pool_cache, self.clock)
                try:
                    yield uow
                    await uow.flush()
                    await unit.finish()
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
                finally:
                    if held:
                        lock.release()
        for hook in uow.on_commit:
            hook()

    @asynccontextmanager
    async def _transaction(self, write: bool) -> AsyncIterator[UnitOfWork]:
        if self._pg is None:
            raise RuntimeError("Database.start() has not run")
        async with pg.connection(self._pg) as raw:
            unit = pg.PgConnection(raw, self.analyzer, lazy=write)
            uow = UnitOfWork(unit, self.dialect, clock=self.clock)
            try:
                yield uow
                if write:
                    await uow.flush()
                    await unit.finish()
            except BaseException as exc:
                if not pg.unavailable(exc, raw):
                    try:
                        await unit.abort()
                    except Exception as abort_error:
                        if not pg.unavailable(abort_error, raw):
                            raise
                        # The connection went away during the rollback, which makes the rollback moot: the
                        # unit's own error (a ServiceError, StaleUser) is still the answer.
                        if not pg.closed(raw):
                            raw.terminate()
                    raise
                # The database went away under the unit (or a statement timed out): the caller should retry.
                try:
                    await unit.abort()
                except Exception:
                    if not pg.closed(raw):
                        raw.terminate()  # never hand a connection stuck in a transaction back to the pool
                if isinstance(exc, StoreUnavailable):
                    raise
                raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
        for hook in uow.on_commit:
            hook()


class _Ready:
    """An already-open read unit: a plain class, cheaper than a generator-based context manager."""

    __slots__ = ("uow",)

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def __aenter__(self) -> UnitOfWork:
        return self.uow

    async def __aexit__(self, *exc: object) -> None:
        return None


def _sqlite_path(url: str) -> str:
    """The database file of a SQLite URL; "" for PostgreSQL and in-memory databases."""
    path = url.split("///", 1)[1].split("?", 1)[0] if url.startswith("sqlite") and "///" in url else ""
    return "" if path == ":memory:" else path


def _sqlite_engine(url: str) -> Engine:
    path = _sqlite_path(url)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    sync_url = url.replace("sqlite+aiosqlite:", "sqlite:", 1)
    engine = create_engine(
        sync_url,
        pool_size=_SQLITE_WRITERS,
        max_overflow=8,  # migrations and checks beside the writers
        # The connection returned last is taken first: its page cache is the one still valid (a commit on
        # another connection makes SQLite drop a connection's whole cache at its next read).
        pool_use_lifo=True,
        # Every unit of work ends in an explicit commit or rollback, so no reset is needed on check-in.
        pool_reset_on_return=None,
        connect_args={"check_same_thread": False},
        **_JSON,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN IMMEDIATE can be used for writes.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=10000"):
            cursor.execute(f"PRAGMA {pragma}")
        # Checkpoints run on a background thread (store/checkpoint.py); this only bounds the WAL.
        cursor.execute(f"PRAGMA wal_autocheckpoint={LOOP_AUTOCHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        statement = conn.get_execution_options().get("userpools_begin", "BEGIN")
        if statement:
            conn.exec_driver_sql(statement)

    return engine
