"""Administrator password operations: AdminSetUserPassword, AdminResetUserPassword.

See API_AdminSetUserPassword.html and API_AdminResetUserPassword.html. Only an SRP verifier is stored.
Difference: AdminResetUserPassword does not invoke the CustomMessage trigger.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import messages
from userpools.domain.user import CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED
from userpools.errors import InvalidParameterException, PasswordHistoryPolicyViolationException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.recovery import NO_CONTACT, recovery_attribute, send_reset_code
from userpools.operations.registry import operation
from userpools.operations.users_core import (
    check_password,
    load_user,
    password_reused,
    rules_of,
    save_user,
    set_password,
)


@operation("AdminSetUserPassword", write=True)
async def admin_set_user_password(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminSetUserPassword: Permanent → CONFIRMED, otherwise FORCE_CHANGE_PASSWORD (temporary)."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    rules = rules_of(pool)
    user = await load_user(ctx, pool, req["Username"])
    password = req["Password"]
    check_password(rules, password)
    permanent = bool(req.get("Permanent"))
    if await password_reused(ctx, rules, user, password):
        raise PasswordHistoryPolicyViolationException(
            "The password has been used recently. Choose a password that was not used before."
        )
    await set_password(ctx, rules, user, password, temporary=not permanent)
    await ctx.uow.users.delete_code(user.id, messages.FORGOT_PASSWORD)
    user.status = CONFIRMED if permanent else FORCE_CHANGE_PASSWORD
    await save_user(ctx, rules, user)
    return {}


@operation("AdminResetUserPassword", write=True)
async def admin_reset_user_password(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminResetUserPassword: RESET_REQUIRED, and a reset code sent per AccountRecoverySetting.

    The code takes the same path as ForgotPassword's (``recovery.send_reset_code``).
    """
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    rules = rules_of(pool)
    user = await load_user(ctx, pool, req["Username"])
    attribute = recovery_attribute(rules, pool, user)
    if attribute is None:
        raise InvalidParameterException(NO_CONTACT)
    user.status = RESET_REQUIRED
    await save_user(ctx, rules, user)
    await send_reset_code(ctx, rules, user, attribute)
    return {}
