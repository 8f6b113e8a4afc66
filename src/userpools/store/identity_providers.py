"""Repository for identity providers."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection


class IdentityProviderRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
