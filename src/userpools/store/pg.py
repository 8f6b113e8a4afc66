"""PostgreSQL on asyncpg directly: SQLAlchemy Core builds and compiles the statements, asyncpg runs them.

Going through SQLAlchemy's asyncio layer cost ~250 µs of CPU per statement on this machine (greenlet
hand-off, execution context, result objects) against ~60 µs for the same prepared statement on asyncpg
(docs/benchmarks.md), and a sign-in runs several statements. So the repositories keep their SQLAlchemy
Core statements and their ``Conn`` interface, while this module compiles each statement once for the
asyncpg dialect (the prebuilt statements are module constants, so the compiled form is cached by
identity) and hands the SQL and its positional arguments to asyncpg, whose per-connection cache of
prepared statements does the rest. Errors are raised as SQLAlchemy's (``IntegrityError`` ...), which the
repositories catch. Rows are asyncpg records that also answer attribute access, like SQLAlchemy's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql.base import Executable

from userpools.store.compiled import Result, StatementCache
from userpools.store.connection import StoreUnavailable
from userpools.store.pg_stats import Analyzer

_DIALECT = asyncpg_dialect(json_serializer=lambda v: orjson.dumps(v).decode())  # type: ignore[no-untyped-call]

# Bounds on waiting for the database, so that an outage fails requests fast instead of hanging them: a
# new connection, a free connection from the pool (all may be busy reconnecting), one statement.
CONNECT_TIMEOUT = 5.0
ACQUIRE_TIMEOUT = 5.0
COMMAND_TIMEOUT = 5.0

# Errors that mean "the database is away" (class 08 connection exceptions, 57 operator intervention such
# as pg_terminate_backend or a shutdown, 53 insufficient resources such as too many connections).
_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
)


class Row(asyncpg.Record):  # type: ignore[misc]
    """An asyncpg record that also reads columns as attributes (``row.username``), as SQLAlchemy rows do."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(self.items())


_STATEMENTS = StatementCache(_DIALECT)

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


class PgConnection:
    """``Conn`` (store/connection.py) on one asyncpg connection.

    A writing unit of work (``lazy``) sends BEGIN only before its first statement that writes or locks:
    under READ COMMITTED every statement reads its own snapshot, so plain reads before that point see
    exactly what they would inside the transaction. A ``defer``red statement (one whose result nobody
    reads) waits for the next statement, which runs after it in the transaction; when it is the unit's
    last and only write, it runs alone at the end, atomic by itself, and the unit costs no BEGIN / COMMIT
    round trips (a password sign-in: one read, one INSERT).
    """

    __slots__ = ("_deferred", "_lazy", "_transaction", "analyzer", "raw")

    def __init__(self, raw: asyncpg.Connection, analyzer: Analyzer | None = None, lazy: bool = False) -> None:
        self.raw = raw
        self.analyzer = analyzer
        self._lazy = lazy
        self._transaction: Any = None
        self._deferred: list[tuple[Executable, Mapping[str, Any] | None]] = []

    async def execute(self, statement: Executable, parameters: Params = None) -> Result:
        if isinstance(parameters, Sequence):
            return await self._execute_many(statement, parameters)
        entry = _STATEMENTS.get(statement, parameters)
        if self._lazy and self._transaction is None and (entry.starts_transaction or self._deferred):
            await self._begin()
        if self._deferred:
            await self._flush()
        sql, args = entry.arguments(parameters)
        try:
            if entry.returns_rows:
                rows = await self.raw.fetch(sql, *args)
                result = Result(rows, len(rows))
            else:
                result = Result([], _rowcount(await self.raw.execute(sql, *args)))
        except asyncpg.PostgresError as error:
            raise _translate(error, sql, parameters) from error
        except (OSError, asyncpg.InterfaceError) as error:  # OSError covers TimeoutError
            raise _lost(error, self.raw) from error
        if entry.inserts_into is not None and self.analyzer is not None:
            self.analyzer.inserted(entry.inserts_into, result.rowcount)
        return result

    async def defer(self, statement: Executable, parameters: Mapping[str, Any] | None = None) -> None:
        """Runs ``statement`` when the unit of work commits (at once outside a writing unit)."""
        if not self._lazy:
            await self.execute(statement, parameters)
            return
        self._deferred.append((statement, parameters))

    async def _flush(self) -> None:
        # Deferred statements run, in order, before any later statement: the unit reads its own writes.
        deferred, self._deferred = self._deferred, []
        for statement, parameters in deferred:
            await self.execute(statement, parameters)

    async def finish(self) -> None:
        """Commits a lazy unit: its deferred statements, then COMMIT if a transaction was begun."""
        if self._transaction is None and len(self._deferred) == 1:
            statement, parameters = self._deferred.pop()
            self._lazy = False
            await self.execute(statement, parameters)
            return
        if self._deferred:
            if self._transaction is None:
                await self._begin()
            await self._flush()
        if self._transaction is not None:
            await self._transaction.commit()

    async def abort(self) -> None:
        """Rolls a lazy unit back; its deferred statements never run."""
        self._deferred = []
        if self._transaction is not None and not closed(self.raw):
            await self._transaction.rollback()

    async def _begin(self) -> None:
        self._transaction = self.raw.transaction()
        await self._transaction.start()

    async def _execute_many(self, statement: Executable, batch: Sequence[Mapping[str, Any]]) -> Result:
        if not batch:
            return Result([], 0)
        entry = _STATEMENTS.get(statement, batch[0])
        if self._lazy and self._transaction is None:
            await self._begin()
        if self._deferred:
            await self._flush()
        try:
            await self.raw.executemany(entry.sql, [entry.arguments(params)[1] for params in batch])
        except asyncpg.PostgresError as error:
            raise _translate(error, entry.sql, batch) from error
        except (OSError, asyncpg.InterfaceError) as error:
            raise _lost(error, self.raw) from error
        if entry.inserts_into is not None and self.analyzer is not None:
            self.analyzer.inserted(entry.inserts_into, len(batch))
        return Result([], -1)

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        if self._lazy and self._transaction is None:
            await self._begin()
        if self._deferred:
            await self._flush()
        async with self.raw.transaction():
            yield

    def begin_nested(self) -> AbstractAsyncContextManager[None]:
        return self._savepoint()


def _rowcount(status: str) -> int:
    """The row count in a command tag ("UPDATE 3", "INSERT 0 1", "DELETE 0"); -1 when there is none."""
    last = status.rpartition(" ")[2]
    return int(last) if last.isdigit() else -1


def _translate(error: asyncpg.PostgresError, sql: str, params: Any) -> Exception:
    if isinstance(error, _UNAVAILABLE):
        return StoreUnavailable(f"{type(error).__name__}: {error}")
    if isinstance(error, asyncpg.IntegrityConstraintViolationError):
        return sa_exc.IntegrityError(sql, params, error)
    if isinstance(error, asyncpg.exceptions.DataError):
        return sa_exc.DataError(sql, params, error)
    return sa_exc.DBAPIError(sql, params, error)


def _lost(error: Exception, raw: asyncpg.Connection) -> Exception:
    """A client-side failure of a statement: the database is away when the connection died or timed out."""
    if isinstance(error, OSError) or closed(raw):
        return StoreUnavailable(f"{type(error).__name__}: {error}" if str(error) else type(error).__name__)
    return error


def unavailable(error: BaseException, raw: asyncpg.Connection) -> bool:
    """Whether a unit of work failed because its connection went away (rather than for its own reasons)."""
    return isinstance(error, StoreUnavailable) or (isinstance(error, Exception) and closed(raw))


def closed(raw: asyncpg.Connection) -> bool:
    try:
        return bool(raw.is_closed())
    except asyncpg.InterfaceError:  # the pool took back a connection that closed under it
        return True


@asynccontextmanager
async def connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A connection from ``pool`` within ACQUIRE_TIMEOUT; StoreUnavailable when none can be had."""
    try:
        raw = await pool.acquire(timeout=ACQUIRE_TIMEOUT)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        # Refused, unreachable, "not currently accepting connections", no such database, timed out.
        raise StoreUnavailable(
            f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        ) from error
    try:
        yield raw
    finally:
        await pool.release(raw)


async def _init_connection(conn: asyncpg.Connection) -> None:
    # JSON columns arrive as text and are decoded with orjson; values are serialized by the statement's
    # bind processors (SQLAlchemy's JSON type, with the orjson serializer above).
    await conn.set_type_codec("json", encoder=str, decoder=orjson.loads, schema="pg_catalog")


async def _no_reset(_conn: asyncpg.Connection) -> None:
    """Every unit of work ends in its own COMMIT or ROLLBACK, so the pool's reset round trip is not needed."""


async def create_pool(
    url: str, min_size: int = 2, max_size: int = 24, server_settings: dict[str, str] | None = None
) -> asyncpg.Pool:
    """A pool sized for a busy node: 16 concurrent clients must not churn connections."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    pool = await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, init=_init_connection, reset=_no_reset,
        record_class=Row, server_settings=server_settings, timeout=CONNECT_TIMEOUT,
        command_timeout=COMMAND_TIMEOUT,
    )  # fmt: skip
    assert pool is not None
    return pool
