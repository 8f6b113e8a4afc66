"""Repository for the hosted UI's OAuth 2.0 authorization codes (stored as SHA-256 digests, single use).

``mark_used`` is one conditional UPDATE, so of two nodes redeeming the same code at once only one wins.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import CursorResult

from userpools.store.connection import Conn
from userpools.store.tables import oauth_codes


@dataclass(frozen=True)
class StoredCode:
    """What an authorization code stands for (the code itself is never stored)."""

    pool_id: str
    client_id: str
    user_id: int
    redirect_uri: str
    scopes: list[str]
    nonce: str | None
    code_challenge: str | None
    challenge_method: str | None  # "S256" | "plain" when code_challenge is set
    auth_time: float
    expires: float
    used: float | None = None
    origin_jti: str | None = None  # the token family issued for it
    sso_session_id: str | None = None  # session tracking: the hosted session it came from


_INSERT = insert(oauth_codes)
_GET = select(oauth_codes).where(oauth_codes.c.code_hash == bindparam("code_hash"))
_USE = (
    update(oauth_codes)
    .where(oauth_codes.c.code_hash == bindparam("b_code_hash"), oauth_codes.c.used.is_(None))
    .values(used=bindparam("now"), origin_jti=bindparam("b_origin_jti"))
)
_PURGE = delete(oauth_codes).where(oauth_codes.c.expires < bindparam("before"))
_FIELDS = tuple(StoredCode.__dataclass_fields__)


class OAuthCodeRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, code_hash: str, record: StoredCode) -> None:
        await self.conn.execute(_INSERT, {"code_hash": code_hash, **asdict(record)})

    async def get(self, code_hash: str) -> StoredCode | None:
        row = (await self.conn.execute(_GET, {"code_hash": code_hash})).first()
        if row is None:
            return None
        values: dict[str, Any] = {name: getattr(row, name) for name in _FIELDS}
        values["scopes"] = list(values["scopes"] or [])
        return StoredCode(**values)

    async def mark_used(self, code_hash: str, now: float, origin_jti: str | None) -> bool:
        """Records the redemption; False when the code was already used (by this or another node)."""
        params = {"b_code_hash": code_hash, "now": now, "b_origin_jti": origin_jti}
        result = cast(CursorResult[Any], await self.conn.execute(_USE, params))
        return result.rowcount == 1

    async def purge_expired(self, before: float) -> None:
        await self.conn.execute(_PURGE, {"before": before})
