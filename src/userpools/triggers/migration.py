"""The UserMigration trigger: an unknown user is created from the function's answer, then carries on.

Implements user-pool-lambda-migrate-user.html and cognito-user-pools-import-using-lambda.html:

- ``UserMigration_Authentication``: a password sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH /
  ADMIN_NO_SRP_AUTH) names nobody, as username or active alias. Request: ``password``, ``validationData``
  and ``clientMetadata`` (both the request's ClientMetadata). USER_SRP_AUTH never migrates: the password
  does not reach the server (AWS: use USER_PASSWORD_AUTH for migration).
- ``UserMigration_ForgotPassword``: ForgotPassword names nobody. Request: ``clientMetadata``.

``userName`` is the name as typed. Honoured response fields: ``userAttributes`` (required; checked
against the schema like AdminCreateUser's), ``finalUserStatus`` (CONFIRMED, the default, or
RESET_REQUIRED; a forgot-password migration is always RESET_REQUIRED, having no password),
``forceAliasCreation`` (take an email/phone alias from its holder), ``enableSMSMFA`` (SMS MFA on; needs
``phone_number``), ``messageAction`` (SUPPRESS, or RESEND / absent: send the welcome message) and
``desiredDeliveryMediums`` (EMAIL / SMS; by default SMS when the user has a phone number, else email).
The user is stored in the request's transaction with the password it signed in with (the pool's password
policy does not apply, as in Cognito) and the username rules of CreateUser (UsernameAttributes: the
internal name is a new ``sub``; alias pools refuse email/phone-shaped usernames).

Errors as the AWS knowledge-center page "cognito-migration-lambda-trigger-errors" reports them: a
function error → UserLambdaValidationException "UserMigration failed with error <message>."; a function
that can't be run → UserNotFoundException "Exception migrating user in app client <id>" (with the reason
appended); a field value Cognito does not know → UserNotFoundException "Error during migration: <field>
is invalid"; attributes the pool can't store → UserNotFoundException with the schema message; a response
that is not the event, or a field of the wrong JSON type → InvalidLambdaResponseException.
Difference: Cognito's welcome message is its AdminCreateUser invitation; Userpools sends the pool's
invitation message (InviteMessageTemplate) with ``{username}`` filled in but never the password:
``{####}`` is left empty. Return ``messageAction: SUPPRESS``, as AWS's examples do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from userpools.domain import messages
from userpools.domain.log_delivery import NOTIFICATION, configs_for
from userpools.domain.user import CONFIRMED, RESET_REQUIRED, User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    UnexpectedLambdaException,
    UserNotFoundException,
)
from userpools.operations.context import Context
from userpools.operations.users_core import insert_user, rules_of, save_user, set_password
from userpools.triggers.events import UNRECOGNIZABLE, flag, text
from userpools.triggers.invoke import configured, run_trigger

AUTHENTICATION = "UserMigration_Authentication"
FORGOT_PASSWORD = "UserMigration_ForgotPassword"
_STATUSES = (CONFIRMED, RESET_REQUIRED)
_ACTIONS = ("SUPPRESS", "RESEND")
_MEDIUMS = {"SMS": ("sms", "phone_number"), "EMAIL": ("email", "email")}
_SMS_MFA = {"UserMFASettingList": ["SMS_MFA"]}  # auth.mfa_user's stored shape of "SMS MFA enabled"
_RESPONSE = ("userAttributes", "finalUserStatus", "messageAction", "desiredDeliveryMediums",
             "forceAliasCreation", "enableSMSMFA")  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """A migration function's response, checked."""

    attributes: dict[str, str]
    status: str
    welcome: bool
    mediums: tuple[str, ...]
    force_alias: bool
    sms_mfa: bool


async def migrate_user(
    ctx: Context,
    pool: dict[str, Any],
    client_id: str,
    username: str,
    *,
    password: str | None,
    client_metadata: Mapping[str, str] | None,
) -> User | None:
    """Runs UserMigration for ``username`` (nobody yet) and stores the user it describes.

    ``password`` is the sign-in's (UserMigration_Authentication); None for ForgotPassword. Returns None
    when the pool has no UserMigration trigger.
    """
    if configured(pool, "UserMigration") is None:
        return None
    metadata = dict(client_metadata or {})
    if password is not None:
        source = AUTHENTICATION
        request: dict[str, Any] = {
            "password": password,
            "validationData": metadata,
            "clientMetadata": metadata,
        }
    else:
        source, request = FORGOT_PASSWORD, {"clientMetadata": metadata}
    try:
        response = await run_trigger(
            ctx, pool, "UserMigration", source, user_name=username, request=request, client_id=client_id,
            response=dict.fromkeys(_RESPONSE),
        )  # fmt: skip
    except UnexpectedLambdaException as exc:
        raise UserNotFoundException(f"Exception migrating user in app client {client_id}: {exc}") from None
    answer = parse(response or {}, forgot=password is None)
    rules = rules_of(pool)
    user = await _create(ctx, rules, username, answer, password)
    if answer.welcome:
        _send_welcome(ctx, rules, user, username, answer.mediums, configs_for(pool, NOTIFICATION))
    return user


def parse(response: dict[str, Any], *, forgot: bool) -> Answer:
    """Checks a UserMigration response (``forgot``: of UserMigration_ForgotPassword)."""
    attributes = response.get("userAttributes")
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    status = text(response, "finalUserStatus") or CONFIRMED
    action = text(response, "messageAction")
    mediums = response.get("desiredDeliveryMediums") or []
    if not isinstance(mediums, list) or not all(isinstance(m, str) for m in mediums):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    checks = {
        "finalUserStatus": status in _STATUSES,
        "messageAction": action in (None, *_ACTIONS),
        "desiredDeliveryMediums": all(m in _MEDIUMS for m in mediums),
    }
    for field, good in checks.items():
        if not good:
            raise UserNotFoundException(f"Error during migration: {field} is invalid")
    return Answer(
        attributes=dict(attributes),
        status=RESET_REQUIRED if forgot else status,
        welcome=action != "SUPPRESS",
        mediums=tuple(dict.fromkeys(mediums)),
        force_alias=flag(response, "forceAliasCreation"),
        sms_mfa=flag(response, "enableSMSMFA"),
    )


async def _create(
    ctx: Context, rules: PoolRules, username: str, answer: Answer, password: str | None
) -> User:
    try:
        user = await insert_user(
            ctx, rules, username, answer.attributes, answer.status, force_alias=answer.force_alias
        )
        if answer.sms_mfa:
            if not user.attributes.get("phone_number"):
                raise InvalidParameterException("User does not have delivery config set to turn on SMS_MFA")
            user.settings.update(_SMS_MFA)
            await save_user(ctx, rules, user)
    except InvalidParameterException as exc:
        # Cognito answers a migrated user it cannot store with UserNotFoundException and the reason.
        raise UserNotFoundException(exc.message) from None
    if password is not None and answer.status == CONFIRMED:
        await set_password(ctx, rules, user, password, temporary=False)
    return user


def _send_welcome(
    ctx: Context,
    rules: PoolRules,
    user: User,
    username: str,
    mediums: tuple[str, ...],
    logs: list[dict[str, Any]],
) -> None:
    """The welcome message (the pool's invitation, without any password) to each asked-for medium;
    ``logs``: the pool's userNotification log configurations."""
    if not mediums:
        mediums = ("SMS",) if user.attributes.get("phone_number") else ("EMAIL",)
    for medium in mediums:
        channel, attribute = _MEDIUMS[medium]
        destination = user.attributes.get(attribute)
        if not destination:
            continue  # nowhere to send it: the sign-in still goes on
        subject, template = messages.invitation(rules.invite_template, channel)
        body = messages.render(template, code="", username=username)
        message = messages.outbound(rules, channel, user.username, destination, body, subject, "invitation")
        ctx.send_later(message, logs)
