"""Repository for hosted UI (classic) customizations: CSS and logo per pool (``ALL``) or per client."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import ui_customizations as ui

_META = (
    ui.c.pool_id,
    ui.c.client_id,
    ui.c.css,
    ui.c.css_version,
    ui.c.image_type,
    ui.c.created,
    ui.c.modified,
)


class UICustomizationRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def get(self, pool_id: str, client_id: str) -> dict[str, Any] | None:
        """``{pool_id, client_id, css, css_version, image_type, created, modified}`` (no image bytes)."""
        query = select(*_META).where(ui.c.pool_id == pool_id, ui.c.client_id == client_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else dict(row._mapping)

    async def image(self, pool_id: str, client_id: str) -> tuple[bytes, str, str] | None:
        """``(image, image type, version)`` of a stored logo, or None."""
        query = select(ui.c.image, ui.c.image_type, ui.c.css_version).where(
            ui.c.pool_id == pool_id, ui.c.client_id == client_id
        )
        row = (await self.conn.execute(query)).first()
        if row is None or row.image is None:
            return None
        return bytes(row.image), str(row.image_type), str(row.css_version)

    async def put(
        self,
        pool_id: str,
        client_id: str,
        css: str | None,
        version: str,
        image: bytes | None,
        image_type: str | None,
        now: float,
    ) -> None:
        values = {
            "css": css,
            "css_version": version,
            "image": image,
            "image_type": image_type,
            "modified": now,
        }
        where = (ui.c.pool_id == pool_id, ui.c.client_id == client_id)
        if await self.get(pool_id, client_id) is not None:
            await self.conn.execute(update(ui).where(*where).values(**values))
            return
        await self.conn.execute(
            insert(ui).values(pool_id=pool_id, client_id=client_id, created=now, **values)
        )

    async def delete(self, pool_id: str, client_id: str) -> None:
        await self.conn.execute(delete(ui).where(ui.c.pool_id == pool_id, ui.c.client_id == client_id))
