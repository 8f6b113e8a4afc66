"""Repository for groups."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class GroupRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
