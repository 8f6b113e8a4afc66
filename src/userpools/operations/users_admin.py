"""Administrator writes to users: AdminCreateUser, AdminUpdateUserAttributes, AdminDeleteUserAttributes.

See API_AdminCreateUser.html, API_AdminUpdateUserAttributes.html, API_AdminDeleteUserAttributes.html.
Lambda triggers: PreSignUp_AdminCreateUser runs (it may refuse; its response fields are ignored, as in
Cognito); CustomMessage_AdminCreateUser rewrites invitations, CustomMessage_UpdateUserAttribute codes; a
custom sender trigger (CustomEmailSender_ / CustomSMSSender_AdminCreateUser ...) delivers them instead.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import messages
from userpools.domain.attributes import check_deletes, check_writes, from_wire, missing_required
from userpools.domain.password_policy import generate_password
from userpools.domain.user import FORCE_CHANGE_PASSWORD, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import InvalidParameterException, UnsupportedUserStateException
from userpools.operations import user_codes
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import (
    check_password,
    load_user,
    new_user,
    rules_of,
    save_user,
    set_password,
    store_new_user,
    user_type,
)
from userpools.triggers.delivery import deliver
from userpools.triggers.sign_up import pre_sign_up

_MEDIUM_ATTRIBUTE = {"EMAIL": "email", "SMS": "phone_number"}


@operation("AdminCreateUser", write=True)
async def admin_create_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminCreateUser: a FORCE_CHANGE_PASSWORD user with a temporary password, invited by email/SMS."""
    pool = await load_pool(ctx, req["UserPoolId"])
    rules = rules_of(pool)
    temporary = req.get("TemporaryPassword")
    if temporary is not None:
        check_password(rules, temporary)
    if req.get("MessageAction") == "RESEND":
        user = await load_user(ctx, pool, req["Username"])
        if user.status != FORCE_CHANGE_PASSWORD:
            raise UnsupportedUserStateException(
                f"Resend not possible. {user.username} status is not FORCE_CHANGE_PASSWORD."
            )
    else:
        attributes = from_wire(req.get("UserAttributes", []))
        exists = "User account already exists"
        user = await new_user(ctx, rules, req["Username"], attributes, FORCE_CHANGE_PASSWORD, exists=exists)
        # Lambda trigger, before any write: a slow function holds up no other writer.
        await pre_sign_up(ctx, pool, user, "PreSignUp_AdminCreateUser", req, client_id=None)
        force = bool(req.get("ForceAliasCreation"))
        user = await store_new_user(ctx, rules, user, force_alias=force, exists=exists)
    channels = _channels(user, req.get("DesiredDeliveryMediums"))
    password = temporary or generate_password(rules.password_policy, ctx.random)
    await set_password(ctx, rules, user, password, temporary=True)
    if req.get("MessageAction") == "RESEND":
        await save_user(ctx, rules, user)
    if req.get("MessageAction") != "SUPPRESS":
        for channel in channels:
            subject, template = messages.invitation(rules.invite_template, channel)
            body = messages.render(template, code=password, username=req["Username"])
            destination = user.attributes["email" if channel == "email" else "phone_number"]
            await deliver(  # Lambda triggers: CustomMessage_AdminCreateUser, or a custom sender
                ctx, rules, user, channel, destination, "invitation", (subject, body),
                source="CustomMessage_AdminCreateUser", code=password,
                client_metadata=req.get("ClientMetadata"), username=req["Username"],
            )  # fmt: skip
    return {"User": user_type(user)}


def _channels(user: User, mediums: list[str] | None) -> list[str]:
    """Where the invitation goes. Asked-for mediums need their attribute; by default SMS, else email."""
    if mediums:
        for medium in mediums:
            if not user.attributes.get(_MEDIUM_ATTRIBUTE[medium]):
                raise InvalidParameterException(
                    f"User has no {_MEDIUM_ATTRIBUTE[medium]} attribute for the {medium} delivery medium."
                )
        return ["email" if m == "EMAIL" else "sms" for m in dict.fromkeys(mediums)]
    if user.attributes.get("phone_number"):
        return ["sms"]
    return ["email"] if user.attributes.get("email") else []


@operation("AdminUpdateUserAttributes", write=True)
async def admin_update_user_attributes(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminUpdateUserAttributes: writes attributes (dev: ones included) and verification flags.

    A changed email/phone becomes unverified unless its ``*_verified`` flag is set in the same call; when
    the attribute is auto-verified a code is sent to the new value. Verifying an email/phone that is
    another user's alias moves the alias here (as Cognito does); a taken preferred_username or
    username attribute is refused with AliasExistsException.
    Difference: AttributesRequireVerificationBeforeUpdate is not applied (the new value is stored at once).
    """
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    rules = rules_of(pool)
    user = await load_user(ctx, pool, req["Username"])
    changes = check_writes(rules.schema, from_wire(req["UserAttributes"]), creating=False)
    changed_contacts = []
    for attribute in ("email", "phone_number"):
        if attribute in changes and changes[attribute] != user.attributes.get(attribute):
            changes.setdefault(f"{attribute}_verified", "false")
            changed_contacts.append(attribute)
    for name, value in changes.items():
        if value:
            user.attributes[name] = value
        else:
            user.attributes.pop(name, None)
    missing_required(rules.schema, user.attributes)
    await save_user(ctx, rules, user, move_aliases=True)
    for attribute in changed_contacts:
        if (
            attribute in rules.auto_verified
            and not user.verified(attribute)
            and user.attributes.get(attribute)
        ):
            await _send_verification_code(ctx, rules, user, attribute, req)
    return {}


async def _send_verification_code(
    ctx: Context, rules: PoolRules, user: User, attribute: str, req: dict[str, Any]
) -> None:
    await user_codes.send(  # Lambda trigger: CustomMessage_UpdateUserAttribute
        ctx, rules, user, attribute, messages.verify_purpose(attribute), "verification",
        trigger="CustomMessage_UpdateUserAttribute", client_metadata=req.get("ClientMetadata"),
    )  # fmt: skip


@operation("AdminDeleteUserAttributes", write=True)
async def admin_delete_user_attributes(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminDeleteUserAttributes: removes optional, mutable attributes (an email/phone with its flag)."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    rules = rules_of(pool)
    user = await load_user(ctx, pool, req["Username"])
    for name in check_deletes(rules.schema, req["UserAttributeNames"]):
        if name in rules.username_attributes:
            raise InvalidParameterException(
                f"Cannot delete {name}: it is the username attribute of this pool."
            )
        user.attributes.pop(name, None)
        if name in ("email", "phone_number"):
            user.attributes.pop(f"{name}_verified", None)
    await save_user(ctx, rules, user)
    return {}
