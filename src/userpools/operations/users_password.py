"""Administrator password operations: AdminSetUserPassword, AdminResetUserPassword.

See API_AdminSetUserPassword.html and API_AdminResetUserPassword.html. Only an SRP verifier is stored.
Difference: AdminResetUserPassword does not invoke the CustomMessage trigger.
"""

from __future__ import annotations

from typing import Any

from userpools.crypto import code_digest
from userpools.domain import messages
from userpools.domain.user import CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import InvalidParameterException, PasswordHistoryPolicyViolationException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import (
    check_password,
    load_user,
    password_reused,
    rules_of,
    save_user,
    set_password,
)
from userpools.ports import Message

RESET_CODE_TTL = 3600.0  # forgot-password codes are valid 1 h


@operation("AdminSetUserPassword", write=True)
async def admin_set_user_password(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminSetUserPassword: Permanent → CONFIRMED, otherwise FORCE_CHANGE_PASSWORD (temporary)."""
    pool = await load_pool(ctx, req["UserPoolId"])
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
    """API_AdminResetUserPassword: RESET_REQUIRED, and a reset code sent per AccountRecoverySetting."""
    pool = await load_pool(ctx, req["UserPoolId"])
    rules = rules_of(pool)
    user = await load_user(ctx, pool, req["Username"])
    channel = recovery_channel(rules, user)
    if channel is None:
        raise InvalidParameterException(
            "Cannot reset password for the user as there is no registered/verified email or phone_number"
        )
    code = "".join(ctx.random.choice("0123456789") for _ in range(6))
    purpose = messages.FORGOT_PASSWORD
    now = ctx.now
    await ctx.uow.users.put_code(
        user.id, purpose, code_digest(purpose, user.sub, code), now + RESET_CODE_TTL, now
    )
    user.status = RESET_REQUIRED
    await save_user(ctx, rules, user)
    subject, template = messages.code_message(rules.verification_template, channel)
    body = messages.render(template, code=code, username=user.username)
    destination = user.attributes["email" if channel == "email" else "phone_number"]
    ctx.send_later(
        Message(channel, rules.pool_id, user.username, destination, body, subject, "forgot_password")
    )
    return {}


def recovery_channel(rules: PoolRules, user: User) -> str | None:
    """The first verified contact in AccountRecoverySetting priority order: ``email``, ``sms`` or None."""
    for name, _priority in sorted(rules.recovery, key=lambda m: m[1]):
        if name == "verified_email" and user.verified("email"):
            return "email"
        if name == "verified_phone_number" and user.verified("phone_number"):
            return "sms"
    return None
