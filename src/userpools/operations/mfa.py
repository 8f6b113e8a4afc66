"""Per-user MFA operations: AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference,
AdminSetUserMFAPreference, AdminDeleteSoftwareToken.

Implements the API reference pages of the same names. AssociateSoftwareToken and VerifySoftwareToken take
either an AccessToken (a signed-in user adding TOTP) or the Session of an MFA_SETUP challenge (then each
answers with a new Session, and a verified token turns TOTP MFA on as the user's preferred factor). Each
AssociateSoftwareToken call makes a fresh secret, kept sealed and pending until verified (``auth.mfa_user``).
Known differences: WebAuthnMfaSettings can only be turned off (passkeys sign in as a first factor,
not as a user's second factor: docs/passkeys.md); an MFA_SETUP
Session keeps the expiry of the challenge that issued it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from userpools.auth import mfa, mfa_user
from userpools.auth.sessions import ChallengeState, consume
from userpools.crypto import totp
from userpools.domain.user import User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import (
    EnableSoftwareTokenMFAException,
    InvalidParameterException,
    NotAuthorizedException,
    SoftwareTokenMFANotFoundException,
)
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.self_service import signed_in
from userpools.operations.users_core import load_user, rules_of, save_user

ONE_OF = "Exactly one of AccessToken and Session must be given."
NOT_ASSOCIATED = "No software token is associated with the user: call AssociateSoftwareToken first."
MISMATCH = "Code mismatch"


async def _subject(ctx: Context, req: dict[str, Any]) -> tuple[User, PoolRules, ChallengeState | None]:
    """The user an AccessToken or an MFA_SETUP Session speaks for (and the Session's state)."""
    if ("AccessToken" in req) == ("Session" in req):
        raise InvalidParameterException(ONE_OF)
    if "AccessToken" in req:
        me = await signed_in(ctx, req["AccessToken"])
        return me.user, me.rules, None
    state = mfa.open_setup(ctx, req["Session"])
    user = await ctx.uow.users.by_id(state.user_id) if state.user_id is not None else None
    if user is None or not user.enabled:
        raise NotAuthorizedException("Invalid session for the user.")
    return user, rules_of(await load_pool(ctx, state.pool_id)), state


async def _next_session(ctx: Context, state: ChallengeState, **extra: Any) -> str:
    await consume(ctx, state)
    fresh = dataclasses.replace(state, sid=ctx.random.token_bytes(16).hex(), extra={**state.extra, **extra})
    return mfa.seal_setup(ctx, fresh)


@operation("AssociateSoftwareToken", write=True)
async def associate_software_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AssociateSoftwareToken: a fresh TOTP secret (base32) for the user's authenticator app."""
    user, rules, state = await _subject(ctx, req)
    secret = totp.new_secret(ctx.random)
    mfa_user.set_pending_secret(ctx, user, secret)
    await save_user(ctx, rules, user)
    out: dict[str, Any] = {"SecretCode": secret}
    if state is not None:
        out["Session"] = await _next_session(ctx, state)
    return out


@operation("VerifySoftwareToken", write=True)
async def verify_software_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_VerifySoftwareToken: proves the app has the associated secret; the token becomes usable."""
    user, rules, state = await _subject(ctx, req)
    if mfa_user.pending_secret(ctx, user) is None:
        raise SoftwareTokenMFANotFoundException(NOT_ASSOCIATED)
    if not mfa_user.verify_pending(ctx, user, str(req["UserCode"]), req.get("FriendlyDeviceName")):
        raise EnableSoftwareTokenMFAException(MISMATCH)
    out: dict[str, Any] = {"Status": "SUCCESS"}
    if state is not None:
        mfa_user.enable(user, mfa_user.TOTP, prefer=True)
        out["Session"] = await _next_session(ctx, state, v=True)
    await save_user(ctx, rules, user)
    return out


@operation("SetUserMFAPreference", write=True)
async def set_user_mfa_preference(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_SetUserMFAPreference: the signed-in user's enabled MFA factors and preferred one."""
    me = await signed_in(ctx, req["AccessToken"])
    mfa_user.apply_preference(me.user, req)
    await save_user(ctx, me.rules, me.user)
    return {}


@operation("AdminSetUserMFAPreference", write=True)
async def admin_set_user_mfa_preference(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminSetUserMFAPreference: a user's enabled MFA factors and preferred one, set by an admin."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    user = await load_user(ctx, pool, req["Username"])
    mfa_user.apply_preference(user, req)
    await save_user(ctx, rules_of(pool), user)
    return {}


@operation("AdminDeleteSoftwareToken", write=True)
async def admin_delete_software_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminDeleteSoftwareToken: forgets the user's TOTP factor (and turns TOTP MFA off); idempotent."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    user = await load_user(ctx, pool, req["Username"])
    mfa_user.delete_software_token(user)
    await save_user(ctx, rules_of(pool), user)
    return {}
