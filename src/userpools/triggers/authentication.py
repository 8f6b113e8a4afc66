"""The PreAuthentication and PostAuthentication triggers (``*_Authentication``).

Implements user-pool-lambda-pre-authentication.html and user-pool-lambda-post-authentication.html.

- PreAuthentication runs when a sign-in starts (InitiateAuth / AdminInitiateAuth of USER_SRP_AUTH,
  USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, and CUSTOM_AUTH), before any password is looked at; never
  for refresh tokens. Request: ``userAttributes``, ``validationData`` (the request's ClientMetadata) and,
  only when the app client has PreventUserExistenceErrors ENABLED, ``userNotFound``: then it also runs for
  a username that names nobody (``userName`` is the name as typed, ``userAttributes`` empty). Without that
  setting an unknown user does not run it.
- PostAuthentication runs once the sign-in has succeeded (every factor and challenge answered), before
  the tokens are issued. Request: ``userAttributes``, ``newDeviceUsed`` (a new device was tracked: pools
  with a DeviceConfiguration) and ``clientMetadata`` (the ClientMetadata of the request that completes the
  sign-in).

Federated sign-ins (``federation.users.sign_in``) run both when the user existed already, not at an
identity's first sign-in (cognito-user-pools-working-with-lambda-triggers.html, "Lambda triggers for
federated users").

Neither reads a response field; a function error fails the sign-in (UserLambdaValidationException
"PreAuthentication failed with error <message>." / "PostAuthentication ..."), and the sign-in's writes are
rolled back. Both take plain pool and app-client documents so that every sign-in flow (the CUSTOM_AUTH
one too) can call them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from userpools.domain.user import User
from userpools.operations.context import Context
from userpools.triggers.events import user_attributes
from userpools.triggers.invoke import configured, run_trigger

PRE = "PreAuthentication_Authentication"
POST = "PostAuthentication_Authentication"


async def pre_authentication(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    user: User | None,
    *,
    username: str,
    client_metadata: Mapping[str, str] | None,
) -> None:
    """Runs PreAuthentication for a sign-in of ``user`` (None: ``username`` names nobody).

    Call it once the user has been looked up (and the SECRET_HASH checked), before the password or any
    user state is: a refusal raises and the sign-in stops there.
    """
    if configured(pool, "PreAuthentication") is None:
        return
    hides_users = client.get("PreventUserExistenceErrors") == "ENABLED"
    if user is None and not hides_users:
        return  # Cognito runs it for unknown users only when their existence is hidden
    request: dict[str, Any] = {
        "userAttributes": user_attributes(user) if user is not None else {},
        "validationData": dict(client_metadata or {}),
    }
    if hides_users:
        request["userNotFound"] = user is None
    name = user.username if user is not None else username
    await run_trigger(
        ctx, pool, "PreAuthentication", PRE, user_name=name, request=request, client_id=client["ClientId"]
    )


async def post_authentication(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    user: User,
    *,
    new_device: bool,
    client_metadata: Mapping[str, str] | None,
) -> None:
    """Runs PostAuthentication for ``user``, whose sign-in succeeded; call it before issuing the tokens."""
    if configured(pool, "PostAuthentication") is None:
        return
    request = {
        "userAttributes": user_attributes(user),
        "newDeviceUsed": new_device,
        "clientMetadata": dict(client_metadata or {}),
    }
    await run_trigger(
        ctx, pool, "PostAuthentication", POST, user_name=user.username, request=request,
        client_id=client["ClientId"],
    )  # fmt: skip
