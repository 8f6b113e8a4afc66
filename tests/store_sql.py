"""Raw SQL on the live test server's store (SQLite or PostgreSQL), for checks the API cannot make.

Statements use ``?`` placeholders (sqlite3's style); on PostgreSQL they become ``$1, $2 ...``. Rows read
by column name on both stores. Each statement runs in its own transaction.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import asyncpg


class _Rows:
    def __init__(self, rows: Sequence[Any]) -> None:
        self._rows = list(rows)

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return self._rows


class _PostgreSQL:
    def __init__(self, url: str) -> None:
        self.dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        numbered = iter(range(1, len(params) + 1))
        statement = re.sub(r"\?", lambda _m: f"${next(numbered)}", sql)
        return _Rows(asyncio.run(self._run(statement, params)))

    async def _run(self, statement: str, params: Sequence[Any]) -> list[Any]:
        conn = await asyncpg.connect(self.dsn)
        try:
            return list(await conn.fetch(statement, *params))
        finally:
            await conn.close()


@contextmanager
def store_sql(database_url: str) -> Iterator[Any]:
    """A connection-like object with ``execute(sql, params)`` returning ``fetchone()`` / ``fetchall()``."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.split("///", 1)[1], timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            with conn:
                yield conn
        finally:
            conn.close()
        return
    yield _PostgreSQL(database_url)
