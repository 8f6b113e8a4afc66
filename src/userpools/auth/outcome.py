"""What follows a verified password: NEW_PASSWORD_REQUIRED, an MFA challenge, or tokens.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow.html
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
``signed_in`` runs after the first factor (SRP or password); ``completed`` issues the tokens once every
factor is proven (also called by the MFA answers in ``auth.mfa_answer``).
Remembered devices (``auth.devices``): ``completed`` asks for DEVICE_SRP_AUTH or adds NewDeviceMetadata.
Lambda triggers: PostAuthentication runs in ``completed`` just before the tokens (``newDeviceUsed``: a new
device is being tracked); a refusal fails the sign-in and forgets that device. PreTokenGeneration gets
the request's ClientMetadata.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from userpools.auth import devices, mfa, risk, tokens
from userpools.auth.gate import Caller
from userpools.auth.new_password import challenge as new_password_challenge
from userpools.domain.user import FORCE_CHANGE_PASSWORD, User
from userpools.errors import NotAuthorizedException, ServiceError
from userpools.operations.context import Context
from userpools.store.auth_state import SignInSecrets
from userpools.triggers.authentication import post_authentication

TEMPORARY_EXPIRED = "Temporary password has expired and must be reset by an administrator."


async def signed_in(
    ctx: Context,
    who: Caller,
    user: User,
    secrets: SignInSecrets,
    then: Callable[[], Awaitable[dict[str, Any]]] | None = None,
    verdict: risk.Verdict | None = None,
) -> dict[str, Any]:
    """The InitiateAuth / RespondToAuthChallenge answer once ``user``'s password has been proven.

    ``then`` stands for the tokens when no challenge is due (CUSTOM_AUTH asks DefineAuthChallenge again).
    ``verdict``: threat protection's assessment (``auth.risk``; None when off): adaptive MFA, and the
    sign-in's auth event, recorded once the next step is known.
    """
    result = await _next_step(ctx, who, user, secrets, then, verdict)
    if verdict is not None:
        await risk.finished(ctx, who, user, verdict, result)
    return result


async def _next_step(
    ctx: Context,
    who: Caller,
    user: User,
    secrets: SignInSecrets,
    then: Callable[[], Awaitable[dict[str, Any]]] | None,
    verdict: risk.Verdict | None,
) -> dict[str, Any]:
    if user.status == FORCE_CHANGE_PASSWORD:
        if secrets.temporary and secrets.expires is not None and ctx.now > secrets.expires:
            raise NotAuthorizedException(TEMPORARY_EXPIRED)
        return new_password_challenge(ctx, who, user)
    adaptive = verdict is not None and verdict.action in risk.MFA_ACTIONS
    # A remembered device stands in for the second factor (DeviceConfiguration.ChallengeRequiredOnNewDevice);
    # ``completed`` then makes it prove itself with DEVICE_SRP_AUTH before any token. Not so when threat
    # protection asks for MFA.
    if adaptive or not await devices.remembered(ctx, user, devices.offered_key()):
        # Second factor: SMS_MFA / SOFTWARE_TOKEN_MFA / EMAIL_OTP / SELECT_MFA_TYPE / MFA_SETUP, or none.
        second = await mfa.challenge(ctx, who, user)
        if second is None and adaptive and verdict is not None:
            second = await risk.adaptive_mfa(ctx, who, user, verdict)
        if second is not None:
            return second
    return await (then() if then is not None else completed(ctx, who, user))


async def completed(ctx: Context, who: Caller, user: User) -> dict[str, Any]:
    """Tokens for a user who has proven every factor the pool requires."""
    # Remembered devices (issue 4 §2, auth.devices): DEVICE_SRP_AUTH for a confirmed device, else
    # NewDeviceMetadata for a new one (SRP sign-ins of pools with a DeviceConfiguration).
    step = await devices.before_tokens(ctx, who, user)
    if step.challenge is not None:
        return step.challenge
    try:  # Lambda trigger: PostAuthentication
        await post_authentication(ctx, who.pool, who.client, user, new_device=step.new_metadata is not None,
                                  client_metadata=who.client_metadata)  # fmt: skip
    except ServiceError:
        if step.device_key is not None:
            # An SRP answer commits even when refused (its SECRET_BLOCK stays spent): drop the new device.
            await ctx.uow.devices.forget(step.device_key)
        raise
    if who.hosted is not None:  # a hosted UI sign-in: the session and the authorize answer instead
        return await who.hosted(ctx, user)
    result = await tokens.issue_tokens(
        ctx,
        who.pool,
        who.client,
        user,
        source="TokenGeneration_Authentication",
        auth_time=ctx.now,
        device_key=step.device_key,
        client_metadata=who.client_metadata,
    )
    return {"ChallengeParameters": {}, "AuthenticationResult": devices.add_metadata(result, step)}
