"""The CustomMessage trigger: every message that carries a code or a temporary password."""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_triggers_support import BACKENDS, arn, events, make_pool, tidp, trigger_live, user_names
from test_users_support import messages

from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # session fixtures

PASSWORD = "Passw0rd!long"


def _sign_up(tidp: Any, client_id: str, **kwargs: Any) -> None:
    kwargs.setdefault("UserAttributes", [{"Name": "email", "Value": "alice@example.com"}])
    tidp.sign_up(ClientId=client_id, Username="alice", Password=PASSWORD, **kwargs)


def _code(body: str) -> str:
    return re.findall(r"\b\d{6}\b", body)[-1]


@pytest.mark.parametrize("backend", BACKENDS)
def test_sign_up_code_message_is_rewritten(tidp: Any, trigger_live: RunningServer, backend: str) -> None:
    pool_id, client_id = make_pool(tidp, {"CustomMessage": arn(backend, "custom_message")})
    _sign_up(tidp, client_id, ClientMetadata={"lang": "fr"})
    [mail] = messages(trigger_live, pool_id)
    assert mail["subject"] == "Subject for CustomMessage_SignUp"
    assert re.fullmatch(r"Hello alice, your code is \d{6} \(CustomMessage_SignUp\)", mail["body"])
    [event] = events(pool_id)
    assert event["triggerSource"] == "CustomMessage_SignUp"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["codeParameter"] == "{####}"
    assert event["request"]["linkParameter"] == "{##Click Here##}"
    assert event["request"]["usernameParameter"] is None
    assert event["request"]["clientMetadata"] == {"lang": "fr"}
    assert event["request"]["userAttributes"]["email"] == "alice@example.com"
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    # The code in the rewritten message is the real one.
    tidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=_code(mail["body"]))
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"


def test_resend_and_forgot_password_sources(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = make_pool(tidp, {"CustomMessage": arn("py", "custom_message")})
    _sign_up(tidp, client_id)
    tidp.resend_confirmation_code(ClientId=client_id, Username="alice", ClientMetadata={"n": "2"})
    code = _code(messages(trigger_live, pool_id)[-1]["body"])
    tidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    tidp.forgot_password(ClientId=client_id, Username="alice", ClientMetadata={"n": "3"})
    sent = messages(trigger_live, pool_id)
    assert [m["subject"] for m in sent] == [
        "Subject for CustomMessage_SignUp",
        "Subject for CustomMessage_ResendCode",
        "Subject for CustomMessage_ForgotPassword",
    ]
    resend, forgot = (
        events(pool_id, "CustomMessage_ResendCode"),
        events(pool_id, "CustomMessage_ForgotPassword"),
    )
    assert resend[0]["request"]["clientMetadata"] == {"n": "2"}
    assert forgot[0]["request"]["clientMetadata"] == {"n": "3"}
    assert forgot[0]["callerContext"]["clientId"] == client_id
    tidp.confirm_forgot_password(
        ClientId=client_id,
        Username="alice",
        ConfirmationCode=_code(sent[-1]["body"]),
        Password="N3w-Passw0rd!x",
    )


def test_sms_message_is_rewritten(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = make_pool(
        tidp, {"CustomMessage": arn("http", "custom_message")}, AutoVerifiedAttributes=["phone_number"]
    )
    _sign_up(tidp, client_id, UserAttributes=[{"Name": "phone_number", "Value": "+15550001234"}])
    [sms] = messages(trigger_live, pool_id)
    assert sms["channel"] == "sms"
    assert re.fullmatch(r"CustomMessage_SignUp: \d{6}", sms["body"])


def test_admin_create_user_invitation_is_rewritten(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, _ = make_pool(tidp, {"CustomMessage": arn("invoke", "custom_message")})
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp0rary!pass",
        DesiredDeliveryMediums=["EMAIL"], ClientMetadata={"by": "admin"},
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )  # fmt: skip
    [mail] = messages(trigger_live, pool_id)
    assert mail["subject"] == "Subject for CustomMessage_AdminCreateUser"
    assert mail["body"] == "Hello bob, your code is Temp0rary!pass (CustomMessage_AdminCreateUser)"
    [event] = events(pool_id)
    assert event["request"]["usernameParameter"] == "{username}"
    assert event["request"]["clientMetadata"] == {"by": "admin"}
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"


def test_admin_update_user_attributes_code_is_rewritten(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, _ = make_pool(tidp, {"CustomMessage": arn("py", "custom_message")})
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )  # fmt: skip
    tidp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="bob", UserAttributes=[{"Name": "email", "Value": "bob2@example.com"}],
        ClientMetadata={"why": "moved"},
    )  # fmt: skip
    [mail] = messages(trigger_live, pool_id)
    assert mail["subject"] == "Subject for CustomMessage_UpdateUserAttribute"
    assert mail["destination"] == "bob2@example.com"
    [event] = events(pool_id)
    assert event["request"]["clientMetadata"] == {"why": "moved"}


def test_text_without_the_code_placeholder_is_ignored(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = make_pool(tidp, {"CustomMessage": arn("py", "custom_message_without_code")})
    _sign_up(tidp, client_id)
    [mail] = messages(trigger_live, pool_id)
    assert mail["subject"] == "Your verification code"
    assert re.fullmatch(r"Your verification code is \d{6}\. ?", mail["body"])
    # An invitation also needs {username}: the sign-up function's text has neither, so it is ignored too.
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp0rary!pass",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )  # fmt: skip
    invitation = messages(trigger_live, pool_id, "bob")[0]
    assert invitation["body"].strip() == "Your username is bob and temporary password is Temp0rary!pass."


def test_refusing_custom_message_fails_the_request(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = make_pool(tidp, {"CustomMessage": arn("invoke", "refuse")})
    with pytest.raises(tidp.exceptions.UserLambdaValidationException) as caught:
        _sign_up(tidp, client_id)
    assert (
        caught.value.response["Error"]["Message"] == "CustomMessage failed with error Sorry alice, not today."
    )
    assert user_names(tidp, pool_id) == []
    assert messages(trigger_live, pool_id) == []


def test_non_text_message_is_invalid_lambda_response(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = make_pool(tidp, {"CustomMessage": arn("py", "custom_message_wrong_type")})
    with pytest.raises(tidp.exceptions.InvalidLambdaResponseException):
        _sign_up(tidp, client_id)
    assert user_names(tidp, pool_id) == []
    assert messages(trigger_live, pool_id) == []


def test_signed_in_user_attribute_codes_are_rewritten(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = make_pool(tidp, {"CustomMessage": arn("py", "custom_message")})
    verified = [{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}]
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="carol", MessageAction="SUPPRESS", UserAttributes=verified
    )
    tidp.admin_set_user_password(UserPoolId=pool_id, Username="carol", Password=PASSWORD, Permanent=True)
    credentials = {"USERNAME": "carol", "PASSWORD": PASSWORD}
    signed_in = tidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=credentials
    )
    access = signed_in["AuthenticationResult"]["AccessToken"]
    tidp.update_user_attributes(
        AccessToken=access, UserAttributes=[{"Name": "email", "Value": "carol2@example.com"}],
        ClientMetadata={"step": "update"},
    )  # fmt: skip
    tidp.get_user_attribute_verification_code(
        AccessToken=access, AttributeName="email", ClientMetadata={"step": "again"}
    )
    sources = [m["subject"] for m in messages(trigger_live, pool_id)]
    assert sources == [
        "Subject for CustomMessage_UpdateUserAttribute",
        "Subject for CustomMessage_VerifyUserAttribute",
    ]
    update, verify = events(pool_id)
    assert update["callerContext"]["clientId"] == client_id
    assert update["request"]["clientMetadata"] == {"step": "update"}
    assert verify["triggerSource"] == "CustomMessage_VerifyUserAttribute"
    assert verify["request"]["clientMetadata"] == {"step": "again"}
