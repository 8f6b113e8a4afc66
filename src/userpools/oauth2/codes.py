"""Authorization codes: issued by ``/oauth2/authorize``, redeemed once at ``/oauth2/token``.

RFC 6749 §4.1.2 / §4.1.3, RFC 7636 §4.6. A code is 32 random bytes (base64url); only its SHA-256
digest is stored (``store.oauth_codes``), with what it was issued for: the app client, the exact
redirect_uri, the scopes, the nonce, the PKCE challenge and the sign-in time. It lives 5 minutes
(Cognito's validity). Redeeming checks all of that, issues the tokens and marks the code used in the
same transaction, so a code works once across every node; presenting a used code again revokes the
tokens issued for it (RFC 6749 §4.1.2, "SHOULD").
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from typing import Any

from userpools.auth.tokens import issue_tokens
from userpools.domain.user import User
from userpools.oauth2 import pkce
from userpools.oauth2.errors import InvalidGrant, InvalidRequest
from userpools.operations.context import Context
from userpools.store.oauth_codes import StoredCode

VALIDITY_SECONDS = 300.0
CODE_BYTES = 32
HOSTED_SOURCE = "TokenGeneration_HostedAuth"
_PURGE_ONE_IN = 32
INVALID = "The authorization code is invalid, expired or already used."


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


async def issue_code(ctx: Context, record: StoredCode) -> str:
    """Stores ``record`` under a fresh code (its ``expires`` is set here) and returns the code."""
    if ctx.random.token_bytes(1)[0] < 256 // _PURGE_ONE_IN:
        await ctx.uow.oauth_codes.purge_expired(ctx.now)
    code = base64.urlsafe_b64encode(ctx.random.token_bytes(CODE_BYTES)).decode().rstrip("=")
    await ctx.uow.oauth_codes.insert(code_hash(code), replace(record, expires=ctx.now + VALIDITY_SECONDS))
    return code


async def _live_user(ctx: Context, record: StoredCode) -> User:
    user = await ctx.uow.users.by_id(record.user_id)
    if user is None or user.pool_id != record.pool_id or not user.enabled:
        raise InvalidGrant("The user of this authorization code can no longer sign in.")
    return user


async def redeem(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    code: str,
    redirect_uri: str | None,
    verifier: str | None,
) -> dict[str, Any]:
    """The AuthenticationResult for ``code`` (grant_type=authorization_code); InvalidGrant otherwise."""
    if not code:
        raise InvalidRequest("code is required.")
    if not redirect_uri:
        raise InvalidRequest("redirect_uri is required.")
    digest = code_hash(code)
    record = await ctx.uow.oauth_codes.get(digest)
    if record is None or record.client_id != client["ClientId"]:
        raise InvalidGrant(INVALID)
    if record.used is not None:
        if record.origin_jti:  # a replayed code: whoever holds its tokens may be the attacker
            await ctx.uow.refresh_tokens.revoke_family(record.origin_jti, ctx.now)
        raise ctx.fail_after_commit(InvalidGrant(INVALID))
    if record.expires <= ctx.now:
        raise InvalidGrant(INVALID)
    if redirect_uri != record.redirect_uri:
        raise InvalidGrant("redirect_uri does not match the one of the authorization request.")
    _check_verifier(record, verifier)
    user = await _live_user(ctx, record)
    origin_jti = ctx.random.uuid4()
    result = await issue_tokens(
        ctx, pool, client, user, source=HOSTED_SOURCE, auth_time=record.auth_time, scopes=record.scopes,
        nonce=record.nonce, origin_jti=origin_jti, origin_session_id=record.sso_session_id,
    )  # fmt: skip
    if not await ctx.uow.oauth_codes.mark_used(digest, ctx.now, origin_jti):
        raise InvalidGrant(INVALID)  # another node redeemed it meanwhile: this transaction rolls back
    return result


def _check_verifier(record: StoredCode, verifier: str | None) -> None:
    if record.code_challenge is None:
        if verifier:
            raise InvalidGrant("code_verifier was sent, but the authorization request had no code_challenge.")
        return
    if not verifier:
        raise InvalidRequest("code_verifier is required: the authorization request had a code_challenge.")
    if not pkce.verify(record.code_challenge, record.challenge_method or "plain", verifier):
        raise InvalidGrant("code_verifier does not match the code_challenge.")
