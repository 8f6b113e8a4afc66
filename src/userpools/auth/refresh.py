"""Refresh tokens in use: REFRESH_TOKEN_AUTH / GetTokensFromRefreshToken, RevokeToken and global sign-out.

- Refreshing keeps the family (``origin_jti``) and ``auth_time``; it returns no RefreshToken unless the
  client's RefreshTokenRotation is ENABLED. Then a new refresh token of the same family is returned and
  the one presented keeps working for RetryGracePeriodSeconds (client retries), after which it answers
  RefreshTokenReuseException.
- Revoking a refresh token revokes its whole family: every refresh token of it and every ID/access token
  carrying its ``origin_jti`` (API_RevokeToken).
- A global sign-out revokes every refresh token of the user and every access token issued before it.

Known difference: with rotation enabled, REFRESH_TOKEN_AUTH rotates like GetTokensFromRefreshToken
(Cognito asks for the latter); a rotated refresh token gets the client's full refresh validity.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import devices, user_sessions
from userpools.auth.tokens import mint, new_refresh_token, refresh_token_hash
from userpools.domain.client_config import validity_seconds
from userpools.domain.user import User
from userpools.errors import NotAuthorizedException, RefreshTokenReuseException
from userpools.operations.context import Context
from userpools.store.refresh_tokens import StoredRefreshToken

INVALID = "Invalid Refresh Token."
SOURCE = "TokenGeneration_RefreshTokens"


def rotation_grace(client: dict[str, Any]) -> int | None:
    """Seconds the replaced token stays valid when rotation is on; None when rotation is off."""
    rotation = client.get("RefreshTokenRotation") or {}
    if rotation.get("Feature") != "ENABLED":
        return None
    return int(rotation.get("RetryGracePeriodSeconds") or 0)


async def find_refresh_token(
    ctx: Context, pool: dict[str, Any], client: dict[str, Any], refresh_token: str
) -> StoredRefreshToken:
    """The live record of ``refresh_token`` issued to ``client``; NotAuthorizedException otherwise."""
    record = await ctx.uow.refresh_tokens.find(refresh_token_hash(refresh_token))
    if record is None or record.client_id != client["ClientId"] or record.pool_id != pool["Id"]:
        raise NotAuthorizedException(INVALID)
    if record.revoked is not None:
        raise NotAuthorizedException("Refresh Token has been revoked")
    now = ctx.now
    if record.expires <= now:
        raise NotAuthorizedException("Refresh Token has expired")
    if record.rotated_until is not None and record.rotated_until <= now:
        raise RefreshTokenReuseException("Refresh token has already been used; it was replaced by rotation.")
    return record


async def refresh(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    refresh_token: str,
    *,
    device_key: str | None = None,
) -> dict[str, Any]:
    """New ID and access tokens from a refresh token (a new refresh token too when rotation is on).

    ``device_key`` is accepted for the flows that send it; the token keeps the device it was issued
    with. Call inside a writing unit of work.
    """
    record = await find_refresh_token(ctx, pool, client, refresh_token)
    # Remembered devices (issue 4 §2): a DEVICE_KEY must name one of the user's devices; the family keeps
    # the device recorded at sign-in.
    await devices.check_refresh_device(ctx, pool, record.user_id, device_key)
    user = await ctx.uow.users.by_id(record.user_id)
    if user is None or user.pool_id != pool["Id"]:
        raise NotAuthorizedException(INVALID)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    scopes = record.scopes or None
    new_token = None
    grace = rotation_grace(client)
    until = record.expires if grace is None else ctx.now + validity_seconds(client, "RefreshToken")
    await user_sessions.refreshed(ctx, pool, record.origin_jti, until)
    if grace is not None:
        await ctx.uow.refresh_tokens.mark_rotated(refresh_token_hash(refresh_token), ctx.now + grace)
        new_token = await new_refresh_token(
            ctx,
            pool,
            client,
            user,
            origin_jti=record.origin_jti,
            auth_time=record.auth_time,
            device_key=record.device_key,
            scopes=scopes,
        )
    return await mint(
        ctx,
        pool,
        client,
        user,
        source=SOURCE,
        origin_jti=record.origin_jti,
        auth_time=record.auth_time,
        device_key=record.device_key,
        scopes=scopes,
        refresh_token=new_token,
    )


async def revoke_refresh_token(ctx: Context, client: dict[str, Any], refresh_token: str) -> bool:
    """Revokes the family of ``refresh_token`` if ``client`` was issued it; False when it is unknown."""
    record = await ctx.uow.refresh_tokens.find(refresh_token_hash(refresh_token))
    if record is None or record.client_id != client["ClientId"]:
        return False
    await ctx.uow.refresh_tokens.revoke_family(record.origin_jti, ctx.now)
    return True


async def sign_out_everywhere(ctx: Context, user: User) -> None:
    """GlobalSignOut / AdminUserGlobalSignOut: every refresh token and earlier access token stops working."""
    now = ctx.now
    await ctx.uow.refresh_tokens.revoke_user(user.id, now)
    await ctx.uow.refresh_tokens.sign_out(user.id, now)
