"""Repository for resource servers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class ResourceServerRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
