"""Repository for refresh tokens (stored as SHA-256 digests), token families and sign-outs.

A family is every token descended from one sign-in: its refresh token(s) (several when rotation is
on) and the ID/access tokens carrying its ``origin_jti``. Revoking marks every row of the family.
``grant_state`` answers, in one round trip, everything an access-token check needs from the store.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, cast

from sqlalchemy import and_, bindparam, delete, exists, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from userpools.domain.user import User
from userpools.store.clients import client_document
from userpools.store.connection import Conn
from userpools.store.pools import pool_document
from userpools.store.tables import clients, pools, refresh_tokens, user_sign_outs, users
from userpools.store.users import user_from_row


@dataclass(frozen=True)
class StoredRefreshToken:
    """A refresh token's record (the token itself is never stored)."""

    pool_id: str
    user_id: int
    client_id: str
    origin_jti: str
    device_key: str | None
    scopes: list[str]
    auth_time: float
    created: float
    expires: float
    revoked: float | None
    rotated_until: float | None


@dataclass(frozen=True)
class GrantState:
    """What the store knows about an access token's pool, user and revocation."""

    pool: dict[str, Any] | None  # None: the pool is gone
    user: User | None  # None: no user with that sub in the pool
    signed_out_after: float | None
    family_revoked: bool
    client: dict[str, Any] | None = None  # the token's app client (wire-shaped, no secret); None: deleted


_INSERT = insert(refresh_tokens)
_FIND = select(refresh_tokens).where(refresh_tokens.c.token_hash == bindparam("token_hash"))
_FAMILY_REVOKED = (
    exists()
    .where(
        refresh_tokens.c.origin_jti == bindparam("origin_jti"),
        refresh_tokens.c.revoked.is_not(None),
    )
    .label("family_revoked")
)


def _grant_query(pool_doc: bool) -> Any:
    """The access-token check's query; without the pool document (``pool_doc`` False) for operations
    that need only the user and client (GetUser): the document is the largest value it reads."""
    pool_columns = [
        pools.c.doc.label("pool_doc"),
        pools.c.created.label("pool_created"),
        pools.c.modified.label("pool_modified"),
    ]
    return (
        select(
            pools.c.id.label("pool_id"),
            pools.c.name.label("pool_name"),
            *(pool_columns if pool_doc else []),
            # The user's profile columns under their own names, as users.user_from_row reads them.
            users.c.id,
            users.c.username,
            users.c.sub,
            users.c.status,
            users.c.enabled,
            users.c.attributes,
            users.c.settings,
            users.c.created,
            users.c.modified,
            user_sign_outs.c.after.label("signed_out_after"),
            _FAMILY_REVOKED,
            clients.c.client_id.label("client_id"),
            clients.c.name.label("client_name"),
            clients.c.doc.label("client_doc"),
            clients.c.created.label("client_created"),
            clients.c.modified.label("client_modified"),
        )
        .select_from(
            # The joins name the pool by the parameter, not by pools.id: PostgreSQL then plans each lookup on
            # its own unique index ((pool_id, sub), (pool_id, client_id)) instead of scanning the pool.
            pools.outerjoin(
                users, and_(users.c.pool_id == bindparam("pool_id"), users.c.sub == bindparam("sub"))
            )
            .outerjoin(user_sign_outs, user_sign_outs.c.user_id == users.c.id)
            .outerjoin(
                clients,
                and_(
                    clients.c.pool_id == bindparam("pool_id"), clients.c.client_id == bindparam("client_id")
                ),
            )
        )
        .where(pools.c.id == bindparam("pool_id"))
    )


_GRANT = {True: _grant_query(True), False: _grant_query(False)}
_REVOKE_FAMILY = (
    update(refresh_tokens)
    .where(refresh_tokens.c.origin_jti == bindparam("family"), refresh_tokens.c.revoked.is_(None))
    .values(revoked=bindparam("now"))
)
_REVOKE_USER = (
    update(refresh_tokens)
    .where(refresh_tokens.c.user_id == bindparam("uid"), refresh_tokens.c.revoked.is_(None))
    .values(revoked=bindparam("now"))
)
_MARK_ROTATED = (
    update(refresh_tokens)
    .where(refresh_tokens.c.token_hash == bindparam("digest"), refresh_tokens.c.rotated_until.is_(None))
    .values(rotated_until=bindparam("until"))
)
_PURGE = delete(refresh_tokens).where(
    refresh_tokens.c.user_id == bindparam("uid"), refresh_tokens.c.expires < bindparam("before")
)
_SIGN_OUT_UPDATE = (
    update(user_sign_outs)
    .where(user_sign_outs.c.user_id == bindparam("uid"))
    .values(after=bindparam("cutoff"))
)


def _stored(row: Any) -> StoredRefreshToken:
    return StoredRefreshToken(
        pool_id=row.pool_id,
        user_id=row.user_id,
        client_id=row.client_id,
        origin_jti=row.origin_jti,
        device_key=row.device_key,
        scopes=list(row.scopes or []),
        auth_time=row.auth_time,
        created=row.created,
        expires=row.expires,
        revoked=row.revoked,
        rotated_until=row.rotated_until,
    )


def _grant(row: Any, pool_doc: bool) -> GrantState:
    if pool_doc:
        pool = pool_document(row.pool_id, row.pool_name, row.pool_created, row.pool_modified, row.pool_doc)
    else:
        pool = {"Id": row.pool_id, "Name": row.pool_name}
    user = user_from_row(row) if row.id is not None else None
    client = None
    if row.client_id is not None:
        client = client_document(
            row.pool_id,
            row.client_id,
            row.client_name,
            row.client_created,
            row.client_modified,
            row.client_doc,
        )
    return GrantState(pool, user, row.signed_out_after, bool(row.family_revoked), client)


class RefreshTokenRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, token_hash: str, record: StoredRefreshToken) -> None:
        """Stores a new token; deferred, so that when it is a sign-in's only write it runs alone."""
        await self.conn.defer(_INSERT, {"token_hash": token_hash, **asdict(record)})

    async def find(self, token_hash: str) -> StoredRefreshToken | None:
        """Privileged: the record of the refresh token whose SHA-256 digest is ``token_hash``."""
        row = (await self.conn.execute(_FIND, {"token_hash": token_hash})).first()
        return None if row is None else _stored(row)

    async def revoke_family(self, origin_jti: str, now: float) -> None:
        await self.conn.execute(_REVOKE_FAMILY, {"family": origin_jti, "now": now})

    async def revoke_user(self, user_id: int, now: float) -> None:
        """Revokes every live refresh token of the user (and so every family)."""
        await self.conn.execute(_REVOKE_USER, {"uid": user_id, "now": now})

    async def mark_rotated(self, token_hash: str, until: float) -> None:
        """Rotation: the token keeps working until ``until`` (unless already rotated earlier)."""
        await self.conn.execute(_MARK_ROTATED, {"digest": token_hash, "until": until})

    async def purge_expired(self, user_id: int, before: float) -> None:
        """Forgets the user's refresh tokens that expired before ``before``."""
        await self.conn.execute(_PURGE, {"uid": user_id, "before": before})

    async def sign_out(self, user_id: int, after: float) -> None:
        """Access tokens of the user issued before ``after`` stop being accepted."""
        statement = self.conn.execute(_SIGN_OUT_UPDATE, {"uid": user_id, "cutoff": after})
        result = cast(CursorResult[Any], await statement)
        if result.rowcount:
            return
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(insert(user_sign_outs).values(user_id=user_id, after=after))
        except IntegrityError:  # a concurrent sign-out inserted the row first
            await self.conn.execute(_SIGN_OUT_UPDATE, {"uid": user_id, "cutoff": after})

    async def grant_state(
        self, pool_id: str, sub: str, origin_jti: str | None, client_id: str = "", *, pool_doc: bool = True
    ) -> GrantState:
        """Pool document, user profile, sign-out time, family revocation and app client in one query.

        ``pool_doc`` False: the pool as ``{"Id", "Name"}`` only (it exists; its configuration is not read).
        """
        params = {"pool_id": pool_id, "sub": sub, "origin_jti": origin_jti or "", "client_id": client_id}
        row = (await self.conn.execute(_GRANT[pool_doc], params)).first()
        if row is None:
            return GrantState(None, None, None, False)
        return _grant(row, pool_doc)


__all__ = ["GrantState", "RefreshTokenRepo", "StoredRefreshToken"]
