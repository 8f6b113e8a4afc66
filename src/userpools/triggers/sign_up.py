"""The PreSignUp trigger (PreSignUp_SignUp, PreSignUp_AdminCreateUser).

Implements user-pool-lambda-pre-sign-up.html: the function sees the new user's attributes, validationData
and clientMetadata; for SignUp, ``autoConfirmUser`` confirms the user and ``autoVerifyEmail`` /
``autoVerifyPhone`` mark the attribute verified (it must be present), an auto-verified alias taking the
alias from whoever held it; an auto-confirmed user then goes through PostConfirmation_ConfirmSignUp.
AdminCreateUser ignores the response fields (the trigger can only refuse).
Difference: the function runs once the new user is written inside the request's transaction (so
``userName`` is the internal username); a refusal rolls the user back.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import CONFIRMED, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import InvalidParameterException
from userpools.operations.context import Context
from userpools.operations.users_core import save_user
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
    ctx: Context, pool: dict[str, Any], rules: PoolRules, user: User, req: dict[str, Any], client_id: str
) -> None:
    """SignUp's PreSignUp_SignUp: invoke, then store what the response changed on the new user."""
    response = await pre_sign_up(ctx, pool, user, "PreSignUp_SignUp", req, client_id=client_id)
    if response is None:
        return
    verified = apply_sign_up_response(user, response)
    if verified or user.status == CONFIRMED:
        await save_user(ctx, rules, user, move_aliases=verified)
    if user.status == CONFIRMED:  # an auto-confirmed user is confirmed: PostConfirmation follows
        await post_confirmation(ctx, pool, user, "PostConfirmation_ConfirmSignUp", req, client_id)
