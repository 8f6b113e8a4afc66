"""Self-service password recovery: ForgotPassword and ConfirmForgotPassword.

Implements API_ForgotPassword.html and API_ConfirmForgotPassword.html (developer guide: "Passwords, account
recovery, and password policies", "Managing user existence error responses"). The code goes to the first
verified contact in AccountRecoverySetting order (without the setting: a verified phone, then a verified
email, Cognito's legacy order); with an explicit setting a phone used for SMS MFA doesn't qualify.
AdminResetUserPassword (users_password) sends its code through ``send_reset_code`` here.
Lambda triggers: UserMigration_ForgotPassword creates a user the name doesn't find (RESET_REQUIRED,
``triggers.migration``), CustomMessage_ForgotPassword (the code message) and
PostConfirmation_ConfirmForgotPassword run. Known difference: ``admin_only`` pools answer
NotAuthorizedException (Cognito's exact wording is not documented).
"""

from __future__ import annotations

from typing import Any

from userpools.auth import risk
from userpools.domain import codes
from userpools.domain.user import CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, UNCONFIRMED, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import (
    CodeMismatchException,
    InvalidParameterException,
    NotAuthorizedException,
    PasswordHistoryPolicyViolationException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from userpools.operations import user_codes
from userpools.operations.context import Context
from userpools.operations.registry import operation
from userpools.operations.signup import DISABLED, NO_SUCH_USER, app_client, named_user
from userpools.operations.users_core import check_password, password_reused, save_user, set_password
from userpools.triggers.confirmation import post_confirmation
from userpools.triggers.migration import migrate_user

NO_CONTACT = "Cannot reset password for the user as there is no registered/verified email or phone_number"
WRONG_STATE = "User password cannot be reset in the current state."
HISTORY = "The password has been used recently. Choose a password that was not used before."


def recovery_attribute(rules: PoolRules, pool: dict[str, Any], user: User) -> str | None:
    """``email`` / ``phone_number``: the first verified contact in recovery order, or None."""
    explicit = bool((pool.get("AccountRecoverySetting") or {}).get("RecoveryMechanisms"))
    for name, _priority in sorted(rules.recovery, key=lambda m: m[1]):
        if name == "verified_email" and user.verified("email"):
            return "email"
        if name == "verified_phone_number" and user.verified("phone_number"):
            if explicit and _uses_sms_mfa(user):
                continue
            return "phone_number"
    return None


def _uses_sms_mfa(user: User) -> bool:
    return "SMS_MFA" in (user.settings.get("UserMFASettingList") or []) or any(
        option.get("DeliveryMedium") == "SMS" for option in user.settings.get("MFAOptions") or []
    )


def admin_only(rules: PoolRules) -> bool:
    return any(name == "admin_only" for name, _ in rules.recovery)


async def send_reset_code(
    ctx: Context, rules: PoolRules, user: User, attribute: str, req: dict[str, Any] | None = None
) -> dict[str, str]:
    """Issues the user's password-reset code (1 h) and sends it to ``attribute``.

    ``req`` (ForgotPassword's) gives the CustomMessage trigger its ClientMetadata and app client.
    """
    req = req or {}
    return await user_codes.send(
        ctx, rules, user, attribute, codes.FORGOT_PASSWORD, "forgot_password",
        client_metadata=req.get("ClientMetadata"), caller=req.get("ClientId"),
    )  # fmt: skip


@operation("ForgotPassword", write=True)
async def forgot_password(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ForgotPassword: a reset code to a verified contact; the user's status doesn't change."""
    app = await app_client(ctx, req["ClientId"])
    rules = app.rules
    user = await named_user(ctx, app, req)
    if admin_only(rules):
        raise NotAuthorizedException("Password reset is only possible by an administrator in this user pool.")
    migrated = None
    if user is None:  # Lambda trigger: UserMigration_ForgotPassword
        user = migrated = await migrate_user(ctx, app.pool, app.id, req["Username"], password=None,
                                             client_metadata=req.get("ClientMetadata"))  # fmt: skip
    if user is None or not user.enabled:
        if app.hides_users:
            return {"CodeDeliveryDetails": user_codes.simulated(ctx, rules, req["Username"])}
        if user is None:
            raise UserNotFoundException(NO_SUCH_USER)
        raise NotAuthorizedException(DISABLED)
    if user.status not in (CONFIRMED, RESET_REQUIRED, UNCONFIRMED):
        raise NotAuthorizedException(WRONG_STATE)
    attribute = recovery_attribute(rules, app.pool, user)
    if attribute is None:
        # A user just migrated without a verified contact could never reset: it is not kept (and the
        # function's answer has told the caller the user exists anyway).
        if app.hides_users and migrated is None:
            return {"CodeDeliveryDetails": user_codes.simulated(ctx, rules, req["Username"])}
        raise InvalidParameterException(NO_CONTACT)
    await user_codes.limit_requests(ctx, user, "forgot")
    details = await send_reset_code(ctx, rules, user, attribute, req)
    await risk.record_event(ctx, app.pool, user, "ForgotPassword", "Pass", req.get("UserContextData"))
    return {"CodeDeliveryDetails": details}


@operation("ConfirmForgotPassword", write=True)
async def confirm_forgot_password(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ConfirmForgotPassword: the reset code and a new password (policy and history) → CONFIRMED."""
    app = await app_client(ctx, req["ClientId"])
    rules = app.rules
    user = await named_user(ctx, app, req)
    if user is None or not user.enabled:
        if app.hides_users:
            raise CodeMismatchException(user_codes.WRONG_CODE)
        if user is None:
            raise UserNotFoundException(NO_SUCH_USER)
        raise NotAuthorizedException(DISABLED)
    if user.status == FORCE_CHANGE_PASSWORD:
        raise NotAuthorizedException(WRONG_STATE)
    if user.status == UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    password = req["Password"]
    check_password(rules, password)
    await risk.check_new_password(ctx, app.pool, app.id, password, "PASSWORD_CHANGE")  # threat protection
    await user_codes.redeem(ctx, user, codes.FORGOT_PASSWORD, req["ConfirmationCode"])
    if await password_reused(ctx, rules, user, password):
        raise PasswordHistoryPolicyViolationException(HISTORY)
    await set_password(ctx, rules, user, password, temporary=False)
    user.status = CONFIRMED
    await save_user(ctx, rules, user)
    await risk.record_event(
        ctx, app.pool, user, "PasswordChange", "Pass", req.get("UserContextData"), password
    )
    # Lambda trigger: PostConfirmation
    await post_confirmation(ctx, app.pool, user, "PostConfirmation_ConfirmForgotPassword", req, app.id)
    return {}
