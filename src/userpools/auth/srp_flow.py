"""USER_SRP_AUTH: the PASSWORD_VERIFIER challenge and its answer (Cognito's SRP-6a variant).

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
COGNITO-FACTS §3.3-3.4. The server computes the password-claim key while issuing the challenge and
seals it, with the user, client and expiry, into SECRET_BLOCK: pycognito sends no Session, and any node
can check the answer with one HMAC. A SECRET_BLOCK is answered once (recorded until it expires) and
lives for the client's AuthSessionValidity. TIMESTAMP must be Cognito's format (``Tue May 7 00:09:40
UTC 2025``: day not zero-padded, matching weekday) and within 15 minutes of the server clock.
Lambda triggers: PreAuthentication runs when the challenge is issued, before the password is proven
(``triggers.authentication``); PostAuthentication once the sign-in succeeds (``auth.outcome``). As in
Cognito, an unknown user is never migrated here (UserMigration needs the password: USER_PASSWORD_AUTH).
``password_verifier`` also serves CUSTOM_AUTH with SRP first (``auth.custom``): that sign-in's challenge
history rides in the SECRET_BLOCK, and a proven answer goes back to DefineAuthChallenge.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import re
from typing import Any

from userpools.auth import lockout, risk, unknown_user
from userpools.auth.gate import (
    WRONG_PASSWORD,
    Caller,
    check_hash,
    check_user_state,
    names_user,
    required,
    user_not_found,
)
from userpools.auth.outcome import signed_in
from userpools.auth.sessions import (
    ChallengeState,
    consume,
    new_state,
    open_secret_block,
    seal_secret_block,
    secret_block_bytes,
    spent_on_failure,
)
from userpools.crypto import srp
from userpools.domain.user import RESET_REQUIRED, User, key_of
from userpools.errors import InvalidParameterException, NotAuthorizedException
from userpools.operations.context import Context
from userpools.operations.users_core import find_user
from userpools.triggers.authentication import pre_authentication

MAX_CLOCK_SKEW = 900.0
CUSTOM_HISTORY = "ca"  # in the SECRET_BLOCK of a CUSTOM_AUTH sign-in: its challenges so far (auth.custom)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_TIMESTAMP = re.compile(
    rf"({'|'.join(_WEEKDAYS)}) ({'|'.join(_MONTHS)}) ([1-9]|[12][0-9]|3[01]) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) UTC ([0-9]{4})"
)


def fingerprint(verifier: str) -> str:
    """Names a verifier without revealing it: a password changed mid-flow voids the challenge."""
    return hashlib.sha256(verifier.lower().encode()).hexdigest()[:16]


async def start(ctx: Context, who: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """USER_SRP_AUTH → PASSWORD_VERIFIER (SALT, SRP_B, SECRET_BLOCK, USERNAME, USER_ID_FOR_SRP)."""
    username = required(params, "USERNAME")
    a_hex = required(params, "SRP_A")
    user = await find_user(ctx, who.rules, username, sign_in=True)
    await check_hash(ctx, who, params, username, user.username if user else "")
    # Lambda trigger: PreAuthentication
    await pre_authentication(ctx, who.pool, who.client, user, username=username,
                             client_metadata=who.client_metadata)  # fmt: skip
    if user is None and not who.prevents_existence_errors:
        raise user_not_found(who)
    if user is not None and not (user.status == RESET_REQUIRED and who.prevents_existence_errors):
        check_user_state(who, user)  # hidden reset-required users fail at the answer, like a wrong password
    return await password_verifier(ctx, who, username, user, a_hex)


async def password_verifier(
    ctx: Context, who: Caller, username: str, user: User | None, a_hex: str, **extra: Any
) -> dict[str, Any]:
    """The PASSWORD_VERIFIER challenge of ``user`` (a simulated one when None; ``username`` as typed).

    ``extra`` is sealed into SECRET_BLOCK with the SRP state (CUSTOM_AUTH keeps its history there).
    """
    pool_id = who.rules.pool_id
    if user is None:
        key = key_of(username, who.rules.case_sensitive)
        srp_id = unknown_user.fake_user_id(ctx, pool_id, key)
        salt = unknown_user.fake_salt(ctx, pool_id, key)
        verifier = unknown_user.fake_verifier(ctx, pool_id, key)
        return _challenge(ctx, who, None, srp_id, salt, verifier, a_hex, **extra)
    secrets = await ctx.uow.auth.sign_in_secrets(user.id)
    if secrets is None:
        key = key_of(user.username, who.rules.case_sensitive)
        salt, verifier = (
            unknown_user.fake_salt(ctx, pool_id, key),
            unknown_user.fake_verifier(ctx, pool_id, key),
        )
    else:
        lockout.check_not_locked(ctx, secrets.failures, secrets.last_failure)
        salt, verifier = secrets.salt, secrets.verifier
    return _challenge(ctx, who, user, user.username, salt, verifier, a_hex, **extra)


def _challenge(
    ctx: Context,
    who: Caller,
    user: User | None,
    srp_id: str,
    salt: str,
    verifier: str,
    a_hex: str,
    **extra: Any,
) -> dict[str, Any]:
    b = int.from_bytes(ctx.random.token_bytes(srp.SERVER_SECRET_BYTES), "big")
    try:
        b_hex, key = srp.server_key(verifier, a_hex, b)
    except srp.SrpError:
        raise InvalidParameterException("Invalid SRP_A value.") from None
    state = new_state(
        ctx,
        "PASSWORD_VERIFIER",
        who.client,
        user.id if user else None,
        srp_id,
        key=base64.b64encode(key).decode(),
        vf=fingerprint(verifier),
        **extra,
    )
    parameters = {
        "SALT": salt,
        "SRP_B": b_hex,
        "SECRET_BLOCK": seal_secret_block(ctx, state),
        "USERNAME": srp_id,
        "USER_ID_FOR_SRP": srp_id,
    }
    return {"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": parameters}


async def answer(
    ctx: Context, who: Caller, responses: dict[str, Any], client_metadata: dict[str, str] | None = None
) -> dict[str, Any]:
    """RespondToAuthChallenge PASSWORD_VERIFIER: checks PASSWORD_CLAIM_SIGNATURE, then signs the user in.

    ``client_metadata`` (the request's ClientMetadata) goes to the custom authentication triggers.
    """
    username = required(responses, "USERNAME")
    block = secret_block_bytes(required(responses, "PASSWORD_CLAIM_SECRET_BLOCK"))
    timestamp = required(responses, "TIMESTAMP")
    signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")
    if block is None:
        raise NotAuthorizedException(WRONG_PASSWORD)
    state = open_secret_block(ctx, block, who.client_id, WRONG_PASSWORD)
    if state.pool_id != who.rules.pool_id:
        raise NotAuthorizedException(WRONG_PASSWORD)
    await check_hash(ctx, who, responses, username, state.username)
    await consume(ctx, state)
    # The block is spent whatever went wrong, so replaying it can't tell outcomes, or existing users
    # from simulated ones, apart.
    with spent_on_failure(ctx):
        return await _verify(ctx, who, state, username, block, timestamp, signature, client_metadata or {})


async def _verify(
    ctx: Context,
    who: Caller,
    state: ChallengeState,
    username: str,
    block: bytes,
    timestamp: str,
    signature: str,
    client_metadata: dict[str, str],
) -> dict[str, Any]:
    expected = srp.claim_signature(
        base64.b64decode(state.extra["key"]), state.pool_id, state.username, block, timestamp
    )
    proven = _same(expected, signature) and timestamp_ok(timestamp, ctx.now)
    if state.user_id is None:
        raise NotAuthorizedException(WRONG_PASSWORD)  # a simulated challenge: never a user
    user = await ctx.uow.users.by_id(state.user_id)
    if user is None or not await names_user(ctx, who, username, user):
        raise NotAuthorizedException(WRONG_PASSWORD)
    check_user_state(who, user)
    secrets = await ctx.uow.auth.sign_in_secrets(user.id)
    if secrets is None:
        raise NotAuthorizedException(WRONG_PASSWORD)
    lockout.check_not_locked(ctx, secrets.failures, secrets.last_failure)
    if not proven or fingerprint(secrets.verifier) != state.extra.get("vf"):
        error = await lockout.fail(ctx, user.id, NotAuthorizedException(WRONG_PASSWORD))
        raise await risk.failed(ctx, who, user, error)  # threat protection (issue 6)
    await lockout.succeeded(ctx, user.id, secrets.failures)
    if CUSTOM_HISTORY in state.extra:  # CUSTOM_AUTH with SRP first: back to DefineAuthChallenge (issue 4 §4)
        from userpools.auth import custom  # imported here: auth.custom issues this module's challenge

        return await custom.password_verified(ctx, who, user, secrets, state, client_metadata)
    verdict = await risk.check(ctx, who, user, None)  # SRP never shows the password: no breach check
    return await signed_in(ctx, who, user, secrets, verdict=verdict)


def _same(expected: bytes, signature: str) -> bool:
    try:
        given = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return hmac.compare_digest(expected, given)


def timestamp_ok(text: str, now: float) -> bool:
    """Cognito's TIMESTAMP ``EEE MMM d HH:mm:ss UTC yyyy``: a real date, matching weekday, near ``now``."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return False
    weekday, month, day, hour, minute, second, year = match.groups()
    try:
        moment = dt.datetime(int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute),
                             int(second), tzinfo=dt.UTC)  # fmt: skip
    except ValueError:
        return False
    return _WEEKDAYS[moment.weekday()] == weekday and abs(moment.timestamp() - now) <= MAX_CLOCK_SKEW
