"""Repository of every value stored sealed under the master key, for ``userpools master-key rotate``.

Stored sealed values: token-signing private keys (``signing_keys.private_sealed``), app client secrets
(``client_secrets.secret``, auth/client_secrets.py) and users' TOTP secrets (``users.settings``:
``SoftwareToken.Secret`` and ``PendingSoftwareToken``). Short-lived sealed
values (challenge sessions, hosted UI cookies) are not stored; they open under the previous key until
they expire. A re-sealed user is recorded in the change journal like any other profile write, so a later
point-in-time recovery restores the re-sealed secret.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, bindparam, cast, select, update

from userpools.store.connection import Conn
from userpools.store.journal import Journal
from userpools.store.tables import client_secrets, signing_keys, users

_KEYS = select(signing_keys.c.kid, signing_keys.c.pool_id, signing_keys.c.private_sealed).order_by(
    signing_keys.c.kid
)
_SET_KEY = update(signing_keys).where(signing_keys.c.kid == bindparam("b_kid"))
_CLIENT_SECRETS = select(
    client_secrets.c.client_id, client_secrets.c.secret_id, client_secrets.c.secret
).order_by(client_secrets.c.client_id, client_secrets.c.secret_id)
_SET_CLIENT_SECRET = update(client_secrets).where(
    client_secrets.c.client_id == bindparam("b_client"), client_secrets.c.secret_id == bindparam("b_secret")
)
# Users with a TOTP secret: a text match narrows the scan; the caller checks the document itself.
_USERS = (
    select(users.c.id, users.c.pool_id, users.c.sub, users.c.settings)
    .where(cast(users.c.settings, Text).like("%SoftwareToken%"))
    .order_by(users.c.id)
)
_SET_SETTINGS = (
    update(users)
    .where(users.c.id == bindparam("b_id"))
    .returning(*(c for c in users.c if c.name not in ("id", "pool_id")))
)


class SealedRepo:
    def __init__(self, conn: Conn, journal: Journal) -> None:
        self.conn = conn
        self.journal = journal

    async def signing_keys(self) -> list[tuple[str, str, str]]:
        """(kid, pool_id, sealed private key) of every signing key."""
        return [(r.kid, r.pool_id, r.private_sealed) for r in (await self.conn.execute(_KEYS)).all()]

    async def set_signing_key(self, kid: str, sealed: str) -> None:
        await self.conn.execute(_SET_KEY, {"b_kid": kid, "private_sealed": sealed})

    async def client_secrets(self) -> list[tuple[str, str, str]]:
        """(client_id, secret_id, sealed secret) of every app client secret."""
        rows = (await self.conn.execute(_CLIENT_SECRETS)).all()
        return [(r.client_id, r.secret_id, r.secret) for r in rows]

    async def set_client_secret(self, client_id: str, secret_id: str, sealed: str) -> None:
        await self.conn.execute(
            _SET_CLIENT_SECRET, {"b_client": client_id, "b_secret": secret_id, "secret": sealed}
        )

    async def users_with_totp(self) -> list[tuple[int, str, str, dict[str, Any]]]:
        """(id, pool_id, sub, settings) of the users whose settings may hold a sealed TOTP secret."""
        rows = (await self.conn.execute(_USERS)).all()
        return [(r.id, r.pool_id, r.sub, dict(r.settings or {})) for r in rows]

    async def set_user_settings(self, user_id: int, pool_id: str, sub: str, settings: dict[str, Any]) -> None:
        row = (await self.conn.execute(_SET_SETTINGS, {"b_id": user_id, "settings": settings})).first()
        if row is not None:
            self.journal.record(pool_id, "user", sub, {str(k): v for k, v in row._mapping.items()})
