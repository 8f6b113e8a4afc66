"""Repository for tracked user sessions (token and SSO sessions) and app clients' session settings.

A token session is live while its refresh-token family has a live token: revoking the family
(RevokeToken, GlobalSignOut) ends it without touching this table, so the listing filters on the family.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import and_, bindparam, case, delete, exists, func, insert, or_, select, update

from userpools.store.connection import Conn
from userpools.store.tables import client_session_configs, refresh_tokens, user_sessions


@dataclass(frozen=True)
class UserSession:
    session_id: str
    pool_id: str
    user_id: int
    client_id: str
    kind: str  # TOKEN | SSO
    origin_jti: str | None
    origin_session_id: str | None
    created: float
    last_active: float
    expires: float


_LIVE_FAMILY = exists().where(
    refresh_tokens.c.origin_jti == user_sessions.c.origin_jti,
    refresh_tokens.c.revoked.is_(None),
    refresh_tokens.c.expires > bindparam("now"),
)
# Live: not expired and, for a token session, its family still has a usable refresh token.
_LIVE = and_(
    user_sessions.c.expires > bindparam("now"),
    or_(user_sessions.c.kind == "SSO", _LIVE_FAMILY),
)
_OF_USER = (
    select(user_sessions)
    .where(user_sessions.c.user_id == bindparam("uid"), _LIVE)
    .order_by(user_sessions.c.last_active.desc(), user_sessions.c.session_id)
)
_LEAST_RECENT = (
    select(user_sessions)
    .where(user_sessions.c.user_id == bindparam("uid"), user_sessions.c.kind == "TOKEN", _LIVE)
    .order_by(user_sessions.c.last_active, user_sessions.c.session_id)
)
_COUNT_TOKEN = (
    select(func.count())
    .select_from(user_sessions)
    .where(user_sessions.c.user_id == bindparam("uid"), user_sessions.c.kind == "TOKEN", _LIVE)
)
_TOUCH = (
    update(user_sessions)
    .where(user_sessions.c.origin_jti == bindparam("family"))
    .values(
        last_active=bindparam("now"),
        expires=case(
            (user_sessions.c.expires < bindparam("until"), bindparam("until")), else_=user_sessions.c.expires
        ),
    )
)


def _session(row: object) -> UserSession:
    return UserSession(**{name: getattr(row, name) for name in UserSession.__dataclass_fields__})


class SessionRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, session: UserSession) -> None:
        await self.conn.execute(insert(user_sessions), asdict(session))

    async def live_of_user(self, user_id: int, now: float) -> list[UserSession]:
        """The user's live sessions, most recently active first."""
        rows = await self.conn.execute(_OF_USER, {"uid": user_id, "now": now})
        return [_session(r) for r in rows]

    async def count_token_sessions(self, user_id: int, now: float) -> int:
        return int((await self.conn.execute(_COUNT_TOKEN, {"uid": user_id, "now": now})).scalar_one())

    async def least_recent_token_sessions(self, user_id: int, now: float, count: int) -> list[UserSession]:
        rows = await self.conn.execute(_LEAST_RECENT.limit(count), {"uid": user_id, "now": now})
        return [_session(r) for r in rows]

    async def get(self, session_id: str) -> UserSession | None:
        query = select(user_sessions).where(user_sessions.c.session_id == session_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else _session(row)

    async def token_sessions_from(self, sso_session_id: str) -> list[UserSession]:
        """The token sessions that came through the SSO session (codes redeemed from it)."""
        query = select(user_sessions).where(user_sessions.c.origin_session_id == sso_session_id)
        return [_session(r) for r in await self.conn.execute(query)]

    async def touch(self, session_id: str, now: float) -> None:
        query = update(user_sessions).where(user_sessions.c.session_id == session_id).values(last_active=now)
        await self.conn.execute(query)

    async def delete(self, session_ids: list[str]) -> None:
        if session_ids:
            await self.conn.execute(delete(user_sessions).where(user_sessions.c.session_id.in_(session_ids)))

    async def touch_family(self, origin_jti: str, now: float, until: float) -> None:
        """A refresh of the family: the session was active now and lasts at least ``until``."""
        await self.conn.execute(_TOUCH, {"family": origin_jti, "now": now, "until": until})

    async def client_sso_minutes(self, client_id: str) -> int | None:
        query = select(client_session_configs.c.max_validity_minutes).where(
            client_session_configs.c.client_id == client_id
        )
        minutes = (await self.conn.execute(query)).scalar_one_or_none()
        return None if minutes is None else int(minutes)

    async def set_client_sso_minutes(self, client_id: str, minutes: int) -> None:
        await self.conn.execute(
            delete(client_session_configs).where(client_session_configs.c.client_id == client_id)
        )
        await self.conn.execute(
            insert(client_session_configs), {"client_id": client_id, "max_validity_minutes": minutes}
        )


__all__ = ["SessionRepo", "UserSession"]
