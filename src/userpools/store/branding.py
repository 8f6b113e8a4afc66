"""Repository for managed login branding styles (one per app client) and their image assets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import managed_login_assets as assets
from userpools.store.tables import managed_login_brandings as brandings
from userpools.store.unique import insert_new

_STYLE = (
    brandings.c.id,
    brandings.c.pool_id,
    brandings.c.client_id,
    brandings.c.use_cognito_provided_values,
    brandings.c.settings,
    brandings.c.created,
    brandings.c.modified,
)


class BrandingRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def get(self, pool_id: str, branding_id: str) -> dict[str, Any] | None:
        """``{id, pool_id, client_id, use_cognito_provided_values, settings, created, modified}``."""
        query = select(*_STYLE).where(brandings.c.pool_id == pool_id, brandings.c.id == branding_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else dict(row._mapping)

    async def of_client(self, pool_id: str, client_id: str) -> dict[str, Any] | None:
        query = select(*_STYLE).where(brandings.c.pool_id == pool_id, brandings.c.client_id == client_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else dict(row._mapping)

    async def insert(self, style: dict[str, Any]) -> bool:
        """False when the client already has a style (a concurrent create won)."""
        return await insert_new(self.conn, insert(brandings).values(**style))

    async def update(self, branding_id: str, values: dict[str, Any]) -> None:
        await self.conn.execute(update(brandings).where(brandings.c.id == branding_id).values(**values))

    async def delete(self, branding_id: str) -> None:
        await self.conn.execute(delete(assets).where(assets.c.branding_id == branding_id))
        await self.conn.execute(delete(brandings).where(brandings.c.id == branding_id))

    async def assets(self, branding_id: str) -> list[dict[str, Any]]:
        """``{category, color_mode, extension, bytes, resource_id, version}`` of each asset, in order."""
        query = (
            select(assets)
            .where(assets.c.branding_id == branding_id)
            .order_by(assets.c.category, assets.c.color_mode)
        )
        return [dict(row._mapping) for row in (await self.conn.execute(query)).all()]

    async def asset_versions(self, branding_id: str) -> list[dict[str, Any]]:
        """Like ``assets`` without the bytes: what a page needs to link each image."""
        query = select(assets.c.category, assets.c.color_mode, assets.c.extension, assets.c.version).where(
            assets.c.branding_id == branding_id
        )
        return [dict(row._mapping) for row in (await self.conn.execute(query)).all()]

    async def asset(self, branding_id: str, category: str, color_mode: str) -> dict[str, Any] | None:
        query = select(assets).where(
            assets.c.branding_id == branding_id,
            assets.c.category == category,
            assets.c.color_mode == color_mode,
        )
        row = (await self.conn.execute(query)).first()
        return None if row is None else dict(row._mapping)

    async def put_assets(self, branding_id: str, items: list[dict[str, Any]]) -> None:
        """Adds each asset, replacing a stored one of the same category and colour mode."""
        for item in items:
            await self.conn.execute(
                delete(assets).where(
                    assets.c.branding_id == branding_id,
                    assets.c.category == item["category"],
                    assets.c.color_mode == item["color_mode"],
                )
            )
            await self.conn.execute(insert(assets).values(branding_id=branding_id, **item))

    async def clear_assets(self, branding_id: str) -> None:
        await self.conn.execute(delete(assets).where(assets.c.branding_id == branding_id))
