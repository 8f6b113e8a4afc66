"""Repository for clients."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class ClientRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
