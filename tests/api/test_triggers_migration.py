"""The UserMigration trigger: sign-in (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH) and ForgotPassword."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_auth_support import PASSWORD, Srp, make_user
from test_mfa_support import PHONE, SMS
from test_signup_support import last_code
from test_triggers_support import BACKENDS, arn, attributes, events, make_pool, tidp, trigger_live, user_names
from test_users_support import messages

from trigger_functions import LEGACY_PASSWORD
from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # session fixtures

FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
         "ALLOW_REFRESH_TOKEN_AUTH"]  # fmt: skip
AUTH, FORGOT = "UserMigration_Authentication", "UserMigration_ForgotPassword"
NEW = "N3w-Passw0rd!x"


def _setup(
    tidp: Any, function: str = "migrate", backend: str = "py", also: dict[str, str] | None = None, **pool: Any
) -> tuple[str, str]:
    """A pool migrating users through ``function`` (``also``: more triggers) and a client of every flow."""
    config = {"UserMigration": function if function.startswith("arn:") else arn(backend, function)}
    pool_id, _ = make_pool(tidp, {**config, **(also or {})}, **pool)
    client_id = tidp.create_user_pool_client(UserPoolId=pool_id, ClientName="all", ExplicitAuthFlows=FLOWS)[
        "UserPoolClient"
    ]["ClientId"]
    return pool_id, client_id


def _sign_in(tidp: Any, client_id: str, username: str = "legacy", password: str = LEGACY_PASSWORD,
             **meta: str) -> dict[str, Any]:  # fmt: skip
    return dict(
        tidp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password}, ClientMetadata=meta,
        )
    )  # fmt: skip


def _error(call: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return str(error["Code"]), str(error["Message"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_password_sign_in_migrates_an_unknown_user(tidp: Any, backend: str) -> None:
    pool_id, client_id = _setup(tidp, backend=backend)
    result = _sign_in(tidp, client_id, app="web")
    assert "AccessToken" in result["AuthenticationResult"]
    [event] = events(pool_id)
    assert event["triggerSource"] == AUTH
    assert event["userName"] == "legacy"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"] == {
        "password": LEGACY_PASSWORD, "validationData": {"app": "web"}, "clientMetadata": {"app": "web"}
    }  # fmt: skip
    assert event["response"] == dict.fromkeys(
        ["userAttributes", "finalUserStatus", "messageAction", "desiredDeliveryMediums",
         "forceAliasCreation", "enableSMSMFA"]
    )  # fmt: skip
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="legacy")
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes(user) | {"sub": "-"} == {
        "sub": "-", "email": "legacy@legacy.example", "email_verified": "true"
    }  # fmt: skip
    # Migrated once: the next sign-in is an ordinary one with the legacy password (no policy applied).
    _sign_in(tidp, client_id)
    assert len(events(pool_id)) == 1
    assert (
        "AccessToken"
        in Srp(tidp, pool_id, client_id, "legacy", LEGACY_PASSWORD).sign_in()["AuthenticationResult"]
    )


def test_admin_password_sign_in_migrates(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, backend="invoke")
    result = tidp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "legacy", "PASSWORD": LEGACY_PASSWORD}, ClientMetadata={"by": "admin"},
    )  # fmt: skip
    assert "AccessToken" in result["AuthenticationResult"]
    [event] = events(pool_id)
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["validationData"] == {"by": "admin"}


def test_function_refusal_creates_nobody(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, backend="http")
    code, message = _error(lambda: _sign_in(tidp, client_id, password="not-it"))
    assert (code, message) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Bad password.",
    )
    assert user_names(tidp, pool_id) == []


def test_srp_never_migrates(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp)
    with pytest.raises(tidp.exceptions.UserNotFoundException):
        Srp(tidp, pool_id, client_id, "legacy", LEGACY_PASSWORD).initiate()
    assert events(pool_id) == []


def test_existing_users_and_aliases_are_not_migrated(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, AliasAttributes=["email"])
    make_user(tidp, pool_id, "alice", email="alice@example.com", email_verified="true")
    assert "AuthenticationResult" in _sign_in(tidp, client_id, "alice@example.com", PASSWORD)
    with pytest.raises(tidp.exceptions.NotAuthorizedException):
        _sign_in(tidp, client_id, "alice", LEGACY_PASSWORD)
    assert events(pool_id) == []


def test_reset_required_user_is_kept_and_must_reset(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _setup(tidp)
    code, message = _error(lambda: _sign_in(tidp, client_id, status="RESET_REQUIRED"))
    assert (code, message) == ("PasswordResetRequiredException", "Password reset required for the user")
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="legacy")["UserStatus"] == "RESET_REQUIRED"
    tidp.forgot_password(ClientId=client_id, Username="legacy")
    assert len(events(pool_id)) == 1  # the user exists now: ForgotPassword doesn't migrate again
    tidp.confirm_forgot_password(ClientId=client_id, Username="legacy", Password=NEW,
                                 ConfirmationCode=last_code(trigger_live, pool_id, "legacy"))  # fmt: skip
    assert "AuthenticationResult" in _sign_in(tidp, client_id, password=NEW)


@pytest.mark.parametrize(
    ("meta", "field"),
    [
        ({"status": "ACTIVE"}, "finalUserStatus"),
        ({"action": "SHOUT"}, "messageAction"),
        ({"mediums": "EMAIL,PIGEON"}, "desiredDeliveryMediums"),
    ],
)
def test_unknown_field_values_are_errors_during_migration(
    tidp: Any, meta: dict[str, str], field: str
) -> None:
    pool_id, client_id = _setup(tidp)
    code, message = _error(lambda: _sign_in(tidp, client_id, **meta))
    assert (code, message) == ("UserNotFoundException", f"Error during migration: {field} is invalid")
    assert user_names(tidp, pool_id) == []


def test_attribute_outside_the_schema(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp)
    code, message = _error(lambda: _sign_in(tidp, client_id, extra="shoe_size"))
    assert code == "UserNotFoundException"
    assert (
        message
        == "Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema."
    )
    assert user_names(tidp, pool_id) == []


@pytest.mark.parametrize("function", ["migrate_malformed", "record", "not_an_event"])
def test_malformed_response_is_invalid(tidp: Any, function: str) -> None:
    pool_id, client_id = _setup(tidp, function)
    code, message = _error(lambda: _sign_in(tidp, client_id))
    assert (code, message) == ("InvalidLambdaResponseException", "Unrecognizable lambda output")
    assert user_names(tidp, pool_id) == []


@pytest.mark.parametrize(
    ("function_arn", "why"),
    [
        ("arn:aws:lambda:us-east-1:000000000000:function:http-closed", "ConnectionRefusedError"),
        (arn("py", "slow"), "TimeoutError"),
    ],
)
def test_function_that_cannot_run(tidp: Any, function_arn: str, why: str) -> None:
    pool_id, client_id = _setup(tidp, function_arn)
    code, message = _error(lambda: _sign_in(tidp, client_id))
    assert code == "UserNotFoundException"
    assert message == (
        f"Exception migrating user in app client {client_id}: "
        f"UserMigration invocation failed due to error {why}."
    )
    assert user_names(tidp, pool_id) == []


def test_email_username_pool(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, UsernameAttributes=["email"])
    _sign_in(tidp, client_id, "Legacy@Example.com")
    [event] = events(pool_id)
    assert event["userName"] == "Legacy@Example.com"  # as typed
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="Legacy@Example.com")
    assert user["Username"] == attributes(user)["sub"]  # the internal name is a new sub
    assert attributes(user)["email"] == "Legacy@Example.com"
    _sign_in(tidp, client_id, "Legacy@Example.com")
    assert len(events(pool_id)) == 1


def test_email_shaped_username_in_an_alias_pool(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, AliasAttributes=["email"])
    code, message = _error(lambda: _sign_in(tidp, client_id, "someone@example.com"))
    assert code == "UserNotFoundException"
    assert message == "Username cannot be of email format, since user pool is configured for email alias."
    assert user_names(tidp, pool_id) == []


def test_force_alias_creation(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, AliasAttributes=["email"])
    make_user(tidp, pool_id, "alice", email="shared@example.com", email_verified="true")
    code, message = _error(lambda: _sign_in(tidp, client_id, email="shared@example.com"))
    assert (code, message) == ("UsernameExistsException", "An account with the given email already exists.")
    assert user_names(tidp, pool_id) == ["alice"]
    _sign_in(tidp, client_id, email="shared@example.com", force="true")
    alice = attributes(tidp.admin_get_user(UserPoolId=pool_id, Username="alice"))
    assert alice["email_verified"] == "false"  # the alias moved to the migrated user
    assert "AuthenticationResult" in _sign_in(tidp, client_id, "shared@example.com")


def test_enable_sms_mfa(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _setup(tidp, SmsConfiguration=SMS)
    tidp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Auth code {####}", "SmsConfiguration": SMS},
    )  # fmt: skip
    challenge = _sign_in(tidp, client_id, sms_mfa="true", phone=PHONE)
    assert challenge["ChallengeName"] == "SMS_MFA"
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="legacy")
    assert user["UserMFASettingList"] == ["SMS_MFA"]
    code, message = _error(lambda: _sign_in(tidp, client_id, "other", sms_mfa="true"))
    assert (code, message) == (
        "UserNotFoundException",
        "User does not have delivery config set to turn on SMS_MFA",
    )
    assert sorted(user_names(tidp, pool_id)) == ["legacy"]


@pytest.mark.parametrize(("action", "sent"), [("SUPPRESS", False), ("-", True), ("RESEND", True)])
def test_welcome_message(tidp: Any, trigger_live: RunningServer, action: str, sent: bool) -> None:
    pool_id, client_id = _setup(tidp)
    config = {"UserMigration": arn("py", "migrate")}
    tidp.update_user_pool(
        UserPoolId=pool_id, AutoVerifiedAttributes=["email"], LambdaConfig=config,
        AdminCreateUserConfig={"InviteMessageTemplate": {
            "EmailSubject": "Welcome", "EmailMessage": "Hello {username}, your password: [{####}]",
            "SMSMessage": "Hi {username} {####}",
        }},
    )  # fmt: skip
    _sign_in(tidp, client_id, action=action, mediums="EMAIL,SMS", phone=PHONE)
    outbox = [m for m in messages(trigger_live, pool_id) if m.get("kind") == "invitation"]
    if not sent:
        assert outbox == []
        return
    by_channel = {m["channel"]: m for m in outbox}
    assert set(by_channel) == {"email", "sms"}
    assert by_channel["email"]["destination"] == "legacy@legacy.example"
    assert by_channel["email"]["subject"] == "Welcome"
    assert by_channel["email"]["body"] == "Hello legacy, your password: []"  # never the password
    assert by_channel["sms"]["body"] == "Hi legacy "


def test_welcome_message_goes_by_sms_by_default(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _setup(tidp)
    _sign_in(tidp, client_id, action="-", phone=PHONE)
    [welcome] = [m for m in messages(trigger_live, pool_id) if m.get("kind") == "invitation"]
    assert (welcome["channel"], welcome["destination"]) == ("sms", PHONE)


def test_sign_in_triggers_follow_the_migration(tidp: Any) -> None:
    also = {"PreAuthentication": arn("py", "record"), "PostAuthentication": arn("py", "record")}
    pool_id, client_id = _setup(tidp, also=also)
    _sign_in(tidp, client_id)
    migration, pre, post = events(pool_id)
    assert [e["triggerSource"] for e in (migration, pre, post)] == [
        AUTH, "PreAuthentication_Authentication", "PostAuthentication_Authentication"
    ]  # fmt: skip
    assert pre["userName"] == post["userName"] == "legacy"
    assert pre["request"]["userAttributes"]["email"] == "legacy@legacy.example"


def test_pre_authentication_refusal_undoes_the_migration(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, also={"PreAuthentication": arn("py", "refuse")})
    with pytest.raises(tidp.exceptions.UserLambdaValidationException, match="PreAuthentication failed"):
        _sign_in(tidp, client_id)
    assert user_names(tidp, pool_id) == []


# --- ForgotPassword ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_forgot_password_migrates_and_sends_the_code(
    tidp: Any, trigger_live: RunningServer, backend: str
) -> None:
    pool_id, client_id = _setup(tidp, backend=backend)
    sent = tidp.forgot_password(ClientId=client_id, Username="legacy", ClientMetadata={"app": "web"})
    assert sent["CodeDeliveryDetails"] == {
        "Destination": "l***@l***", "DeliveryMedium": "EMAIL", "AttributeName": "email"
    }  # fmt: skip
    [event] = events(pool_id)
    assert event["triggerSource"] == FORGOT
    assert event["userName"] == "legacy"
    assert event["request"] == {"clientMetadata": {"app": "web"}}
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="legacy")["UserStatus"] == "RESET_REQUIRED"
    tidp.confirm_forgot_password(ClientId=client_id, Username="legacy", Password=NEW,
                                 ConfirmationCode=last_code(trigger_live, pool_id, "legacy"))  # fmt: skip
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="legacy")["UserStatus"] == "CONFIRMED"
    assert "AuthenticationResult" in _sign_in(tidp, client_id, password=NEW)
    assert len(events(pool_id)) == 1


def test_forgot_password_refusal_creates_nobody(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, "refuse")
    code, message = _error(lambda: tidp.forgot_password(ClientId=client_id, Username="alice"))
    assert (code, message) == (
        "UserLambdaValidationException",
        "UserMigration failed with error Sorry alice, not today.",
    )
    assert user_names(tidp, pool_id) == []


@pytest.mark.parametrize("hide", ["LEGACY", "ENABLED"])
def test_forgot_password_without_a_verified_contact_creates_nobody(tidp: Any, hide: str) -> None:
    phone_only = {"RecoveryMechanisms": [{"Name": "verified_phone_number", "Priority": 1}]}
    pool_id, _ = _setup(tidp, AccountRecoverySetting=phone_only)
    client_id = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="hiding", PreventUserExistenceErrors=hide
    )["UserPoolClient"]["ClientId"]
    code, message = _error(lambda: tidp.forgot_password(ClientId=client_id, Username="legacy"))
    assert code == "InvalidParameterException"  # the migrated user could never reset: not kept
    assert message.startswith("Cannot reset password for the user as there is no registered/verified")
    assert user_names(tidp, pool_id) == []


def test_forgot_password_invalid_answer(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, "migrate_malformed")
    code, _ = _error(lambda: tidp.forgot_password(ClientId=client_id, Username="legacy"))
    assert code == "InvalidLambdaResponseException"
    assert user_names(tidp, pool_id) == []
