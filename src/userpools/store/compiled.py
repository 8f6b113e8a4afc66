"""SQLAlchemy Core statements compiled once and run on the driver directly, with a small result object.

SQLAlchemy's execution layer (execution context, events, result metadata, row objects) costs tens of
microseconds per statement in Python; a sign-in runs several. The repositories keep their prebuilt Core
statements (module constants, so a compiled form is cached by the statement's identity) and the ``Conn``
interface; PostgreSQL runs the compiled SQL on asyncpg (store/pg.py) and SQLite on the sqlite3 connection
underneath SQLAlchemy's (store/connection.py). Statements this module does not handle (IN lists expanded
per execution, batches, raw SQL) still go through SQLAlchemy on SQLite.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from userpools.store.pg_stats import inserted_table

_CACHE_SIZE = 512

CacheKey = tuple[int, tuple[str, ...] | None]  # the statement's id(), the parameter names of a DML


def starts_transaction(statement: object) -> bool:
    """Whether ``statement`` must run inside a lazy unit's transaction: only a plain SELECT may run before it
    has begun; a write, a locking read or raw SQL (a transaction-scoped lock among them) runs inside it."""
    locking = getattr(statement, "_for_update_arg", None) is not None
    return not (getattr(statement, "is_select", False) and not locking)


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


class TupleRow(tuple[Any, ...]):
    """A driver's row tuple that also reads columns by name (``row.username``, ``row._mapping``).

    Each compiled statement makes a subclass whose ``_index`` maps its result names to positions.
    """

    __slots__ = ()
    _index: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._index[name]]
        except KeyError:
            raise AttributeError(name) from None

    def items(self) -> list[tuple[str, Any]]:
        return [(name, self[i]) for name, i in self._index.items()]

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(self.items())


class Compiled:
    """One statement compiled for a dialect: its SQL and how to build the positional arguments.

    ``decode`` (drivers that return raw column values, as sqlite3 does): also how to turn a driver row
    into a TupleRow, with the column types' result processors (JSON text to objects, 0/1 to booleans).
    """

    __slots__ = (
        "compiled", "expanding", "inserts_into", "processors", "returns_rows", "row_type", "slots", "sql",
        "starts_transaction", "statement",
    )  # fmt: skip

    def __init__(
        self, statement: ClauseElement, column_keys: tuple[str, ...] | None, dialect: Dialect, decode: bool
    ) -> None:
        # An INSERT or UPDATE without .values() takes its columns from the parameters' keys.
        keys = list(column_keys) if column_keys is not None else None
        compiled = statement.compile(dialect=dialect, column_keys=keys)
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
        self.starts_transaction = starts_transaction(statement) or "pg_advisory" in self.sql
        self.row_type: type[TupleRow] = TupleRow
        self.processors: list[Any] | None = None
        if decode and self.returns_rows:
            columns = compiled._result_columns
            index: dict[str, int] = {}
            for i, column in enumerate(columns):
                index.setdefault(column.keyname, i)
            self.row_type = type("Row", (TupleRow,), {"__slots__": (), "_index": index})
            found = [column.type._cached_result_processor(dialect, None) for column in columns]
            self.processors = found if any(found) else None

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

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        """Driver rows as TupleRows (``decode`` statements)."""
        make = self.row_type
        processors = self.processors
        if processors is None:
            return [make(row) for row in raw]
        return [make([v if p is None else p(v) for p, v in zip(processors, row, strict=True)]) for row in raw]


class StatementCache:
    """Compiled statements by the identity of the statement object (an LRU for the built-per-call ones).

    DML statements are also keyed by their parameters' names, which choose the columns they write.
    """

    def __init__(self, dialect: Dialect, decode: bool = False) -> None:
        self.dialect = dialect
        self.decode = decode
        self._entries: OrderedDict[CacheKey, Compiled] = OrderedDict()
        # Statements executed once so far (held, so that their id() is not reused while listed).
        self._seen: OrderedDict[CacheKey, object] = OrderedDict()

    def get(self, statement: Executable, params: Mapping[str, Any] | None) -> Compiled:
        cache_key, entry = self._cached(statement, params)
        return entry if entry is not None else self._compile(statement, cache_key)

    def get_repeated(self, statement: Executable, params: Mapping[str, Any] | None) -> Compiled | None:
        """The compiled statement, but only from its second execution on; None the first time.

        A statement built per call is a new object each time and would be compiled on every call, which
        costs more than SQLAlchemy's own execution with its structural cache: those stay with SQLAlchemy.
        The prebuilt statements of the hot paths run again and again and are compiled once.
        """
        cache_key, entry = self._cached(statement, params)
        if entry is not None:
            return entry
        if self._seen.get(cache_key) is not statement:
            self._seen[cache_key] = statement
            if len(self._seen) > _CACHE_SIZE:
                self._seen.popitem(last=False)
            return None
        del self._seen[cache_key]
        return self._compile(statement, cache_key)

    def _cached(
        self, statement: Executable, params: Mapping[str, Any] | None
    ) -> tuple[CacheKey, Compiled | None]:
        keys = tuple(params) if params is not None and getattr(statement, "is_dml", False) else None
        cache_key = (id(statement), keys)
        entry = self._entries.get(cache_key)
        if entry is None or entry.statement is not statement:
            return cache_key, None
        self._entries.move_to_end(cache_key)
        return cache_key, entry

    def _compile(self, statement: Executable, cache_key: CacheKey) -> Compiled:
        assert isinstance(statement, ClauseElement)
        entry = Compiled(statement, cache_key[1], self.dialect, self.decode)
        self._entries[cache_key] = entry
        if len(self._entries) > _CACHE_SIZE:
            self._entries.popitem(last=False)
        return entry
