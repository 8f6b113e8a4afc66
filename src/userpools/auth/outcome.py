"""What follows a verified password: tokens, or the NEW_PASSWORD_REQUIRED challenge.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
Differences (until issue 4): MFA is not evaluated (a pool with MfaConfiguration ON, or a user with MFA
enabled, signs in without an MFA challenge) and remembered devices are not tracked (DEVICE_KEY is
accepted and ignored, no NewDeviceMetadata).
"""

from __future__ import annotations

from typing import Any

from userpools.auth import tokens
from userpools.auth.gate import Caller
from userpools.auth.new_password import challenge as new_password_challenge
from userpools.domain.user import FORCE_CHANGE_PASSWORD, User
from userpools.errors import NotAuthorizedException
from userpools.operations.context import Context
from userpools.store.auth_state import SignInSecrets

TEMPORARY_EXPIRED = "Temporary password has expired and must be reset by an administrator."


async def signed_in(ctx: Context, who: Caller, user: User, secrets: SignInSecrets) -> dict[str, Any]:
    """The InitiateAuth / RespondToAuthChallenge answer once ``user``'s password has been proven."""
    if user.status == FORCE_CHANGE_PASSWORD:
        if secrets.temporary and secrets.expires is not None and ctx.now > secrets.expires:
            raise NotAuthorizedException(TEMPORARY_EXPIRED)
        return new_password_challenge(ctx, who, user)
    result = await tokens.issue_tokens(
        ctx, who.pool, who.client, user, source="TokenGeneration_Authentication", auth_time=ctx.now
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": result}
