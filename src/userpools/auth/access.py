"""Checking the AccessToken of the signed-in user's operations (GetUser, ChangePassword, GlobalSignOut, ...).

A token is accepted when its RS256 signature verifies under one of the pool's access-token keys (any
generation), it has not expired, ``token_use`` is ``access``, it carries the required scope, its pool
and user still exist, the user is enabled, its family was not revoked (RevokeToken, matched through
``origin_jti``) and it was issued after the user's last global sign-out. Parsed keys are cached, so a
check costs one signature verification (none when the same token was seen recently) and one
store query.

Errors as Cognito words them: NotAuthorizedException "Invalid Access Token", "Access Token has
expired", "Access Token has been revoked", "Access Token does not have required scopes", "User is
disabled."; UserNotFoundException "User does not exist." when the user was deleted.

Known difference: a global sign-out revokes access tokens by issue time at one-second resolution (the
``iat`` claim); tokens of revocation-disabled clients issued in the same second as the sign-out stay
usable (tokens with an ``origin_jti`` are revoked through their family regardless).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from userpools.auth import keyring
from userpools.auth.tokens import ADMIN_SCOPE
from userpools.crypto import jwt
from userpools.domain.user import User
from userpools.errors import NotAuthorizedException, UserNotFoundException
from userpools.operations.context import Context

INVALID = "Invalid Access Token"
MISSING_SCOPE = "Access Token does not have required scopes"
# Tokens whose signature was verified: a signature never stops verifying (keys are immutable, and a
# deleted pool is caught by the store query), so repeated calls with one token skip the RSA check.
_VERIFIED: dict[str, tuple[str, dict[str, Any]]] = {}
_VERIFIED_MAX = 4096


@dataclass(frozen=True)
class AccessGrant:
    pool: dict[str, Any]
    user: User
    client_id: str
    claims: dict[str, Any]
    client: dict[str, Any] | None = None  # the app client the token was issued to; None when deleted


def _invalid() -> NotAuthorizedException:
    return NotAuthorizedException(INVALID)


async def verified_access_claims(ctx: Context, access_token: str) -> tuple[str, dict[str, Any]]:
    """``(pool id, claims)`` of a well-signed, unexpired access token; NotAuthorizedException otherwise."""
    found = _VERIFIED.get(access_token)
    if found is None:
        found = await _verify(ctx, access_token)
        if len(_VERIFIED) >= _VERIFIED_MAX:
            del _VERIFIED[next(iter(_VERIFIED))]  # oldest first
        _VERIFIED[access_token] = found
    pool_id, claims = found
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= ctx.now:
        raise NotAuthorizedException("Access Token has expired")
    return pool_id, dict(claims)


async def _verify(ctx: Context, access_token: str) -> tuple[str, dict[str, Any]]:
    found = await verified_pool_token(ctx, access_token, "access")
    if found is None:
        raise _invalid()
    return found


async def verified_pool_token(ctx: Context, token: str, use: str) -> tuple[str, dict[str, Any]] | None:
    """``(pool id, claims)`` of a token whose signature verifies under one of a pool's ``use`` keys ("id" or
    "access") and whose ``token_use``, ``iss`` and ``sub`` fit; None otherwise. Expiry is not checked."""
    header = jwt.header_of(token)
    kid = header.get("kid") if header is not None else None
    if not isinstance(kid, str) or header is None or header.get("alg") != "RS256":
        return None
    key = await keyring.verifier(ctx.uow, kid)
    if key is None or key.use != use:
        return None
    claims = jwt.verified_claims(token, key.key)
    if claims is None or claims.get("token_use") != use:
        return None
    iss, sub = claims.get("iss"), claims.get("sub")
    if not isinstance(iss, str) or not iss.endswith("/" + key.pool_id) or not isinstance(sub, str):
        return None
    return key.pool_id, claims


async def authenticate(
    ctx: Context, access_token: str, *, scope: str = ADMIN_SCOPE, pool_doc: bool = True
) -> AccessGrant:
    """The pool, user and claims behind ``access_token``; raises as Cognito does when it can't be used.

    ``pool_doc`` False: ``AccessGrant.pool`` is only ``{"Id", "Name"}`` (for operations that don't read
    the pool's configuration).
    """
    pool_id, claims = await verified_access_claims(ctx, access_token)
    if scope not in str(claims.get("scope", "")).split():
        raise NotAuthorizedException(MISSING_SCOPE)
    return await grant_of(ctx, pool_id, claims, pool_doc=pool_doc)


async def grant_of(
    ctx: Context, pool_id: str, claims: dict[str, Any], *, pool_doc: bool = True, token: str = "Access Token"
) -> AccessGrant:
    """The grant of a verified, unexpired user token's claims (an ID token's client is its ``aud``);
    raises when its pool or user is gone, the user disabled, or the token revoked."""
    origin_jti = claims.get("origin_jti")
    client_id = str(claims.get("client_id") or claims.get("aud") or "")
    state = await ctx.uow.refresh_tokens.grant_state(
        pool_id, claims["sub"], origin_jti if isinstance(origin_jti, str) else None, client_id,
        pool_doc=pool_doc,
    )  # fmt: skip
    if state.pool is None:
        raise _invalid()
    if state.family_revoked or _signed_out(claims, state.signed_out_after):
        raise NotAuthorizedException(f"{token} has been revoked")
    if state.user is None:
        raise UserNotFoundException("User does not exist.")
    if not state.user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return AccessGrant(state.pool, state.user, client_id, claims, state.client)


def _signed_out(claims: dict[str, Any], after: float | None) -> bool:
    """True when the token was issued in a whole second before the last global sign-out."""
    iat = claims.get("iat")
    return after is not None and isinstance(iat, int | float) and iat < math.floor(after)
