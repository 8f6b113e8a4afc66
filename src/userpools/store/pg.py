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

from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
import orjson
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from userpools.store.connection import StoreUnavailable
from userpools.store.pg_stats import Analyzer, inserted_table

_DIALECT = asyncpg_dialect(json_serializer=lambda v: orjson.dumps(v).decode())  # type: ignore[no-untyped-call]
_CACHE_SIZE = 512

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


class Result:
    """The part of SQLAlchemy's result API that the repositories use."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def all(self) -> list[Any]:
        return self._rows

    def one(self) -> Any:
        if len(self._rows) != 1:
            raise sa_exc.NoResultFound() if not self._rows else sa_exc.MultipleResultsFound()
        return self._rows[0]

    def one_or_none(self) -> Any:
        if len(self._rows) > 1:
            raise sa_exc.MultipleResultsFound()
        return self.first()

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalars(self) -> _Scalars:
        return _Scalars([row[0] for row in self._rows])

    def mappings(self) -> _Scalars:
        return _Scalars([dict(row.items()) for row in self._rows])


class _Scalars(list[Any]):
    def all(self) -> list[Any]:
        return list(self)

    def first(self) -> Any:
        return self[0] if self else None


class _Compiled:
    """One statement compiled for asyncpg: its SQL and how to build the positional arguments."""

    __slots__ = (
        "compiled", "expanding", "inserts_into", "returns_rows", "slots", "sql", "starts_transaction",
        "statement",
    )  # fmt: skip

    def __init__(self, statement: ClauseElement, column_keys: tuple[str, ...] | None) -> None:
        # An INSERT or UPDATE without .values() takes its columns from the parameters' keys.
        keys = list(column_keys) if column_keys is not None else None
        compiled = statement.compile(dialect=_DIALECT, column_keys=keys)
        assert isinstance(compiled, SQLCompiler)
        self.statement: object = statement  # kept alive so that its id() is not reused while cached
        self.compiled = compiled
        self.sql = compiled.string
        # IN (...) lists are expanded per execution by SQLAlchemy (slower, and rare on hot paths).
        self.expanding = bool(compiled.post_compile_params or compiled.literal_execute_params)
        processors = compiled._bind_processors
        self.slots: list[tuple[str, Any, Any]] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            self.slots.append((bind.key, bind.value, processors.get(name)))
        returning = bool(getattr(compiled, "effective_returning", None))
        self.returns_rows = returning or not getattr(statement, "is_dml", False)
        self.inserts_into = inserted_table(statement)
        # Only a plain SELECT may run before the unit's transaction has begun (see PgConnection): a write,
        # a locking read or a transaction-scoped lock must run inside it.
        locking = getattr(statement, "_for_update_arg", None) is not None
        plain_read = getattr(statement, "is_select", False) and not locking
        self.starts_transaction = not plain_read or "pg_advisory" in self.sql

    def arguments(self, params: Mapping[str, Any] | None) -> tuple[str, list[Any]]:
        if self.expanding:
            state = self.compiled.construct_expanded_state(dict(params or {}))
            args = []
            for name in state.positiontup or ():
                value = state.parameters[name]
                processor: Any = state.processors.get(name)
                args.append(processor(value) if processor is not None and value is not None else value)
            return state.statement, args
        args = []
        for key, default, processor in self.slots:
            value = params[key] if params is not None and key in params else default
            args.append(processor(value) if processor is not None and value is not None else value)
        return self.sql, args


class _StatementCache:
    """Compiled statements by the identity of the statement object (an LRU for the built-per-call ones).

    DML statements are also keyed by their parameters' names, which choose the columns they write.
    """

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[int, tuple[str, ...] | None], _Compiled] = OrderedDict()

    def get(self, statement: Executable, params: Mapping[str, Any] | None) -> _Compiled:
        keys = tuple(params) if params is not None and getattr(statement, "is_dml", False) else None
        cache_key = (id(statement), keys)
        entry = self._entries.get(cache_key)
        if entry is not None and entry.statement is statement:
            self._entries.move_to_end(cache_key)
            return entry
        assert isinstance(statement, ClauseElement)
        entry = _Compiled(statement, keys)
        self._entries[cache_key] = entry
        if len(self._entries) > _CACHE_SIZE:
            self._entries.popitem(last=False)
        return entry


_STATEMENTS = _StatementCache()

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
