"""Legacy per-user MFA settings: AdminSetUserSettings (and SetUserSettings, registered in self_service).

Implements API_AdminSetUserSettings.html / API_SetUserSettings.html: ``MFAOptions`` is stored on the user and
returned by AdminGetUser / GetUser. Stored options count as SMS MFA turned on (``auth.mfa_user.enabled``):
sign-in then answers SMS_MFA when the pool's MFA is ON or OPTIONAL with SMS MFA.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import InvalidParameterException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import load_user, rules_of, save_user


def check_mfa_options(options: list[dict[str, Any]]) -> list[dict[str, str]]:
    """MFAOptions as stored: only SMS to ``phone_number`` (the one legacy MFA option), each once."""
    out: list[dict[str, str]] = []
    for option in options:
        medium, attribute = option.get("DeliveryMedium"), option.get("AttributeName")
        if medium != "SMS" or attribute != "phone_number":
            raise InvalidParameterException(
                "Only the SMS delivery medium to the phone_number attribute is supported in MFAOptions."
            )
        entry = {"DeliveryMedium": "SMS", "AttributeName": "phone_number"}
        if entry not in out:
            out.append(entry)
    return out


async def apply_mfa_options(
    ctx: Context, rules: PoolRules, user: User, options: list[dict[str, Any]]
) -> None:
    """Stores ``options`` (an empty list clears them)."""
    stored = check_mfa_options(options)
    if stored:
        user.settings["MFAOptions"] = stored
    else:
        user.settings.pop("MFAOptions", None)
    await save_user(ctx, rules, user)


@operation("AdminSetUserSettings", write=True)
async def admin_set_user_settings(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminSetUserSettings: the user's legacy MFAOptions, set by an administrator."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    user = await load_user(ctx, pool, req["Username"])
    await apply_mfa_options(ctx, rules_of(pool), user, req["MFAOptions"])
    return {}
