"""Repository for domains."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class DomainRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
