"""Repository for linked external identities (AdminLinkProviderForUser / AdminDisableProviderForUser).

A link says: the identity of ``provider`` whose ``attribute`` is ``value`` signs in as ``user_id``.
``attribute`` is ``Cognito_Subject`` (the provider's user id) or the pool attribute a SAML/OIDC provider
maps the linking claim to; a link by attribute becomes a ``Cognito_Subject`` link at its first sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update

from userpools.store.connection import Conn
from userpools.store.tables import user_links
from userpools.store.unique import insert_new

SUBJECT = "Cognito_Subject"


@dataclass(frozen=True)
class Link:
    provider_name: str
    attribute_name: str
    attribute_value: str
    user_id: int
    created: float


def _link(row: Any) -> Link:
    return Link(row.provider_name, row.attribute_name, row.attribute_value, row.user_id, row.created)


class UserLinkRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, pool_id: str, link: Link) -> bool:
        """False when this identity is already linked (to anyone)."""
        statement = insert(user_links).values(
            pool_id=pool_id,
            provider_name=link.provider_name,
            attribute_name=link.attribute_name,
            attribute_value=link.attribute_value,
            user_id=link.user_id,
            created=link.created,
        )
        return await insert_new(self.conn, statement)

    async def find(self, pool_id: str, provider_name: str, keys: Iterable[tuple[str, str]]) -> Link | None:
        """The link of ``provider_name`` matching one of ``keys`` (attribute, value), subject first."""
        pairs = list(keys)
        if not pairs:
            return None
        query = select(user_links).where(
            user_links.c.pool_id == pool_id,
            user_links.c.provider_name == provider_name,
            or_(
                *(and_(user_links.c.attribute_name == n, user_links.c.attribute_value == v) for n, v in pairs)
            ),
        )
        rows = [_link(r) for r in (await self.conn.execute(query)).all()]
        rows.sort(key=lambda link: link.attribute_name != SUBJECT)
        return rows[0] if rows else None

    async def of_user(self, user_id: int) -> list[Link]:
        query = select(user_links).where(user_links.c.user_id == user_id).order_by(user_links.c.created)
        return [_link(r) for r in (await self.conn.execute(query)).all()]

    async def count_of_user(self, user_id: int) -> int:
        query = select(func.count()).select_from(user_links).where(user_links.c.user_id == user_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def rekey(self, pool_id: str, link: Link, subject: str) -> None:
        """Turns a link by attribute into the ``Cognito_Subject`` link of the identity that used it."""
        await self.conn.execute(
            update(user_links)
            .where(_key(pool_id, link))
            .values(attribute_name=SUBJECT, attribute_value=subject)
        )

    async def delete(self, pool_id: str, link: Link) -> None:
        await self.conn.execute(delete(user_links).where(_key(pool_id, link)))


def _key(pool_id: str, link: Link) -> ColumnElement[bool]:
    return and_(
        user_links.c.pool_id == pool_id,
        user_links.c.provider_name == link.provider_name,
        user_links.c.attribute_name == link.attribute_name,
        user_links.c.attribute_value == link.attribute_value,
    )
