"""Answers to the MFA challenges: SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
Responses: USERNAME (+SECRET_HASH) and SMS_MFA_CODE / EMAIL_OTP_CODE / SOFTWARE_TOKEN_MFA_CODE, ANSWER for
SELECT_MFA_TYPE (EMAIL_MFA is accepted for EMAIL_OTP, as the API reference also names it), nothing more for
MFA_SETUP once VerifySoftwareToken has verified the token in that Session. A wrong code is
CodeMismatchException "Invalid code or auth state for the user." and spends the Session (the client signs in
again), so codes cannot be guessed more often than passwords can be tried.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import mfa, mfa_user, risk, user_auth
from userpools.auth.gate import Caller, check_hash, names_user, required
from userpools.auth.outcome import completed
from userpools.auth.sessions import INVALID, ChallengeState, consume, open_session
from userpools.domain.user import User
from userpools.errors import CodeMismatchException, InvalidParameterException, NotAuthorizedException
from userpools.operations.context import Context
from userpools.operations.users_core import save_user

WRONG_CODE = "Invalid code or auth state for the user."
CODE_RESPONSE = {
    mfa.SMS_MFA: "SMS_MFA_CODE",
    mfa.EMAIL_OTP: "EMAIL_OTP_CODE",
    mfa.SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
    user_auth.SMS_OTP: "SMS_OTP_CODE",  # USER_AUTH's first-factor codes (auth.user_auth)
}
ALIASES = {"EMAIL_MFA": mfa.EMAIL_OTP}


async def answer(
    ctx: Context, who: Caller, name: str, responses: dict[str, Any], session: str | None
) -> dict[str, Any]:
    """RespondToAuthChallenge for one of ``mfa.CHALLENGES``."""
    if name == mfa.MFA_SETUP:
        state = mfa.open_setup(ctx, session, who.client_id)
    else:
        state = open_session(ctx, session, who.client_id, name)
    user = await _challenged_user(ctx, who, state, responses)
    if name == mfa.SELECT_MFA_TYPE:
        choice = required(responses, "ANSWER")
        choice = ALIASES.get(choice, choice)
        if choice not in state.extra.get("m", []):
            raise InvalidParameterException(f"ANSWER must be one of {', '.join(state.extra.get('m', []))}.")
        await consume(ctx, state)
        return await mfa.issue(ctx, who, user, choice)
    if name == mfa.MFA_SETUP:
        if not state.extra.get("v"):
            raise InvalidParameterException(
                "Associate and verify a software token (AssociateSoftwareToken, VerifySoftwareToken with "
                "this Session) before answering MFA_SETUP."
            )
        await consume(ctx, state)
        return await completed(ctx, who, user)
    code = required(responses, CODE_RESPONSE[name])
    await consume(ctx, state)
    if name == mfa.SOFTWARE_TOKEN_MFA:
        good = mfa_user.accept_code(ctx, user, code)
        if good:
            await save_user(ctx, who.rules, user)  # records the step: the code can't be reused
    else:
        good = mfa.code_matches(ctx, str(state.extra.get("i")), code, str(state.extra["c"]))
    if state.extra.get(user_auth.FIRST_FACTOR):  # a USER_AUTH sign-in code: lockout applies, no MFA follows
        return await user_auth.code_answered(ctx, who, user, good, CodeMismatchException(WRONG_CODE))
    await risk.second_factor(ctx, who, user, passed=good)  # the sign-in's auth event (issue 6)
    if not good:
        raise ctx.fail_after_commit(CodeMismatchException(WRONG_CODE))
    return await completed(ctx, who, user)


async def _challenged_user(
    ctx: Context, who: Caller, state: ChallengeState, responses: dict[str, Any]
) -> User:
    username = required(responses, "USERNAME")
    await check_hash(ctx, who, responses, username, state.username)
    user = await ctx.uow.users.by_id(state.user_id) if state.user_id is not None else None
    if user is None or not await names_user(ctx, who, username, user):
        raise NotAuthorizedException(INVALID)
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    return user
