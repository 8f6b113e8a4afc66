"""User sessions: Get/SetUserPoolSessionConfiguration, Get/SetUserPoolClientSessionConfiguration,
ListUserSessions, AdminListUserSessions, RevokeUserSession, AdminRevokeUserSession.

The model's documentation of these operations is the reference (``auth.user_sessions`` has the rules).
Setting either configuration needs the Essentials or Plus feature plan (FeatureUnavailableInTierException);
the client setting, and listing or revoking sessions, need tracking ENABLED (OperationNotEnabledException).

Known difference: DeviceType, LastIPAddress and LastLocation are not recorded.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import user_sessions
from userpools.auth.access import authenticate
from userpools.domain.user import User
from userpools.errors import (
    FeatureUnavailableInTierException,
    InvalidParameterException,
    OperationNotEnabledException,
    ResourceNotFoundException,
)
from userpools.operations.clients import load_client
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import load_user
from userpools.protocol.pagination import decode_token, encode_token

PAGE = 125


def _check_tier(pool: dict[str, Any]) -> None:
    tier = pool.get("UserPoolTier") or "ESSENTIALS"
    if tier not in ("ESSENTIALS", "PLUS"):
        raise FeatureUnavailableInTierException(
            f"Session tracking requires the Essentials or Plus feature plan; this user pool is on {tier}."
        )


def _check_tracking(pool: dict[str, Any]) -> None:
    if not user_sessions.tracking(pool):
        raise OperationNotEnabledException("Session tracking is not enabled for this user pool.")


@operation("GetUserPoolSessionConfiguration", write=False)
async def get_user_pool_session_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    return {"UserPoolId": pool["Id"], **user_sessions.pool_session_config(pool)}


@operation("SetUserPoolSessionConfiguration", write=True)
async def set_user_pool_session_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Full replacement of the pool-level configuration; lowering MaxPerUser evicts nothing by itself."""
    pool = await load_pool(ctx, req["UserPoolId"])
    _check_tier(pool)
    config = {
        "UserSessionTracking": req["UserSessionTracking"],
        "TokenSession": {"MaxPerUser": req["TokenSession"]["MaxPerUser"]},
    }
    await ctx.uow.pools.replace(pool["Id"], {**pool, user_sessions.CONFIG_KEY: config}, ctx.now)
    return {"UserPoolId": pool["Id"], **config}


@operation("GetUserPoolClientSessionConfiguration", write=False)
async def get_user_pool_client_session_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    minutes = await ctx.uow.sessions.client_sso_minutes(client["ClientId"])
    if minutes is None:
        minutes = user_sessions.DEFAULT_SSO_MINUTES
    return {
        "UserPoolId": pool["Id"],
        "ClientId": client["ClientId"],
        "SSOSession": {"MaxValidityMinutes": minutes},
    }


@operation("SetUserPoolClientSessionConfiguration", write=True)
async def set_user_pool_client_session_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    _check_tier(pool)
    _check_tracking(pool)
    minutes = int(req["SSOSession"]["MaxValidityMinutes"])
    await ctx.uow.sessions.set_client_sso_minutes(client["ClientId"], minutes)
    return {
        "UserPoolId": pool["Id"],
        "ClientId": client["ClientId"],
        "SSOSession": {"MaxValidityMinutes": minutes},
    }


def _family(claims: dict[str, Any]) -> str | None:
    """The token's session family (None for clients with token revocation disabled: no family claim)."""
    origin_jti = claims.get("origin_jti")
    return origin_jti if isinstance(origin_jti, str) else None


async def _listing(ctx: Context, user: User, next_token: str | None, current: str | None) -> dict[str, Any]:
    start = decode_token(next_token) or 0
    if not isinstance(start, int) or start < 0:
        raise InvalidParameterException("Invalid pagination token.")
    sessions = await ctx.uow.sessions.live_of_user(user.id, ctx.now)
    page = sessions[start : start + PAGE]
    out: dict[str, Any] = {"Sessions": [user_sessions.describe(s, current) for s in page]}
    if start + PAGE < len(sessions):
        out["NextToken"] = encode_token(start + PAGE)
    return out


@operation("ListUserSessions", write=False)
async def list_user_sessions(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The caller's live sessions across the pool's clients; IsCurrentSession marks the token's own."""
    grant = await authenticate(ctx, req["AccessToken"])
    _check_tracking(grant.pool)
    return await _listing(ctx, grant.user, req.get("NextToken"), _family(grant.claims))


@operation("AdminListUserSessions", write=False)
async def admin_list_user_sessions(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    _check_tracking(pool)
    user = await load_user(ctx, pool, req["Username"])
    return await _listing(ctx, user, req.get("NextToken"), None)


async def _revoke(ctx: Context, user: User, req: dict[str, Any], current: str | None) -> None:
    """Ends the session (and its linked ones for LINKED); ``current`` is the caller's own family."""
    session_id = req["SessionId"]
    session = await ctx.uow.sessions.get(session_id)
    if session is None or session.user_id != user.id or session.expires <= ctx.now:
        raise ResourceNotFoundException(f"Session {session_id} does not exist for this user.")
    if current is not None and session.origin_jti == current:
        raise InvalidParameterException(
            "You can't revoke the session that the calling access token belongs to."
        )
    ended = [session]
    if req.get("RevokeAssociatedSessions") == "LINKED":
        ended += [s for s in await user_sessions.linked(ctx, session) if s.user_id == user.id]
    await user_sessions.end_sessions(ctx, ended)


@operation("RevokeUserSession", write=True)
async def revoke_user_session(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Revokes one of the caller's other sessions: its refresh and access tokens stop working."""
    grant = await authenticate(ctx, req["AccessToken"])
    _check_tracking(grant.pool)
    await _revoke(ctx, grant.user, req, _family(grant.claims))
    return {}


@operation("AdminRevokeUserSession", write=True)
async def admin_revoke_user_session(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    _check_tracking(pool)
    user = await load_user(ctx, pool, req["Username"])
    await _revoke(ctx, user, req, None)
    return {}
