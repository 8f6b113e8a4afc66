"""The device's SRP proof: DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER → tokens.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html
COGNITO-FACTS §3.5: the user SRP math (``crypto.srp``) with poolName → DeviceGroupKey, user id →
DeviceKey and the salt/verifier ConfirmDevice stored. The DEVICE_SRP_AUTH answer is accepted only
while the device is pending (its user just proved the password with it, ``auth.devices``), with or
without the Session (pycognito sends none). The PASSWORD_VERIFIER step's state is sealed into
SECRET_BLOCK like the user SRP flow, and a block is answered once. The proven device completes the
sign-in: PostAuthentication runs (``newDeviceUsed`` false), then the tokens are issued.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any

from userpools.auth import tokens
from userpools.auth.devices import CHALLENGE, VERIFIER_CHALLENGE, not_found
from userpools.auth.gate import WRONG_PASSWORD, Caller, check_hash, check_user_state, names_user, required
from userpools.auth.sessions import (
    INVALID,
    ChallengeState,
    consume,
    new_state,
    open_session,
    seal_session,
    secret_block_bytes,
)
from userpools.auth.srp_flow import timestamp_ok
from userpools.crypto import srp
from userpools.domain.user import User
from userpools.errors import InvalidParameterException, NotAuthorizedException, ServiceError
from userpools.operations.context import Context
from userpools.operations.users_core import find_user
from userpools.store.devices import Device
from userpools.triggers.authentication import post_authentication


async def _user_and_device(
    ctx: Context, who: Caller, responses: dict[str, Any], user: User | None
) -> tuple[User, Device]:
    """The answering user (named by USERNAME) and their pending, confirmed device DEVICE_KEY."""
    username = required(responses, "USERNAME")
    device_key = required(responses, "DEVICE_KEY")
    if user is None:
        user = await find_user(ctx, who.rules, username)
    if user is None or not await names_user(ctx, who, username, user):
        raise NotAuthorizedException(INVALID)
    await check_hash(ctx, who, responses, username, user.username)
    check_user_state(who, user)
    device = await ctx.uow.devices.get(user.id, device_key)
    if device is None or not device.confirmed or device.pool_id != who.rules.pool_id:
        raise not_found()
    if device.pending_until is None or device.pending_until <= ctx.now:
        raise NotAuthorizedException(INVALID)
    return user, device


async def start(ctx: Context, who: Caller, responses: dict[str, Any], session: str | None) -> dict[str, Any]:
    """RespondToAuthChallenge DEVICE_SRP_AUTH {USERNAME, DEVICE_KEY, SRP_A} → DEVICE_PASSWORD_VERIFIER."""
    a_hex = required(responses, "SRP_A")
    state = open_session(ctx, session, who.client_id, CHALLENGE) if session else None
    user = None
    if state is not None:
        if state.extra.get("device") != responses.get("DEVICE_KEY"):
            raise NotAuthorizedException(INVALID)
        user = await ctx.uow.users.by_id(int(state.user_id or 0))
    user, device = await _user_and_device(ctx, who, responses, user)
    if state is not None:
        await consume(ctx, state)
    secret = await ctx.uow.devices.secret_of(device.key)
    if secret is None:
        raise not_found()
    salt, verifier = secret
    b = int.from_bytes(ctx.random.token_bytes(srp.SERVER_SECRET_BYTES), "big")
    try:
        b_hex, key = srp.server_key(verifier, a_hex, b)
    except srp.SrpError:
        raise InvalidParameterException("Invalid SRP_A value.") from None
    next_state = new_state(ctx, VERIFIER_CHALLENGE, who.client, user.id, user.username, device=device.key,
                           group=device.group_key, key=base64.b64encode(key).decode())  # fmt: skip
    sealed = seal_session(ctx, next_state)
    parameters = {
        "SALT": salt,
        "SRP_B": b_hex,
        "SECRET_BLOCK": base64.b64encode(_token_bytes(sealed)).decode(),
        "USERNAME": user.username,
        "DEVICE_KEY": device.key,
    }
    return {"ChallengeName": VERIFIER_CHALLENGE, "Session": sealed, "ChallengeParameters": parameters}


async def answer(ctx: Context, who: Caller, responses: dict[str, Any]) -> dict[str, Any]:
    """RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER: checks the device's claim, then issues tokens."""
    block = secret_block_bytes(required(responses, "PASSWORD_CLAIM_SECRET_BLOCK"))
    timestamp = required(responses, "TIMESTAMP")
    signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")
    if block is None:
        raise NotAuthorizedException(WRONG_PASSWORD)
    token = base64.urlsafe_b64encode(block).decode().rstrip("=")
    state = open_session(ctx, token, who.client_id, VERIFIER_CHALLENGE)
    if state.pool_id != who.rules.pool_id or state.extra.get("device") != responses.get("DEVICE_KEY"):
        raise NotAuthorizedException(INVALID)
    user = await ctx.uow.users.by_id(int(state.user_id or 0))
    user, device = await _user_and_device(ctx, who, responses, user)
    await consume(ctx, state)
    try:
        return await _verify(ctx, who, state, user, device, block, timestamp, signature)
    except ServiceError as exc:
        if exc is not ctx.committed_failure:
            ctx.fail_after_commit(exc)  # the block stays spent whatever went wrong
        raise


async def _verify(
    ctx: Context,
    who: Caller,
    state: ChallengeState,
    user: User,
    device: Device,
    block: bytes,
    timestamp: str,
    signature: str,
) -> dict[str, Any]:
    key = base64.b64decode(state.extra["key"])
    expected = srp.claim_signature(key, str(state.extra["group"]), device.key, block, timestamp)
    try:
        given = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        given = b""
    if not (hmac.compare_digest(expected, given) and timestamp_ok(timestamp, ctx.now)):
        raise NotAuthorizedException(WRONG_PASSWORD)
    await post_authentication(ctx, who.pool, who.client, user, new_device=False,
                              client_metadata=who.client_metadata)  # fmt: skip
    await ctx.uow.devices.authenticated(device.key, ctx.now)
    result = await tokens.issue_tokens(
        ctx,
        who.pool,
        who.client,
        user,
        source="TokenGeneration_AuthenticateDevice",
        auth_time=ctx.now,
        device_key=device.key,
        client_metadata=who.client_metadata,
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _token_bytes(sealed: str) -> bytes:
    return base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
