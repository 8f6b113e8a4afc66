"""The InitiateAuth / RespondToAuthChallenge state machine (and their Admin variants).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminInitiateAuth.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
Flows: USER_SRP_AUTH, USER_PASSWORD_AUTH (public only), ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH
(admin only), REFRESH_TOKEN_AUTH / REFRESH_TOKEN, CUSTOM_AUTH (``auth.custom``, with its CUSTOM_CHALLENGE).
Challenges: PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED. USER_AUTH (choice-based sign-in) and its
SELECT_CHALLENGE and WEB_AUTHN challenges are in ``auth.user_auth``; MFA challenges (and USER_AUTH's
EMAIL_OTP / SMS_OTP codes) are answered in ``auth.mfa_answer``, the device challenges (DEVICE_SRP_AUTH,
DEVICE_PASSWORD_VERIFIER) in ``auth.device_srp``. ClientMetadata reaches the Lambda triggers
(PreAuthentication's validationData, UserMigration, PostAuthentication, PreTokenGeneration, the custom
authentication triggers: ``Caller.client_metadata``); UserContextData and ContextData feed threat
protection (``auth.risk``); AnalyticsMetadata is accepted and ignored.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import (
    custom,
    device_srp,
    devices,
    mfa,
    mfa_answer,
    new_password,
    password,
    srp_flow,
    user_auth,
)
from userpools.auth.gate import Caller, caller, check_hash, require_flow, required
from userpools.auth.refresh import find_refresh_token, refresh
from userpools.auth.sessions import INVALID
from userpools.errors import InvalidParameterException, NotAuthorizedException
from userpools.operations.context import Context

PUBLIC_ONLY = frozenset({"USER_PASSWORD_AUTH"})
ADMIN_ONLY = frozenset({"ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"})
# Flows whose AuthParameters.USERNAME is looked up at once (read with the client: gate.caller).
NAMES_A_USER = frozenset(
    {
        "USER_PASSWORD_AUTH",
        "ADMIN_USER_PASSWORD_AUTH",
        "ADMIN_NO_SRP_AUTH",
        "USER_SRP_AUTH",
        "CUSTOM_AUTH",
        "USER_AUTH",
    }
)


async def initiate(ctx: Context, req: dict[str, Any], *, admin: bool) -> dict[str, Any]:
    """InitiateAuth (``admin`` False) or AdminInitiateAuth (True)."""
    flow = str(req["AuthFlow"])
    if flow in (PUBLIC_ONLY if admin else ADMIN_ONLY):
        raise InvalidParameterException("Initiate Auth method not supported.")
    params = dict(req.get("AuthParameters") or {})
    username = params.get("USERNAME") if flow in NAMES_A_USER else None
    pool_id = req["UserPoolId"] if admin else None
    who = await caller(ctx, req["ClientId"], pool_id, req.get("ClientMetadata"), username, _context(req))
    require_flow(who.client, flow)
    if flow == "USER_SRP_AUTH":
        return await srp_flow.start(ctx, who, params)
    if flow in ("USER_PASSWORD_AUTH", "ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        return await password.sign_in(ctx, who, params)
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return await refresh_tokens(ctx, who, params)
    if flow == "CUSTOM_AUTH":  # custom authentication (issue 4 §4)
        with devices.offered(params.get("DEVICE_KEY"), tracked=not admin):
            return await custom.start(ctx, who, params)
    if flow == "USER_AUTH":  # choice-based sign-in (issue 6)
        return await user_auth.initiate(ctx, who, params)
    raise InvalidParameterException(f"{flow} is not supported by this server yet.")


async def respond(ctx: Context, req: dict[str, Any], *, admin: bool) -> dict[str, Any]:
    """RespondToAuthChallenge (``admin`` False) or AdminRespondToAuthChallenge (True)."""
    pool_id = req["UserPoolId"] if admin else None
    who = await caller(ctx, req["ClientId"], pool_id, req.get("ClientMetadata"), context_data=_context(req))
    name = str(req["ChallengeName"])
    responses = dict(req.get("ChallengeResponses") or {})
    if name == "PASSWORD_VERIFIER":
        with devices.offered(responses.get("DEVICE_KEY"), tracked=not admin):  # devices (issue 4 §2)
            return await srp_flow.answer(ctx, who, responses, req.get("ClientMetadata"))
    if name == devices.CHALLENGE:  # remembered devices (issue 4 §2)
        return await device_srp.start(ctx, who, responses, req.get("Session"))
    if name == devices.VERIFIER_CHALLENGE:
        return await device_srp.answer(ctx, who, responses)
    if name == custom.CHALLENGE:  # custom authentication (issue 4 §4)
        with devices.offered(responses.get("DEVICE_KEY"), tracked=not admin):
            metadata = dict(req.get("ClientMetadata") or {})
            return await custom.answer(ctx, who, responses, req.get("Session"), metadata)
    if name == new_password.CHALLENGE:
        return await new_password.answer(ctx, who, responses, req.get("Session"))
    if name == user_auth.SELECT_CHALLENGE:  # choice-based sign-in (issue 6)
        return await user_auth.answer_select(ctx, who, responses, req.get("Session"))
    if name == user_auth.WEB_AUTHN:
        with devices.offered(responses.get("DEVICE_KEY"), tracked=not admin):
            return await user_auth.answer_webauthn(ctx, who, responses, req.get("Session"))
    if name in mfa.CHALLENGES or name == user_auth.SMS_OTP:  # MFA (issue 4 §1), USER_AUTH codes (issue 6)
        with devices.offered(responses.get("DEVICE_KEY"), tracked=not admin):  # then devices (§2)
            return await mfa_answer.answer(ctx, who, name, responses, req.get("Session"))
    # No challenge of another kind is ever issued, so no session can be answering one.
    raise NotAuthorizedException(INVALID)


async def refresh_tokens(ctx: Context, who: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """REFRESH_TOKEN_AUTH: new ID and access tokens (``auth.refresh``); SECRET_HASH for secret clients.

    The hash may be computed over any name of the token's user (internal username, sub, email, phone
    or preferred_username), since SDKs differ (COGNITO-FACTS §3.1).
    """
    token = required(params, "REFRESH_TOKEN")
    if await ctx.uow.clients.secrets_of(who.client_id):
        record = await find_refresh_token(ctx, who.pool, who.client, token)
        user = await ctx.uow.users.by_id(record.user_id)
        names = [str(params.get("USERNAME") or "")]
        if user is not None:
            names += [user.username, user.sub]
            names += [user.attributes.get(a, "") for a in ("email", "phone_number", "preferred_username")]
        await check_hash(ctx, who, params, *names)
    result = await refresh(ctx, who.pool, who.client, token, device_key=params.get("DEVICE_KEY"))
    return {"ChallengeParameters": {}, "AuthenticationResult": result}


def _context(req: dict[str, Any]) -> dict[str, Any] | None:
    """ContextData (admin operations) or UserContextData (public ones): threat protection's signals."""
    data = req.get("ContextData") or req.get("UserContextData")
    return dict(data) if data else None
