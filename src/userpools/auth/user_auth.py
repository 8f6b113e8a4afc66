"""USER_AUTH: choice-based sign-in with a password, a passkey or a one-time code, and its challenges.

https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
- InitiateAuth / AdminInitiateAuth AuthFlow USER_AUTH (client: ALLOW_USER_AUTH) with USERNAME and an optional
  PREFERRED_CHALLENGE. Without one (or when the user can't use it) the answer is SELECT_CHALLENGE with
  ``AvailableChallenges``; a factor the pool's SignInPolicy.AllowedFirstAuthFactors doesn't allow is
  InvalidParameterException.
- First factors: PASSWORD (AuthParameters / ChallengeResponses PASSWORD: ``auth.password``), PASSWORD_SRP
  (SRP_A, then PASSWORD_VERIFIER: ``auth.srp_flow``), WEB_AUTHN (challenge parameter
  CREDENTIAL_REQUEST_OPTIONS, answer CREDENTIAL), EMAIL_OTP / SMS_OTP (a code sent as for MFA, ``auth.mfa``;
  answers EMAIL_OTP_CODE / SMS_OTP_CODE in ``auth.mfa_answer``).
- Password factors go on to MFA as any password sign-in does (``auth.outcome.signed_in``); passwordless ones
  are a sign-in of their own and skip MFA. When the pool requires MFA (ON), the one-time codes are not
  offered, and a passkey only with WebAuthnConfiguration.FactorConfiguration
  MULTI_FACTOR_WITH_USER_VERIFICATION (the assertion must then carry user verification).
- Lambda triggers: PreAuthentication runs once the factor is chosen (by the password flows themselves, else
  here before the code or passkey challenge); PostAuthentication and token generation in
  ``auth.outcome.completed``. Wrong codes and failed passkey assertions count towards the lockout as wrong
  passwords do.
Known differences: an unknown user, when PreventUserExistenceErrors is ENABLED, is offered only PASSWORD and
PASSWORD_SRP; answering SELECT_CHALLENGE with WEB_AUTHN always issues the WEB_AUTHN challenge (its
CREDENTIAL is answered to that challenge).
"""

from __future__ import annotations

from typing import Any

from userpools.auth import lockout, mfa, passkeys, password, srp_flow
from userpools.auth.gate import Caller, check_hash, check_user_state, names_user, required, user_not_found
from userpools.auth.outcome import completed
from userpools.auth.sessions import INVALID, consume, new_state, open_session, seal_session, spent_on_failure
from userpools.domain.pool_mfa import MFA_KEY, WEBAUTHN
from userpools.domain.user import User
from userpools.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    WebAuthnConfigurationMissingException,
    WebAuthnOriginNotAllowedException,
)
from userpools.operations.context import Context
from userpools.operations.users_core import find_user
from userpools.triggers.authentication import pre_authentication

SELECT_CHALLENGE, WEB_AUTHN, EMAIL_OTP, SMS_OTP = "SELECT_CHALLENGE", "WEB_AUTHN", "EMAIL_OTP", "SMS_OTP"
PASSWORD, PASSWORD_SRP = "PASSWORD", "PASSWORD_SRP"
FIRST_FACTORS = (PASSWORD, PASSWORD_SRP, WEB_AUTHN, EMAIL_OTP, SMS_OTP)  # ChallengeName values
FACTOR_OF = {PASSWORD_SRP: PASSWORD}  # the AllowedFirstAuthFactors value a challenge needs
FIRST_FACTOR = "ff"  # in an EMAIL_OTP / SMS_OTP Session: the code is the first factor, not MFA
UNKNOWN_PASSKEY = "The passkey is not registered for this user."
BAD_ASSERTION = "The passkey assertion could not be verified."


def _mfa_required(pool: dict[str, Any]) -> bool:
    return pool.get("MfaConfiguration") == "ON"


def _passkey_is_mfa(pool: dict[str, Any]) -> bool:
    config = (pool.get(MFA_KEY) or {}).get(WEBAUTHN) or {}
    return config.get("FactorConfiguration") == "MULTI_FACTOR_WITH_USER_VERIFICATION"


async def configured_factors(ctx: Context, pool: dict[str, Any], user: User) -> list[str]:
    """The AuthFactorType values ``user`` can sign in with through USER_AUTH (GetUserAuthFactors)."""
    allowed = passkeys.allowed_first_factors(pool)
    out = []
    if await ctx.uow.auth.sign_in_secrets(user.id) is not None:
        out.append(PASSWORD)
    if EMAIL_OTP in allowed and user.attributes.get("email"):
        out.append(EMAIL_OTP)
    if SMS_OTP in allowed and user.attributes.get("phone_number"):
        out.append(SMS_OTP)
    if WEB_AUTHN in allowed:
        try:
            rp = await passkeys.relying_party(ctx, pool)
        except WebAuthnConfigurationMissingException:
            rp = None
        if rp is not None and await ctx.uow.passkeys.of_user(user.id, rp.id):
            out.append(WEB_AUTHN)
    return out


async def available(ctx: Context, who: Caller, user: User) -> list[str]:
    """The challenges ``user`` may choose from (AvailableChallenges)."""
    factors = await configured_factors(ctx, who.pool, user)
    out = [PASSWORD, PASSWORD_SRP] if PASSWORD in factors else []
    if WEB_AUTHN in factors and (not _mfa_required(who.pool) or _passkey_is_mfa(who.pool)):
        out.append(WEB_AUTHN)
    if not _mfa_required(who.pool):
        out += [f for f in (EMAIL_OTP, SMS_OTP) if f in factors]
    return out


async def initiate(ctx: Context, who: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """InitiateAuth USER_AUTH: the preferred challenge, or SELECT_CHALLENGE."""
    username = required(params, "USERNAME")
    preferred = params.get("PREFERRED_CHALLENGE")
    if preferred:
        if preferred not in FIRST_FACTORS:
            raise InvalidParameterException(f"PREFERRED_CHALLENGE must be one of {', '.join(FIRST_FACTORS)}.")
        if FACTOR_OF.get(preferred, preferred) not in passkeys.allowed_first_factors(who.pool):
            raise InvalidParameterException(
                f"{preferred} is not an allowed first authentication factor of this user pool "
                "(Policies.SignInPolicy.AllowedFirstAuthFactors)."
            )
        if preferred == PASSWORD:
            required(params, "PASSWORD")
            return await password.sign_in(ctx, who, params)
        if preferred == PASSWORD_SRP:
            required(params, "SRP_A")
            return await srp_flow.start(ctx, who, params)
    user = await find_user(ctx, who.rules, username, sign_in=True)
    await check_hash(ctx, who, params, username, user.username if user else "")
    if user is None:
        if not who.prevents_existence_errors:
            raise user_not_found(who)
        state = new_state(ctx, SELECT_CHALLENGE, who.client, None, username, a=[PASSWORD, PASSWORD_SRP])
        return _select(ctx, state, [PASSWORD, PASSWORD_SRP])
    check_user_state(who, user)
    choices = await available(ctx, who, user)
    if preferred in choices:
        return await _issue(ctx, who, user, username, str(preferred))
    state = new_state(ctx, SELECT_CHALLENGE, who.client, user.id, user.username, a=choices)
    return _select(ctx, state, choices)


def _select(ctx: Context, state: Any, choices: list[str]) -> dict[str, Any]:
    return {"ChallengeName": SELECT_CHALLENGE, "Session": seal_session(ctx, state),
            "ChallengeParameters": {}, "AvailableChallenges": choices}  # fmt: skip


async def answer_select(
    ctx: Context, who: Caller, responses: dict[str, Any], session: str | None
) -> dict[str, Any]:
    """RespondToAuthChallenge SELECT_CHALLENGE: ANSWER names the factor (with PASSWORD or SRP_A for those)."""
    state = open_session(ctx, session, who.client_id, SELECT_CHALLENGE)
    username = required(responses, "USERNAME")
    choice = required(responses, "ANSWER")
    choices = list(state.extra.get("a") or [])
    if choice not in choices:
        raise InvalidParameterException(f"ANSWER must be one of {', '.join(choices)}.")
    user = await ctx.uow.users.by_id(state.user_id) if state.user_id is not None else None
    if state.user_id is not None and (user is None or not await names_user(ctx, who, username, user)):
        raise NotAuthorizedException(INVALID)
    params = {**responses, "USERNAME": username}
    if choice == PASSWORD:
        required(responses, "PASSWORD")
        await consume(ctx, state)
        return await password.sign_in(ctx, who, params)
    if choice == PASSWORD_SRP:
        required(responses, "SRP_A")
        await consume(ctx, state)
        return await srp_flow.start(ctx, who, params)
    if user is None:
        raise NotAuthorizedException(INVALID)
    await check_hash(ctx, who, responses, username, user.username)
    check_user_state(who, user)
    await consume(ctx, state)
    return await _issue(ctx, who, user, username, choice)


async def _issue(ctx: Context, who: Caller, user: User, username: str, choice: str) -> dict[str, Any]:
    """The WEB_AUTHN, EMAIL_OTP or SMS_OTP challenge of a user who chose a passwordless factor."""
    # Lambda trigger: PreAuthentication
    await pre_authentication(ctx, who.pool, who.client, user, username=username,
                             client_metadata=who.client_metadata)  # fmt: skip
    failures = await ctx.uow.auth.failures(user.id)
    lockout.check_not_locked(ctx, failures.count, failures.last)
    if choice in (EMAIL_OTP, SMS_OTP):
        factor = mfa.EMAIL_OTP if choice == EMAIL_OTP else mfa.SMS_MFA
        return await mfa.issue(ctx, who, user, factor, name=choice, **{FIRST_FACTOR: True})
    rp = await passkeys.relying_party(ctx, who.pool)
    keys = await ctx.uow.passkeys.of_user(user.id, rp.id)
    challenge = ctx.random.token_bytes(passkeys.CHALLENGE_BYTES)
    state = new_state(
        ctx, WEB_AUTHN, who.client, user.id, user.username, ch=passkeys.b64url(challenge), rp=rp.id
    )
    parameters = {"CREDENTIAL_REQUEST_OPTIONS": passkeys.request_options(rp, challenge, keys)}
    return {
        "ChallengeName": WEB_AUTHN,
        "Session": seal_session(ctx, state),
        "ChallengeParameters": parameters,
    }


async def answer_webauthn(
    ctx: Context, who: Caller, responses: dict[str, Any], session: str | None
) -> dict[str, Any]:
    """RespondToAuthChallenge WEB_AUTHN: CREDENTIAL, an AuthenticationResponseJSON of a registered passkey."""
    state = open_session(ctx, session, who.client_id, WEB_AUTHN)
    username = required(responses, "USERNAME")
    await check_hash(ctx, who, responses, username, state.username)
    credential = passkeys.parse_credential(required(responses, "CREDENTIAL"))
    user = await ctx.uow.users.by_id(state.user_id) if state.user_id is not None else None
    if user is None or not await names_user(ctx, who, username, user):
        raise NotAuthorizedException(INVALID)
    check_user_state(who, user)
    await consume(ctx, state)
    with spent_on_failure(ctx):  # the Session is spent whatever the outcome: no second try with it
        failures = await ctx.uow.auth.failures(user.id)
        lockout.check_not_locked(ctx, failures.count, failures.last)
        rp = await passkeys.relying_party(ctx, who.pool)
        if rp.id != state.extra.get("rp"):
            raise NotAuthorizedException(INVALID)
        client_data = passkeys.client_data(credential)
        try:
            passkeys.check_origin(rp, str(client_data.origin))
        except WebAuthnOriginNotAllowedException as exc:
            raise await lockout.fail(ctx, user.id, NotAuthorizedException(exc.message)) from None
        key = await ctx.uow.passkeys.get(user.id, str(credential["id"]))
        if key is None or key.relying_party_id != rp.id:
            raise await lockout.fail(ctx, user.id, NotAuthorizedException(UNKNOWN_PASSKEY))
        challenge = passkeys.unb64url(str(state.extra["ch"]))
        uv = rp.uv_required or _mfa_required(who.pool)  # a passkey standing in for MFA must verify the user
        count = passkeys.verify_assertion(rp, credential, challenge, str(client_data.origin), key, uv)
        if count is None or not await ctx.uow.passkeys.used(
            user.id, key.credential_id, key.sign_count, count
        ):
            raise await lockout.fail(ctx, user.id, NotAuthorizedException(BAD_ASSERTION))
        await lockout.succeeded(ctx, user.id, failures.count)
        return await completed(ctx, who, user)


async def code_answered(
    ctx: Context, who: Caller, user: User, good: bool, wrong: Exception
) -> dict[str, Any]:
    """The end of a first-factor EMAIL_OTP / SMS_OTP answer (``auth.mfa_answer``): lockout, then tokens."""
    failures = await ctx.uow.auth.failures(user.id)
    lockout.check_not_locked(ctx, failures.count, failures.last)
    if not good:
        raise await lockout.fail(ctx, user.id, wrong)  # type: ignore[arg-type]
    await lockout.succeeded(ctx, user.id, failures.count)
    return await completed(ctx, who, user)
