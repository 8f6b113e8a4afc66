"""Repository for ui customizations."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class UICustomizationRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
