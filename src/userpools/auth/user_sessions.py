"""Session tracking: token sessions of a pool whose UserSessionTracking is ENABLED.

API_SetUserPoolSessionConfiguration / API_ListUserSessions / API_RevokeUserSession (model documentation):
each successful authentication creates a token session (its refresh-token family, ``origin_jti``); a
refresh or rotation updates its LastActiveDate. When the user already has TokenSession.MaxPerUser live
token sessions, the least recently used ones are evicted (their tokens revoked) before the new one is
created. Revoking a session revokes its refresh and access tokens and deletes its record.

The pool's configuration lives in its document (``SessionConfiguration``), already loaded on every
sign-in, so a pool without tracking pays no extra statement.
"""

from __future__ import annotations

import string
from typing import Any

from userpools.operations.context import Context
from userpools.store.sessions import UserSession

DEFAULT_MAX_PER_USER = 20
DEFAULT_SSO_MINUTES = 60
CONFIG_KEY = "SessionConfiguration"
_ALPHABET = string.ascii_lowercase + string.digits


def pool_session_config(pool: dict[str, Any]) -> dict[str, Any]:
    """The pool's configuration as Get/SetUserPoolSessionConfiguration return it (defaults filled in)."""
    stored = pool.get(CONFIG_KEY) or {}
    return {
        "UserSessionTracking": stored.get("UserSessionTracking", "DISABLED"),
        "TokenSession": {
            "MaxPerUser": int((stored.get("TokenSession") or {}).get("MaxPerUser", DEFAULT_MAX_PER_USER))
        },
    }


def tracking(pool: dict[str, Any]) -> bool:
    return (pool.get(CONFIG_KEY) or {}).get("UserSessionTracking") == "ENABLED"


def new_session_id(ctx: Context, kind: str) -> str:
    """``tkn`` or ``sso`` and 25 lowercase letters or digits (SessionIdType)."""
    prefix = "tkn" if kind == "TOKEN" else "sso"
    return prefix + "".join(ctx.random.choice(_ALPHABET) for _ in range(25))


async def start_token_session(
    ctx: Context,
    pool: dict[str, Any],
    client_id: str,
    user_id: int,
    origin_jti: str,
    expires: float,
    origin_session_id: str | None = None,
) -> None:
    """Records the token session of a new sign-in, evicting the least recently used beyond MaxPerUser."""
    now = ctx.now
    repo = ctx.uow.sessions
    limit = pool_session_config(pool)["TokenSession"]["MaxPerUser"]
    excess = await repo.count_token_sessions(user_id, now) - limit + 1
    if excess > 0:
        await end_sessions(ctx, await repo.least_recent_token_sessions(user_id, now, excess))
    session = UserSession(
        session_id=new_session_id(ctx, "TOKEN"),
        pool_id=pool["Id"],
        user_id=user_id,
        client_id=client_id,
        kind="TOKEN",
        origin_jti=origin_jti,
        origin_session_id=origin_session_id,
        created=now,
        last_active=now,
        expires=expires,
    )
    await repo.insert(session)


async def start_sso_session(
    ctx: Context, pool: dict[str, Any], client_id: str, user_id: int, expires: float
) -> str | None:
    """The id of a new hosted-UI (SSO) session record when the pool tracks sessions; None otherwise."""
    if not tracking(pool):
        return None
    now = ctx.now
    session_id = new_session_id(ctx, "SSO")
    await ctx.uow.sessions.insert(
        UserSession(session_id, pool["Id"], user_id, client_id, "SSO", None, None, now, now, expires)
    )
    return session_id


async def sso_reusable(
    ctx: Context, pool: dict[str, Any], session_id: str, client_id: str, auth_time: float
) -> bool:
    """Whether ``client_id`` may silently reuse the hosted session ``session_id`` (its record still live,
    and within the client's SSOSession.MaxValidityMinutes of the sign-in); marks the session active.

    With tracking disabled the client settings are dormant and the cookie alone decides (True).
    """
    if not tracking(pool):
        return True
    repo = ctx.uow.sessions
    session = await repo.get(session_id)
    if session is None or session.expires <= ctx.now:
        return False
    minutes = await repo.client_sso_minutes(client_id)
    if minutes is None:
        minutes = DEFAULT_SSO_MINUTES
    if ctx.now - auth_time >= minutes * 60:
        return False
    await repo.touch(session_id, ctx.now)
    return True


async def linked(ctx: Context, session: UserSession) -> list[UserSession]:
    """RevokeAssociatedSessions LINKED: a token session's parent SSO session, an SSO session's token
    sessions."""
    if session.kind == "SSO":
        return await ctx.uow.sessions.token_sessions_from(session.session_id)
    if session.origin_session_id is None:
        return []
    parent = await ctx.uow.sessions.get(session.origin_session_id)
    return [] if parent is None else [parent]


async def end_sessions(ctx: Context, sessions: list[UserSession]) -> None:
    """Revokes the sessions' refresh tokens (and so their access and ID tokens) and deletes them."""
    for session in sessions:
        if session.origin_jti is not None:
            await ctx.uow.refresh_tokens.revoke_family(session.origin_jti, ctx.now)
    await ctx.uow.sessions.delete([s.session_id for s in sessions])


async def refreshed(ctx: Context, pool: dict[str, Any], origin_jti: str, until: float) -> None:
    """A refresh of the family ``origin_jti``: its session's LastActiveDate (only when tracking is on)."""
    if tracking(pool):
        await ctx.uow.sessions.touch_family(origin_jti, ctx.now, until)


def describe(session: UserSession, current_jti: str | None) -> dict[str, Any]:
    """SessionDescriptionType."""
    out: dict[str, Any] = {
        "SessionId": session.session_id,
        "SessionType": session.kind,
        "ClientId": session.client_id,
        "CreateDate": session.created,
        "LastActiveDate": session.last_active,
        "IsCurrentSession": current_jti is not None and session.origin_jti == current_jti,
    }
    if session.origin_session_id:
        out["OriginSessionId"] = session.origin_session_id
    return out
