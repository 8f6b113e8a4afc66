"""User operations on one user: AdminGetUser, AdminDeleteUser, AdminEnableUser, AdminDisableUser,
AdminConfirmSignUp. Also re-exports the user contract other families use (``load_user``, ``user_type``,
``create_user``, ``User``).

Creation and attribute writes are in ``users_admin``, passwords in ``users_password``, ListUsers in
``users_list``.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.attributes import to_wire
from userpools.domain.user import CONFIRMED, UNCONFIRMED, User
from userpools.errors import NotAuthorizedException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import create_user, load_user, rules_of, save_user, user_type
from userpools.triggers.confirmation import post_confirmation

__all__ = ["User", "create_user", "load_user", "user_type"]


async def _target(ctx: Context, req: dict[str, Any]) -> tuple[dict[str, Any], User]:
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    return pool, await load_user(ctx, pool, req["Username"])


@operation("AdminGetUser", write=False)
async def admin_get_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminGetUser: the profile, status and MFA settings of one user."""
    _pool, user = await _target(ctx, req)
    out: dict[str, Any] = {
        "Username": user.username,
        "UserAttributes": to_wire(user.attributes),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }
    for name in ("MFAOptions", "PreferredMfaSetting", "UserMFASettingList"):
        if user.settings.get(name):
            out[name] = user.settings[name]
    return out


@operation("AdminDeleteUser", write=True)
async def admin_delete_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminDeleteUser: removes the user with its credentials, codes and group memberships."""
    _pool, user = await _target(ctx, req)
    await ctx.uow.users.delete(user.id)
    return {}


@operation("AdminDisableUser", write=True)
async def admin_disable_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminDisableUser: the user can no longer sign in (``User is disabled.``)."""
    return await _set_enabled(ctx, req, enabled=False)


@operation("AdminEnableUser", write=True)
async def admin_enable_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminEnableUser."""
    return await _set_enabled(ctx, req, enabled=True)


async def _set_enabled(ctx: Context, req: dict[str, Any], *, enabled: bool) -> dict[str, Any]:
    pool, user = await _target(ctx, req)
    if user.enabled != enabled:
        user.enabled = enabled
        await save_user(ctx, rules_of(pool), user)
    return {}


@operation("AdminConfirmSignUp", write=True)
async def admin_confirm_sign_up(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminConfirmSignUp: UNCONFIRMED → CONFIRMED without a code; runs PostConfirmation_ConfirmSignUp."""
    pool, user = await _target(ctx, req)
    if user.status != UNCONFIRMED:
        raise NotAuthorizedException(f"User cannot be confirmed. Current status is {user.status}")
    user.status = CONFIRMED
    await save_user(ctx, rules_of(pool), user)
    await post_confirmation(ctx, pool, user, "PostConfirmation_ConfirmSignUp", req, None)
    return {}
