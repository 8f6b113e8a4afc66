"""The PreSignUp trigger (PreSignUp_SignUp, PreSignUp_AdminCreateUser).

Implements user-pool-lambda-pre-sign-up.html: the function sees the new user's attributes, validationData
and clientMetadata; for SignUp, ``autoConfirmUser`` confirms the user and ``autoVerifyEmail`` /
``autoVerifyPhone`` mark the attribute verified (it must be present), an auto-verified alias taking the
alias from whoever held it; an auto-confirmed user then goes through PostConfirmation_ConfirmSignUp.
AdminCreateUser ignores the response fields (the trigger can only refuse).
The function runs before the new user is written (``userName`` is the internal username it will have), so
a slow function holds no write (docs/faults.md); a name taken while it ran is UsernameExistsException.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import CONFIRMED, User
from userpools.errors import InvalidParameterException
from userpools.operations.context import Context
from userpools.triggers.confirmation import post_confirmation
from userpools.triggers.events import flag, name_values
from userpools.triggers.invoke import run_trigger


async def pre_sign_up(
    ctx: Context,
    pool: dict[str, Any],
    user: User,
    source: str,
    req: dict[str, Any],
    *,
    client_id: str | None,
) -> dict[str, Any] | None:
    """Invokes PreSignUp for ``user`` (``source``: PreSignUp_SignUp / _AdminCreateUser); its response."""
    request: dict[str, Any] = {
        "userAttributes": {k: v for k, v in user.attributes.items() if k != "sub"},
        "validationData": name_values(req.get("ValidationData")),
        "clientMetadata": req.get("ClientMetadata") or {},
    }
    response = {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    return await run_trigger(
        ctx, pool, "PreSignUp", source, user_name=user.username, request=request, client_id=client_id,
        response=response,
    )  # fmt: skip


def apply_sign_up_response(user: User, response: dict[str, Any]) -> bool:
    """Applies a PreSignUp_SignUp response to ``user``; True when an attribute was auto-verified."""
    confirm = flag(response, "autoConfirmUser")
    verified = False
    for field, attribute in (("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number")):
        if flag(response, field):
            if not user.attributes.get(attribute):
                raise InvalidParameterException(
                    f"{field} is set but the user has no {attribute} attribute to verify."
                )
            user.attributes[f"{attribute}_verified"] = "true"
            verified = True
    if confirm:
        user.status = CONFIRMED
    return verified


async def sign_up_trigger(
    ctx: Context, pool: dict[str, Any], user: User, req: dict[str, Any], client_id: str
) -> bool:
    """SignUp's PreSignUp_SignUp on the new, not yet stored ``user``: applies what the response changes.

    True when an attribute was auto-verified (its alias then moves to the new user). An auto-confirmed
    user goes through PostConfirmation once stored (``confirmed_by_trigger``).
    """
    response = await pre_sign_up(ctx, pool, user, "PreSignUp_SignUp", req, client_id=client_id)
    return False if response is None else apply_sign_up_response(user, response)


async def confirmed_by_trigger(
    ctx: Context, pool: dict[str, Any], user: User, req: dict[str, Any], client_id: str
) -> None:
    """PostConfirmation_ConfirmSignUp for a user PreSignUp auto-confirmed, after it is stored."""
    if user.status == CONFIRMED:
        await post_confirmation(ctx, pool, user, "PostConfirmation_ConfirmSignUp", req, client_id)
