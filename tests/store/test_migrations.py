"""Migrations produce exactly the schema of store/tables.py, on both stores, and re-running is a no-op."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from userpools.store.database import Database
from userpools.store.tables import metadata


def _diff(conn: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(conn), metadata))


async def test_migrated_schema_matches_tables(database: Database) -> None:
    assert await database.run_sync(_diff) == []


async def test_start_twice_is_idempotent(database: Database) -> None:
    await database.start()
    async with database.unit_of_work(write=False) as uow:
        assert await uow.pools.page(None, 10) == []
