"""Which statements run compiled on the driver (store/compiled.py), and what their rows look like."""

from __future__ import annotations

import sqlite3

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

from userpools.store.compiled import StatementCache
from userpools.store.tables import users

_PREBUILT = select(users.c.username, users.c.enabled, users.c.attributes).where(
    users.c.sub == bindparam("sub")
)


def test_a_statement_is_compiled_from_its_second_execution_on() -> None:
    cache = StatementCache(sqlite_dialect(), decode=True)
    assert cache.get_repeated(_PREBUILT, {"sub": "s"}) is None  # once: SQLAlchemy runs it
    entry = cache.get_repeated(_PREBUILT, {"sub": "s"})
    assert entry is not None and cache.get_repeated(_PREBUILT, {"sub": "t"}) is entry
    assert entry.arguments({"sub": "t"}) == (entry.sql, ["t"])


def test_statements_built_per_call_stay_with_sqlalchemy() -> None:
    cache = StatementCache(sqlite_dialect(), decode=True)
    for _ in range(3):
        built = select(users.c.username).where(users.c.sub == bindparam("sub"))
        assert cache.get_repeated(built, {"sub": "s"}) is None


def test_rows_read_by_name_with_the_column_types_applied() -> None:
    cache = StatementCache(sqlite_dialect(), decode=True)
    entry = cache.get(_PREBUILT, {"sub": "s"})
    driver = sqlite3.connect(":memory:")
    raw = driver.execute("SELECT 'bob', 1, '{\"email\": \"b@x\"}'").fetchall()
    (row,) = entry.rows(raw)
    assert row.username == "bob" and row.enabled is True and row.attributes == {"email": "b@x"}
    assert row._mapping == {"username": "bob", "enabled": True, "attributes": {"email": "b@x"}}
    assert tuple(row) == ("bob", True, {"email": "b@x"})
