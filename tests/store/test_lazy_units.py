"""Writing units begin their transaction late and may end without one, on both stores.

A unit whose only write is a deferred statement (a sign-in's refresh token) runs it alone, atomic by
itself: on PostgreSQL two round trips instead of four (store/pg.py), on SQLite no BEGIN IMMEDIATE and no
COMMIT, under the store's write lock (store/connection.py). Everything else keeps a transaction's
guarantees: reads see the unit's own deferred writes, a unit that fails writes nothing, and several writes
commit together.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from store_seed import seed_user
from userpools.store.database import Database
from userpools.store.refresh_tokens import StoredRefreshToken

POOL = "us-east-1_LazyUnit1"


def _record(user_id: int, family: str) -> StoredRefreshToken:
    return StoredRefreshToken(POOL, user_id, "client1", family, None, [], 1000.0, 1000.0, 5000.0, None, None)


def _log_statements(database: Database) -> list[str]:
    """The first word of every statement the store runs from now on (BEGIN and COMMIT included)."""
    sent: list[str] = []
    if database.is_sqlite:
        engine: Any = database._sync
        engine.pool.dispose()  # new connections, each traced from the start

        @event.listens_for(engine, "connect")
        def _trace(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.set_trace_callback(lambda sql: sent.append(sql.split()[0].upper()))

        return sent
    log: Callable[[Any], None] = lambda record: sent.append(record.query.split()[0].upper().rstrip(";"))  # noqa: E731
    for holder in database._pg._holders:  # type: ignore[union-attr]
        if holder._con is not None:
            holder._con.add_query_logger(log)
    return sent


async def test_a_read_then_one_deferred_write_runs_without_begin_or_commit(database: Database) -> None:
    user_id = await seed_user(database, POOL, "bob", "sub-2")
    sent = _log_statements(database)
    async with database.unit_of_work(write=True) as uow:
        assert await uow.refresh_tokens.find("nothing") is None
        await uow.refresh_tokens.insert("h1", _record(user_id, "fam-1"))
    assert sent == ["SELECT", "INSERT"]
    async with database.unit_of_work(write=False) as uow:
        assert (await uow.refresh_tokens.find("h1")) is not None


async def test_deferred_writes_are_read_back_and_committed_with_the_rest(database: Database) -> None:
    user_id = await seed_user(database, POOL, "bob", "sub-2")
    sent = _log_statements(database)
    async with database.unit_of_work(write=True) as uow:
        await uow.refresh_tokens.insert("h1", _record(user_id, "fam-1"))
        found = await uow.refresh_tokens.find("h1")
        assert found is not None and found.origin_jti == "fam-1"
        await uow.refresh_tokens.revoke_family("fam-1", 1500.0)
    assert sent[0] == "BEGIN" and sent[-1] == "COMMIT" and sent[1] == "INSERT"


async def test_a_failing_unit_leaves_nothing_behind(database: Database) -> None:
    user_id = await seed_user(database, POOL, "bob", "sub-2")
    with pytest.raises(RuntimeError):
        async with database.unit_of_work(write=True) as uow:
            await uow.refresh_tokens.insert("h1", _record(user_id, "fam-1"))
            raise RuntimeError("the operation failed after deciding to write")
    with pytest.raises(RuntimeError):
        async with database.unit_of_work(write=True) as uow:
            await uow.refresh_tokens.revoke_user(user_id, 1500.0)
            await uow.refresh_tokens.insert("h2", _record(user_id, "fam-2"))
            raise RuntimeError("after a write that began the transaction")
    async with database.unit_of_work(write=True) as uow:
        assert await uow.refresh_tokens.find("h1") is None
        assert await uow.refresh_tokens.find("h2") is None
        # The failed units gave the write lock back (SQLite): this one can write.
        await uow.refresh_tokens.insert("h3", _record(user_id, "fam-3"))
    async with database.unit_of_work(write=False) as uow:
        assert await uow.refresh_tokens.find("h3") is not None


async def test_the_first_write_begins_the_transaction(database: Database) -> None:
    user_id = await seed_user(database, POOL, "bob", "sub-2")
    sent = _log_statements(database)
    async with database.unit_of_work(write=True) as uow:
        await uow.refresh_tokens.find("x")
        await uow.refresh_tokens.revoke_user(user_id, 1500.0)
        await uow.refresh_tokens.insert("h1", _record(user_id, "fam-1"))
    assert sent == ["SELECT", "BEGIN", "UPDATE", "INSERT", "COMMIT"]
