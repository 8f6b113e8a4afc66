"""Repository for a pool's external identity providers and their IdP identifiers.

``idp_identifiers`` indexes the identifiers (unique within a pool) so GetIdentityProviderByIdentifier
and the uniqueness check are single-row look-ups.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import identity_providers as idps
from userpools.store.tables import idp_identifiers
from userpools.store.unique import insert_new


def _wire(row: Any) -> dict[str, Any]:
    """The stored provider; ``ProviderDetails`` may hold write-only keys the caller must strip."""
    return {
        "UserPoolId": row.pool_id,
        "ProviderName": row.name,
        "ProviderType": row.type,
        "ProviderDetails": dict(row.details),
        "AttributeMapping": dict(row.attribute_mapping),
        "IdpIdentifiers": list(row.idp_identifiers),
        "LastModifiedDate": row.modified,
        "CreationDate": row.created,
    }


class IdentityProviderRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, pool_id: str, provider: dict[str, Any], now: float) -> bool:
        """False when the name or one of the identifiers is already taken in the pool."""
        statement = insert(idps).values(
            pool_id=pool_id,
            name=provider["ProviderName"],
            type=provider["ProviderType"],
            details=provider["ProviderDetails"],
            attribute_mapping=provider["AttributeMapping"],
            idp_identifiers=provider["IdpIdentifiers"],
            created=now,
            modified=now,
        )
        if not await insert_new(self.conn, statement):
            return False
        return await self._index(pool_id, provider["ProviderName"], provider["IdpIdentifiers"])

    async def replace(self, pool_id: str, provider: dict[str, Any], now: float) -> bool:
        """False when one of the new identifiers is already taken by another provider."""
        name = provider["ProviderName"]
        await self.conn.execute(
            update(idps)
            .where(idps.c.pool_id == pool_id, idps.c.name == name)
            .values(
                details=provider["ProviderDetails"],
                attribute_mapping=provider["AttributeMapping"],
                idp_identifiers=provider["IdpIdentifiers"],
                modified=now,
            )
        )
        await self.conn.execute(
            delete(idp_identifiers).where(
                idp_identifiers.c.pool_id == pool_id, idp_identifiers.c.provider_name == name
            )
        )
        return await self._index(pool_id, name, provider["IdpIdentifiers"])

    async def _index(self, pool_id: str, name: str, identifiers: Iterable[str]) -> bool:
        rows = [{"pool_id": pool_id, "identifier": i, "provider_name": name} for i in identifiers]
        return not rows or await insert_new(self.conn, insert(idp_identifiers).values(rows))

    async def get(self, pool_id: str, name: str) -> dict[str, Any] | None:
        query = select(idps).where(idps.c.pool_id == pool_id, idps.c.name == name)
        row = (await self.conn.execute(query)).first()
        return None if row is None else _wire(row)

    async def owners_of(self, pool_id: str, identifiers: Iterable[str]) -> dict[str, str]:
        """``{identifier: provider name}`` for those of ``identifiers`` already taken in the pool."""
        wanted = list(identifiers)
        if not wanted:
            return {}
        query = select(idp_identifiers).where(
            idp_identifiers.c.pool_id == pool_id, idp_identifiers.c.identifier.in_(wanted)
        )
        return {r.identifier: r.provider_name for r in (await self.conn.execute(query)).all()}

    async def delete(self, pool_id: str, name: str) -> None:
        await self.conn.execute(
            delete(idp_identifiers).where(
                idp_identifiers.c.pool_id == pool_id, idp_identifiers.c.provider_name == name
            )
        )
        await self.conn.execute(delete(idps).where(idps.c.pool_id == pool_id, idps.c.name == name))

    async def count(self, pool_id: str) -> int:
        query = select(func.count()).select_from(idps).where(idps.c.pool_id == pool_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def names(self, pool_id: str, wanted: Iterable[str]) -> set[str]:
        """Which of ``wanted`` are providers of the pool."""
        names = list(wanted)
        if not names:
            return set()
        query = select(idps.c.name).where(idps.c.pool_id == pool_id, idps.c.name.in_(names))
        return {r.name for r in (await self.conn.execute(query)).all()}

    async def page(self, pool_id: str, after: str | None, limit: int) -> list[dict[str, Any]]:
        """Provider summaries ordered by name, after ``after``."""
        query = select(idps.c.name, idps.c.type, idps.c.created, idps.c.modified).where(
            idps.c.pool_id == pool_id
        )
        if after is not None:
            query = query.where(idps.c.name > after)
        rows = (await self.conn.execute(query.order_by(idps.c.name).limit(limit))).all()
        return [
            {"ProviderName": r.name, "ProviderType": r.type, "LastModifiedDate": r.modified,
             "CreationDate": r.created}
            for r in rows
        ]  # fmt: skip
