"""The one thing repositories need from a connection: ``await conn.execute(statement, params)``.

PostgreSQL gets ``store.pg.PgConnection`` (asyncpg, statements compiled by SQLAlchemy). SQLite gets
``SyncConnection``: the sqlite3 driver called directly on the event-loop thread. An indexed SQLite lookup
takes microseconds, while aiosqlite's hand-off to a worker thread per statement costs far more than the
query itself under load (measured: DescribeUserPool 480 ops/s with aiosqlite vs 1,790 ops/s direct, 16
concurrent clients; see docs/benchmarks.md), so the thread buys nothing for an embedded file database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.sql.base import Executable

from userpools.store.compiled import Compiled, Result, StatementCache, starts_transaction

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


class StoreUnavailable(Exception):
    """The database could not be reached, cut the connection or did not answer in time.

    Nothing is wrong with the request: the API answers Cognito's retryable InternalErrorException (500),
    and the pool replaces its connections by itself once the database is back (docs/faults.md).
    """


class Rows(Protocol):
    """What repositories read from a statement's result (SQLAlchemy's result API, in part)."""

    @property
    def rowcount(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...

    def first(self) -> Any: ...

    def all(self) -> Sequence[Any]: ...

    def scalar_one(self) -> Any: ...

    def scalar_one_or_none(self) -> Any: ...

    def scalars(self) -> Any: ...


class Conn(Protocol):
    async def execute(self, statement: Executable, parameters: Params = None) -> Rows: ...

    async def defer(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> None:
        """A write whose result nobody reads: it may run as late as the commit (see PgConnection)."""
        ...

    def begin_nested(self) -> AbstractAsyncContextManager[Any]:
        """A savepoint: rolled back alone when its block raises, so the outer transaction stays usable."""
        ...


class SyncConnection:
    """An awaitable face over a synchronous SQLAlchemy connection (SQLite on the loop thread).

    With ``statements``, prebuilt plain statements (run before; one row of parameters; no IN list expanded
    per execution) run compiled on the sqlite3 connection underneath (store/compiled.py): SQLAlchemy's
    execution layer cost more CPU than SQLite itself on the sign-in path. Transactions stay SQLAlchemy's
    (begin, commit, savepoints), on the same sqlite3 connection.

    ``readonly`` connections run outside any SQL transaction (see Database._read_unit), so a write there
    would commit on its own: it is refused, which makes an operation registered ``write=False`` that
    writes fail loudly in tests instead of losing atomicity.
    """

    __slots__ = ("_begin", "_deferred", "_driver", "_lock_writes", "conn", "readonly", "statements")

    def __init__(
        self,
        conn: Connection,
        readonly: bool = False,
        begin: Callable[[], Awaitable[None]] | None = None,
        statements: StatementCache | None = None,
        lock_writes: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.conn = conn
        self.statements = statements
        self._driver: sqlite3.Connection | None = None
        self.readonly = readonly
        # A writing unit's transaction begins (taking the store's write lock) only at its first write, as
        # on PostgreSQL (PgConnection): what runs before it (a trigger, a slow dependency) holds no lock.
        self._begin = begin
        # Takes the store's write lock without beginning a transaction, for a unit's lone last write.
        self._lock_writes = lock_writes
        self._deferred: list[tuple[Executable, Mapping[str, Any] | None]] = []

    async def execute(self, statement: Executable, parameters: Params = None) -> Rows:
        if self.readonly and getattr(statement, "is_dml", False):
            raise RuntimeError("a write in a read-only unit of work: register the operation with write=True")
        if self._deferred:
            await self._flush()  # the unit reads its own writes
        entry = self._compiled(statement, parameters)
        if entry is None:
            if self._begin is not None and starts_transaction(statement):
                await self._start()
            return self.conn.execute(statement, parameters)
        if self._begin is not None and entry.starts_transaction:
            await self._start()
        sql, args = entry.arguments(parameters)  # type: ignore[arg-type]
        if self._driver is None:
            self._driver = self.conn.connection.dbapi_connection  # type: ignore[assignment]
            assert self._driver is not None
        try:
            cursor = self._driver.execute(sql, args)
            if entry.returns_rows:
                rows = entry.rows(cursor.fetchall())
                return Result(rows, len(rows))
            return Result([], cursor.rowcount)
        except sqlite3.Error as error:  # as SQLAlchemy raises them (IntegrityError ...), for the repositories
            raise sa_exc.DBAPIError.instance(sql, args, error, sqlite3.Error) from error

    def _compiled(self, statement: Executable, parameters: Params) -> Compiled | None:
        if self.statements is None or not (parameters is None or isinstance(parameters, Mapping)):
            return None
        if not (getattr(statement, "is_select", False) or getattr(statement, "is_dml", False)):
            return None  # raw SQL, DDL
        entry = self.statements.get_repeated(statement, parameters)
        return None if entry is None or entry.expanding else entry

    async def finish(self) -> None:
        """Ends the unit's statements: runs the deferred writes (in order) before the commit.

        A lone deferred write in a unit that has not begun a transaction (a sign-in's refresh token) runs
        alone under the write lock, atomic by itself: BEGIN IMMEDIATE and COMMIT would add nothing.
        """
        if len(self._deferred) == 1 and self._begin is not None and self._lock_writes is not None:
            statement, parameters = self._deferred.pop()
            self._begin = None
            await self._lock_writes()
            await self.execute(statement, parameters)
            return
        await self._flush()

    async def _flush(self) -> None:
        deferred, self._deferred = self._deferred, []
        for statement, parameters in deferred:
            await self.execute(statement, parameters)

    async def _start(self) -> None:
        begin, self._begin = self._begin, None
        if begin is not None:
            await begin()

    async def defer(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> None:
        if self._begin is None:  # no round trips to save on an embedded database: run it now
            await self.execute(statement, parameters)
            return
        # Before the unit's first write, waiting keeps the write lock free for what comes first (a
        # sign-in's PreTokenGeneration trigger runs before its refresh token is stored).
        self._deferred.append((statement, parameters))

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[Any]:
        await self._start()
        with self.conn.begin_nested() as savepoint:
            yield savepoint

    def begin_nested(self) -> AbstractAsyncContextManager[Any]:
        return self._savepoint()
