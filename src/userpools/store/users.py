"""Repository for users."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class UserRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
