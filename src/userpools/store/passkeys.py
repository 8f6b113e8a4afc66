"""Repository for passkeys: the WebAuthn credentials users register (StartWebAuthnRegistration,
CompleteWebAuthnRegistration) and sign in with (USER_AUTH's WEB_AUTHN challenge).

A credential is keyed by its pool and id, and always read together with its user, so one user's
credential id never reaches another user's passkey. A user's passkeys are keyset-paged by
``(created, credential_id)`` on ``ix_webauthn_credentials_user_id_created``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, bindparam, delete, func, insert, or_, select, update

from userpools.store.connection import Conn
from userpools.store.tables import webauthn_credentials as creds


@dataclass(frozen=True)
class Passkey:
    credential_id: str  # base64url, no padding
    pool_id: str
    user_id: int
    public_key: bytes  # COSE_Key
    sign_count: int
    friendly_name: str
    relying_party_id: str
    transports: list[str]
    attachment: str | None
    created: float


def _passkey(row: Any) -> Passkey:
    m = row._mapping
    return Passkey(m["credential_id"], m["pool_id"], m["user_id"], bytes(m["public_key"]),
                   int(m["sign_count"]), m["friendly_name"], m["relying_party_id"],
                   list(json.loads(m["transports"])), m["attachment"], float(m["created"]))  # fmt: skip


class PasskeyRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, key: Passkey) -> bool:
        """Stores a new passkey; False when the pool already has a credential of that id."""
        if await self._exists(key.pool_id, key.credential_id):
            return False
        values = {"credential_id": key.credential_id, "pool_id": key.pool_id, "user_id": key.user_id,
                  "public_key": key.public_key, "sign_count": key.sign_count,
                  "friendly_name": key.friendly_name, "relying_party_id": key.relying_party_id,
                  "transports": json.dumps(key.transports), "attachment": key.attachment,
                  "created": key.created}  # fmt: skip
        await self.conn.execute(insert(creds).values(**values))
        return True

    async def _exists(self, pool_id: str, credential_id: str) -> bool:
        query = select(creds.c.user_id).where(
            creds.c.pool_id == pool_id, creds.c.credential_id == credential_id
        )
        return (await self.conn.execute(query)).first() is not None

    async def get(self, user_id: int, credential_id: str) -> Passkey | None:
        """The user's passkey of that id, or None."""
        query = select(creds).where(creds.c.user_id == user_id, creds.c.credential_id == credential_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else _passkey(row)

    async def of_user(self, user_id: int, relying_party_id: str | None = None) -> list[Passkey]:
        """All the user's passkeys (for one relying party when given), oldest first."""
        query = select(creds).where(creds.c.user_id == user_id)
        if relying_party_id is not None:
            query = query.where(creds.c.relying_party_id == relying_party_id)
        query = query.order_by(creds.c.created, creds.c.credential_id)
        return [_passkey(r) for r in await self.conn.execute(query)]

    async def count(self, user_id: int) -> int:
        query = select(func.count()).select_from(creds).where(creds.c.user_id == user_id)
        return int((await self.conn.execute(query)).scalar_one())

    async def page(self, user_id: int, after: tuple[float, str] | None, limit: int) -> list[Passkey]:
        """The user's passkeys by age after ``after`` (created, credential id); at most ``limit``."""
        query = select(creds).where(creds.c.user_id == user_id)
        if after is not None:
            created, credential_id = after
            query = query.where(
                or_(
                    creds.c.created > created,
                    and_(creds.c.created == created, creds.c.credential_id > credential_id),
                )
            )
        query = query.order_by(creds.c.created, creds.c.credential_id)
        query = query.limit(bindparam("limit", type_=Integer))
        return [_passkey(r) for r in await self.conn.execute(query, {"limit": limit})]

    async def used(self, user_id: int, credential_id: str, old_count: int, new_count: int) -> bool:
        """Records a sign-in's counter; False when another sign-in moved it first (a concurrent replay)."""
        query = (
            update(creds)
            .where(creds.c.user_id == user_id, creds.c.credential_id == credential_id)
            .where(creds.c.sign_count == old_count)
            .values(sign_count=new_count)
        )
        return (await self.conn.execute(query)).rowcount == 1

    async def delete(self, user_id: int, credential_id: str) -> bool:
        query = delete(creds).where(creds.c.user_id == user_id, creds.c.credential_id == credential_id)
        return (await self.conn.execute(query)).rowcount == 1
