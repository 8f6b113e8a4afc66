"""The signed-in user's own operations, authorized by an AccessToken: GetUser, UpdateUserAttributes,
DeleteUserAttributes, DeleteUser, ChangePassword, GetUserAttributeVerificationCode, VerifyUserAttribute,
SetUserSettings.

Implements the API reference pages of the same names. Attribute reads and writes obey the token's app
client (ReadAttributes / WriteAttributes; ``dev:`` attributes and the ``*_verified`` flags are never
client-writable). A changed email / phone becomes unverified and, when auto-verified, gets a code; with
UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate the old value stays in force until
the new one is verified (the new value waits in the user's settings, ``PendingAttributes``).
Known differences: the CustomMessage trigger is not invoked; SetUserSettings' MFAOptions are stored only.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from userpools.auth import risk
from userpools.auth.access import AccessGrant, authenticate
from userpools.crypto import srp
from userpools.domain import codes
from userpools.domain.attributes import check_deletes, check_writes, from_wire, missing_required, to_wire
from userpools.domain.user import RESET_REQUIRED, UNCONFIRMED, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import (
    InvalidParameterException,
    LimitExceededException,
    NotAuthorizedException,
    PasswordHistoryPolicyViolationException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
)
from userpools.operations import user_codes
from userpools.operations.context import Context
from userpools.operations.recovery import HISTORY
from userpools.operations.registry import operation
from userpools.operations.signup import check_client_writes
from userpools.operations.user_settings import apply_mfa_options
from userpools.operations.users_core import (
    check_password,
    password_reused,
    rules_of,
    save_user,
    set_password,
)

PENDING = "PendingAttributes"
WRONG_PASSWORD = "Incorrect username or password."


class SignedIn:
    """The caller behind an AccessToken: pool rules, user and app client."""

    def __init__(self, grant: AccessGrant, client: dict[str, Any], pool_doc: bool = True) -> None:
        self.pool = grant.pool
        self.user: User = grant.user
        self.client = client
        self._pool_doc = pool_doc

    @cached_property
    def rules(self) -> PoolRules:
        if not self._pool_doc:
            raise RuntimeError("signed_in(..., pool_doc=False) read no pool configuration")
        return rules_of(self.pool)


async def signed_in(ctx: Context, access_token: str, *, pool_doc: bool = True) -> SignedIn:
    """Authenticates the token and refuses users who may not act (unconfirmed, password reset pending).

    ``pool_doc`` False skips reading the pool's configuration (``SignedIn.rules`` is then unavailable).
    """
    grant = await authenticate(ctx, access_token, pool_doc=pool_doc)
    client = grant.client
    if client is None:
        raise NotAuthorizedException("Invalid Access Token")
    if grant.user.status == RESET_REQUIRED:
        raise PasswordResetRequiredException("Password reset required for the user")
    if grant.user.status == UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    return SignedIn(grant, client, pool_doc)


def readable(client: dict[str, Any], attributes: dict[str, str]) -> dict[str, str]:
    """The attributes the client may read (all but ``dev:`` ones when ReadAttributes is unset)."""
    allowed = client.get("ReadAttributes")
    return {
        name: value
        for name, value in attributes.items()
        if not name.startswith("dev:") and (not allowed or name in allowed or name == "sub")
    }


@operation("GetUser", write=False)
async def get_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_GetUser: the signed-in user's username, readable attributes and MFA settings."""
    me = await signed_in(ctx, req["AccessToken"], pool_doc=False)
    return {
        "Username": me.user.username,
        "UserAttributes": to_wire(readable(me.client, me.user.attributes)),
        **_mfa_settings(me.user),
    }


def _mfa_settings(user: User) -> dict[str, Any]:
    """The MFA members GetUser answers with (only those set)."""
    names = ("MFAOptions", "PreferredMfaSetting", "UserMFASettingList")
    return {name: user.settings[name] for name in names if user.settings.get(name)}


@operation("UpdateUserAttributes", write=True)
async def update_user_attributes(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_UpdateUserAttributes: writes attributes; a new email/phone is verified by a code."""
    me = await signed_in(ctx, req["AccessToken"])
    user, rules = me.user, me.rules
    given = from_wire(req["UserAttributes"])
    check_client_writes(me.client, given)
    changes = check_writes(rules.schema, given, creating=False)
    held = _require_verification(me.pool)
    pending: dict[str, str] = dict(user.settings.get(PENDING) or {})
    to_verify: list[tuple[str, str]] = []
    retired: list[str] = []  # contacts whose outstanding code was sent to another value
    for attribute in codes.CONTACTS:
        value = changes.get(attribute)
        if value is None:
            continue
        if value == user.attributes.get(attribute):
            if pending.pop(attribute, None) is not None:  # back to the value in force
                retired.append(attribute)
            continue
        if not value and attribute in rules.username_attributes:
            raise InvalidParameterException(
                f"Cannot delete {attribute}: it is the username attribute of this pool."
            )
        if value and attribute in held and user.verified(attribute):
            pending[attribute] = changes.pop(attribute)  # the verified old value stays in force
        else:
            pending.pop(attribute, None)
            changes[f"{attribute}_verified"] = "false" if value else ""
        retired.append(attribute)
        if value and attribute in rules.auto_verified:
            to_verify.append((attribute, value))
    for name, value in changes.items():
        if value:
            user.attributes[name] = value
        else:
            user.attributes.pop(name, None)
    _set_pending(user, pending)
    missing_required(rules.schema, user.attributes)
    await save_user(ctx, rules, user)
    for attribute in retired:
        await ctx.uow.users.delete_code(user.id, codes.verify_purpose(attribute))
    sent = [
        await user_codes.send(
            ctx,
            rules,
            user,
            attribute,
            codes.verify_purpose(attribute),
            "verification",
            destination=value,
            trigger="CustomMessage_UpdateUserAttribute",
            client_metadata=req.get("ClientMetadata"),
            caller=str(me.client["ClientId"]),
        )
        for attribute, value in to_verify
    ]
    return {"CodeDeliveryDetailsList": sent} if sent else {}


def _require_verification(pool: dict[str, Any]) -> list[str]:
    settings = pool.get("UserAttributeUpdateSettings") or {}
    return list(settings.get("AttributesRequireVerificationBeforeUpdate") or [])


def _set_pending(user: User, pending: dict[str, str]) -> None:
    if pending:
        user.settings[PENDING] = pending
    else:
        user.settings.pop(PENDING, None)


@operation("DeleteUserAttributes", write=True)
async def delete_user_attributes(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_DeleteUserAttributes: removes optional, mutable, client-writable attributes."""
    me = await signed_in(ctx, req["AccessToken"])
    user, rules = me.user, me.rules
    names = req["UserAttributeNames"]
    check_client_writes(me.client, dict.fromkeys(names, ""))
    pending: dict[str, str] = dict(user.settings.get(PENDING) or {})
    for name in check_deletes(rules.schema, names):
        if name in rules.username_attributes:
            raise InvalidParameterException(
                f"Cannot delete {name}: it is the username attribute of this pool."
            )
        user.attributes.pop(name, None)
        if name in codes.CONTACTS:
            user.attributes.pop(f"{name}_verified", None)
            pending.pop(name, None)
    _set_pending(user, pending)
    await save_user(ctx, rules, user)
    return {}


@operation("DeleteUser", write=True)
async def delete_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_DeleteUser: the signed-in user deletes their own profile, credentials and codes."""
    me = await signed_in(ctx, req["AccessToken"])
    await ctx.uow.users.delete(me.user.id)
    return {}


@operation("ChangePassword", write=True)
async def change_password(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ChangePassword: PreviousPassword proves the caller; after five wrong ones in an hour,
    LimitExceededException."""
    me = await signed_in(ctx, req["AccessToken"])
    user, rules = me.user, me.rules
    previous, proposed = req.get("PreviousPassword"), req["ProposedPassword"]
    if previous is None:
        raise InvalidParameterException("PreviousPassword is required to change the password.")
    check_password(rules, proposed)
    await risk.check_new_password(ctx, me.pool, me.client.get("ClientId"), proposed, "PASSWORD_CHANGE")
    if await user_codes.over_limit(ctx, user, "change_password"):
        raise LimitExceededException(user_codes.ATTEMPT_LIMIT)
    stored = await ctx.uow.users.read_password_verifier(user.id)
    if stored is None or not srp.verify_password(
        stored.salt, stored.verifier, rules.pool_id, user.username, previous
    ):
        await user_codes.count_failure(ctx, user, "change_password")
        await risk.record_event(ctx, me.pool, user, "PasswordChange", "Fail")
        raise ctx.fail_after_commit(NotAuthorizedException(WRONG_PASSWORD))
    if await password_reused(ctx, rules, user, proposed):
        raise PasswordHistoryPolicyViolationException(HISTORY)
    await set_password(ctx, rules, user, proposed, temporary=False)
    await risk.record_event(ctx, me.pool, user, "PasswordChange", "Pass", password=proposed)
    return {}


@operation("GetUserAttributeVerificationCode", write=True)
async def get_user_attribute_verification_code(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_GetUserAttributeVerificationCode: a code for the user's email / phone (or the value pending)."""
    me = await signed_in(ctx, req["AccessToken"])
    user, attribute = me.user, _contact(req["AttributeName"])
    value = (user.settings.get(PENDING) or {}).get(attribute) or user.attributes.get(attribute)
    if not value:
        raise InvalidParameterException(f"The user has no {attribute} attribute to verify.")
    await user_codes.limit_requests(ctx, user, "verify")
    details = await user_codes.send(
        ctx,
        me.rules,
        user,
        attribute,
        codes.verify_purpose(attribute),
        "verification",
        destination=value,
        trigger="CustomMessage_VerifyUserAttribute",
        client_metadata=req.get("ClientMetadata"),
        caller=str(me.client["ClientId"]),
    )
    return {"CodeDeliveryDetails": details}


@operation("VerifyUserAttribute", write=True)
async def verify_user_attribute(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_VerifyUserAttribute: the code marks the email / phone verified (applying a pending value)."""
    me = await signed_in(ctx, req["AccessToken"])
    user, attribute = me.user, _contact(req["AttributeName"])
    await user_codes.redeem(ctx, user, codes.verify_purpose(attribute), req["Code"])
    pending: dict[str, str] = dict(user.settings.get(PENDING) or {})
    if attribute in pending:
        user.attributes[attribute] = pending.pop(attribute)
        _set_pending(user, pending)
    if not user.attributes.get(attribute):
        raise InvalidParameterException(f"The user has no {attribute} attribute to verify.")
    user.attributes[f"{attribute}_verified"] = "true"
    await save_user(ctx, me.rules, user)
    return {}


def _contact(name: str) -> str:
    if name not in codes.CONTACTS:
        raise InvalidParameterException("Only the email and phone_number attributes can be verified.")
    return name


@operation("SetUserSettings", write=True)
async def set_user_settings(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_SetUserSettings: the signed-in user's legacy MFAOptions (stored; see user_settings)."""
    me = await signed_in(ctx, req["AccessToken"])
    await apply_mfa_options(ctx, me.rules, me.user, req["MFAOptions"])
    return {}
