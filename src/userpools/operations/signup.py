"""Self-service sign-up: SignUp, ConfirmSignUp, ResendConfirmationCode.

Implements API_SignUp.html, API_ConfirmSignUp.html and API_ResendConfirmationCode.html (and the developer
guide's "Signing up and confirming user accounts" and "Managing user existence error responses").
Lambda triggers: PreSignUp_SignUp, PostConfirmation_ConfirmSignUp and CustomMessage_SignUp / _ResendCode
run (triggers/). Known differences: passwordless sign-up (no Password) is refused;
ConfirmSignUp never returns a ``Session`` (USER_AUTH's sign-in right after confirmation is not
supported). A CONFIRM_WITH_LINK email links to
the hosted page ``/confirmUser`` of the pool's domain (``web.hosted.confirm_link``); a pool without a domain
gets a link to the public URL, which serves no such page (Cognito needs a domain for links too).
"""

from __future__ import annotations

from typing import Any

from userpools.auth import risk
from userpools.auth.secret_hash import check_secret_hash
from userpools.domain import codes
from userpools.domain.attributes import from_wire
from userpools.domain.client_config import NEVER_WRITABLE
from userpools.domain.user import CONFIRMED, UNCONFIRMED, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    UserNotFoundException,
)
from userpools.operations import user_codes
from userpools.operations.clients import client_not_found
from userpools.operations.context import Context
from userpools.operations.registry import operation
from userpools.operations.users_core import (
    check_password,
    find_user,
    new_user,
    rules_of,
    save_user,
    set_password,
    store_new_user,
)
from userpools.triggers.confirmation import post_confirmation
from userpools.triggers.sign_up import confirmed_by_trigger, sign_up_trigger

NO_SUCH_USER = "Username/client id combination not found."
DISABLED = "User is disabled."


class AppClient:
    """The app client a public (unsigned) request names, its pool and the pool's user rules."""

    def __init__(self, client: dict[str, Any], pool: dict[str, Any]) -> None:
        self.client = client
        self.pool = pool
        self.rules: PoolRules = rules_of(pool)

    @property
    def id(self) -> str:
        return str(self.client["ClientId"])

    @property
    def hides_users(self) -> bool:
        """PreventUserExistenceErrors=ENABLED: never reveal whether a user exists."""
        return self.client.get("PreventUserExistenceErrors") == "ENABLED"


async def app_client(ctx: Context, client_id: str) -> AppClient:
    """The client by ClientId alone (ResourceNotFoundException as Cognito words it)."""
    found = await ctx.uow.clients.with_pool(client_id)
    if found is None:
        raise client_not_found(client_id)
    return AppClient(*found)


async def named_user(ctx: Context, app: AppClient, req: dict[str, Any]) -> User | None:
    """The user ``req["Username"]`` names (username or active alias), after checking SecretHash."""
    user = await find_user(ctx, app.rules, req["Username"])
    names = [req["Username"]] + ([user.username] if user is not None else [])
    await check_secret_hash(ctx, app.client, names, req.get("SecretHash"))
    return user


def check_client_writes(client: dict[str, Any], attributes: dict[str, str]) -> None:
    """Refuses attributes the app client may not write (its WriteAttributes; never the *_verified flags)."""
    allowed = client.get("WriteAttributes")
    for name in attributes:
        if name in NEVER_WRITABLE or name.startswith("dev:") or (allowed and name not in allowed):
            raise NotAuthorizedException("A client attempted to write unauthorized attribute")


@operation("SignUp", write=True)
async def sign_up(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_SignUp: a new UNCONFIRMED user with a password; a confirmation code when the pool auto-verifies."""
    app = await app_client(ctx, req["ClientId"])
    rules = app.rules
    await check_secret_hash(ctx, app.client, [req["Username"]], req.get("SecretHash"))
    if (app.pool.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly"):
        raise NotAuthorizedException("SignUp is not permitted for this user pool")
    password = req.get("Password")
    if password is None:
        raise InvalidParameterException("Password is required: passwordless sign-up is not enabled.")
    check_password(rules, password)
    await risk.check_new_password(ctx, app.pool, app.id, password, "SIGN_UP")  # threat protection
    attributes = from_wire(req.get("UserAttributes", []))
    check_client_writes(app.client, attributes)
    exists = "User already exists"
    user = await new_user(ctx, rules, req["Username"], attributes, UNCONFIRMED, exists=exists)
    # Lambda trigger PreSignUp_SignUp, before any write: a slow function holds up no other writer.
    verified = await sign_up_trigger(ctx, app.pool, user, req, app.id)
    await store_new_user(ctx, rules, user, force_alias=verified, exists=exists)
    await set_password(ctx, rules, user, password, temporary=False, new_user=True)
    await confirmed_by_trigger(ctx, app.pool, user, req, app.id)  # PostConfirmation_ConfirmSignUp
    await risk.record_event(ctx, app.pool, user, "SignUp", "Pass", req.get("UserContextData"), password)
    out: dict[str, Any] = {"UserConfirmed": user.status == CONFIRMED, "UserSub": user.sub}
    attribute = codes.sign_up_attribute(rules, user)
    if attribute is not None and user.status != CONFIRMED:
        out["CodeDeliveryDetails"] = await user_codes.send(
            ctx, rules, user, attribute, codes.SIGN_UP, "sign_up", client_id=app.id,
            client_metadata=req.get("ClientMetadata"),
        )  # fmt: skip
    return out


@operation("ConfirmSignUp", write=True)
async def confirm_sign_up(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ConfirmSignUp: the sign-up code confirms the user and verifies the attribute it was sent to.

    That attribute becomes an active sign-in alias; one held by another user raises AliasExistsException
    unless ForceAliasCreation moves it here. Codes: single use, 24 h, five wrong tries.
    """
    app = await app_client(ctx, req["ClientId"])
    user = await named_user(ctx, app, req)
    if user is None or not user.enabled:
        if app.hides_users:
            raise CodeMismatchException(user_codes.WRONG_CODE)
        if user is None:
            raise UserNotFoundException(NO_SUCH_USER)
        raise NotAuthorizedException(DISABLED)
    if user.status != UNCONFIRMED:
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
    await user_codes.redeem(ctx, user, codes.SIGN_UP, req["ConfirmationCode"])
    user.status = CONFIRMED
    attribute = codes.sign_up_attribute(app.rules, user)
    if attribute is not None:
        user.attributes[f"{attribute}_verified"] = "true"
    await save_user(ctx, app.rules, user, move_aliases=bool(req.get("ForceAliasCreation")))
    await post_confirmation(ctx, app.pool, user, "PostConfirmation_ConfirmSignUp", req, app.id)  # Lambda
    return {}


@operation("ResendConfirmationCode", write=True)
async def resend_confirmation_code(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ResendConfirmationCode: a new sign-up code (the old one stops working); 5 an hour per user."""
    app = await app_client(ctx, req["ClientId"])
    user = await named_user(ctx, app, req)
    if user is None or not user.enabled:
        if app.hides_users:
            return {"CodeDeliveryDetails": user_codes.simulated(ctx, app.rules, req["Username"])}
        if user is None:
            raise UserNotFoundException(NO_SUCH_USER)
        raise NotAuthorizedException(DISABLED)
    if user.status != UNCONFIRMED:
        raise InvalidParameterException("User is already confirmed.")
    attribute = codes.sign_up_attribute(app.rules, user)
    if attribute is None:
        raise InvalidParameterException("Cannot resend codes. Auto verification not turned on.")
    await user_codes.limit_requests(ctx, user, "resend")
    details = await user_codes.send(
        ctx, app.rules, user, attribute, codes.SIGN_UP, "resend_code", client_id=app.id,
        client_metadata=req.get("ClientMetadata"),
    )  # fmt: skip
    await risk.record_event(ctx, app.pool, user, "ResendCode", "Pass", req.get("UserContextData"))
    return {"CodeDeliveryDetails": details}
