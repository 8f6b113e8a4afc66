"""The NEW_PASSWORD_REQUIRED challenge of users with a temporary password (FORCE_CHANGE_PASSWORD).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
Challenge parameters: USER_ID_FOR_SRP, ``userAttributes`` (JSON string of the user's attributes, without
``sub``) and ``requiredAttributes`` (JSON string of ``userAttributes.<name>`` for required attributes the
user lacks), COGNITO-FACTS §5.2. The answer carries NEW_PASSWORD and ``userAttributes.<name>`` values;
those must be writable by the app client and satisfy the schema, and every required attribute must end
up with a value. The user becomes CONFIRMED and gets tokens (TokenGeneration_NewPasswordChallenge).
A failed answer (bad password, missing attribute) leaves the Session usable for another try. Without an
MFA challenge to follow, the sign-in is complete: PostAuthentication runs before the tokens, and its
refusal undoes the answer (the Session stays usable).
"""

from __future__ import annotations

import json
from typing import Any

from userpools.auth import mfa, risk, tokens
from userpools.auth.gate import Caller, check_hash, names_user, required
from userpools.auth.sessions import INVALID, consume, new_state, open_session, seal_session
from userpools.domain.attributes import READ_ONLY, check_writes
from userpools.domain.client_config import NEVER_WRITABLE
from userpools.domain.schema import by_name, required_attributes
from userpools.domain.user import CONFIRMED, FORCE_CHANGE_PASSWORD, User
from userpools.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    PasswordHistoryPolicyViolationException,
)
from userpools.operations.context import Context
from userpools.operations.users_core import check_password, password_reused, save_user, set_password
from userpools.triggers.authentication import post_authentication

CHALLENGE = "NEW_PASSWORD_REQUIRED"
PREFIX = "userAttributes."
VERIFIABLE = ("email", "phone_number")


def challenge(ctx: Context, who: Caller, user: User) -> dict[str, Any]:
    state = new_state(ctx, CHALLENGE, who.client, user.id, user.username)
    shown = {k: v for k, v in user.attributes.items() if k != "sub" and not k.startswith("dev:")}
    missing = [PREFIX + n for n in required_attributes(who.rules.schema) if not user.attributes.get(n)]
    parameters = {
        "USER_ID_FOR_SRP": user.username,
        "userAttributes": json.dumps(shown, separators=(",", ":")),
        "requiredAttributes": json.dumps(missing, separators=(",", ":")),
    }
    return {
        "ChallengeName": CHALLENGE,
        "Session": seal_session(ctx, state),
        "ChallengeParameters": parameters,
    }


def writable(who: Caller) -> set[str]:
    """What the client may write: its WriteAttributes, by default every attribute the service doesn't own."""
    explicit = who.client.get("WriteAttributes")
    if explicit is not None:
        return set(explicit)
    names = set(by_name(who.rules.schema))
    return {n for n in names if n not in NEVER_WRITABLE and n not in READ_ONLY and not n.startswith("dev:")}


async def answer(ctx: Context, who: Caller, responses: dict[str, Any], session: str | None) -> dict[str, Any]:
    state = open_session(ctx, session, who.client_id, CHALLENGE)
    username = required(responses, "USERNAME")
    await check_hash(ctx, who, responses, username, state.username)
    password = required(responses, "NEW_PASSWORD")
    user = await ctx.uow.users.by_id(state.user_id) if state.user_id is not None else None
    if user is None or user.status != FORCE_CHANGE_PASSWORD or not await names_user(ctx, who, username, user):
        raise NotAuthorizedException(INVALID)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    changes = {k[len(PREFIX) :]: str(v) for k, v in responses.items() if k.startswith(PREFIX)}
    changes = check_writes(who.rules.schema, changes, creating=False)
    allowed = writable(who)
    if any(name not in allowed for name in changes):
        raise NotAuthorizedException("A client attempted to write unauthorized attribute")
    merged = {**user.attributes, **changes}
    for name in required_attributes(who.rules.schema):
        if not merged.get(name):
            raise InvalidParameterException(f"Invalid attributes given, {name} is missing")
    check_password(who.rules, password)
    await risk.check_new_password(ctx, who.pool, who.client_id, password, "PASSWORD_CHANGE")  # issue 6
    if await password_reused(ctx, who.rules, user, password):
        raise PasswordHistoryPolicyViolationException(
            "The password has been used recently. Choose a password that was not used before."
        )
    await consume(ctx, state)
    for name in VERIFIABLE:
        if name in changes and changes[name] != user.attributes.get(name):
            merged[f"{name}_verified"] = "false"  # a new address is not verified
    user.attributes = merged
    user.status = CONFIRMED
    await set_password(ctx, who.rules, user, password, temporary=False)
    await save_user(ctx, who.rules, user)
    second = await mfa.challenge(ctx, who, user)  # MFA (issue 4 §1): a new password is one factor
    if second is not None:
        return second
    await post_authentication(ctx, who.pool, who.client, user, new_device=False,
                              client_metadata=who.client_metadata)  # fmt: skip
    if who.hosted is not None:  # a hosted UI sign-in (auth.gate.Caller.hosted)
        return await who.hosted(ctx, user)
    result = await tokens.issue_tokens(
        ctx, who.pool, who.client, user, source="TokenGeneration_NewPasswordChallenge", auth_time=ctx.now,
        client_metadata=who.client_metadata,
    )  # fmt: skip
    return {"ChallengeParameters": {}, "AuthenticationResult": result}
