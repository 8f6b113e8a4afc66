"""Inserting rows whose unique key may already be taken (checked first, but a concurrent writer can win)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.base import Executable

from userpools.store.connection import Conn


async def insert_new(conn: Conn, statement: Executable) -> bool:
    """False when the INSERT hit a unique key already present.

    The caller must then fail the operation: PostgreSQL has aborted the transaction, and the unit of
    work rolls back on the raised error (SQLite, whose writers are serialized, keeps it usable anyway).
    """
    try:
        await conn.execute(statement)
    except IntegrityError:
        return False
    return True
