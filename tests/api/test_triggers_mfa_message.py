"""SMS_MFA and EMAIL_OTP codes through Lambda triggers: CustomMessage_Authentication and custom senders."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from test_auth_support import PASSWORD, make_client, make_user, password_auth
from test_mfa_support import PHONE, WRONG_CODE, code_in, last_mfa_message, mfa_pool, respond
from test_senders_support import delivered, delivered_code, kms, kms_key, sender_live, senders, sidp
from test_triggers_support import BACKENDS, arn, events, tidp, trigger_live
from test_users_support import error_of, messages

from userpools.testing import RunningServer

__all__ = ["kms", "kms_key", "sender_live", "sidp", "tidp", "trigger_live"]  # session fixtures


def _sms_user(idp: Any, lambda_config: dict[str, Any]) -> tuple[str, str]:
    """A pool requiring SMS MFA with ``lambda_config``, its client, and "alice" with a phone number."""
    pool_id = mfa_pool(idp, "ON", sms=True, LambdaConfig=lambda_config)
    client_id = str(make_client(idp, pool_id)["ClientId"])
    make_user(idp, pool_id, "alice", phone_number=PHONE, email="alice@example.com")
    return pool_id, client_id


def _email_user(idp: Any, lambda_config: dict[str, Any]) -> tuple[str, str]:
    """A pool with email MFA and ``lambda_config``; "alice" has turned EMAIL_OTP on."""
    pool_id = mfa_pool(idp, "OPTIONAL", email=True, LambdaConfig=lambda_config)
    client_id = str(make_client(idp, pool_id)["ClientId"])
    make_user(idp, pool_id, "alice", email="alice@example.com")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="alice", EmailMfaSettings={"Enabled": True}
    )
    return pool_id, client_id


# --- CustomMessage_Authentication --------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_sms_mfa_code_message_is_rewritten(tidp: Any, trigger_live: RunningServer, backend: str) -> None:
    pool_id, client_id = _sms_user(tidp, {"CustomMessage": arn(backend, "custom_message_mfa")})
    challenge = password_auth(tidp, client_id, "alice")
    assert challenge["ChallengeName"] == "SMS_MFA"
    message = last_mfa_message(trigger_live, pool_id, "alice")
    assert message["channel"] == "sms" and message["destination"] == PHONE
    assert re.fullmatch(r"Your Example sign-in code: \d{6}", message["body"])
    [event] = events(pool_id)
    assert event["triggerSource"] == "CustomMessage_Authentication"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["codeParameter"] == "{####}"
    assert event["request"]["usernameParameter"] is None
    assert event["request"]["userAttributes"]["phone_number"] == PHONE
    assert event["response"] == {"smsMessage": None, "emailMessage": None, "emailSubject": None}
    tokens = respond(tidp, client_id, challenge, USERNAME="alice", SMS_MFA_CODE=code_in(message))
    assert "IdToken" in tokens["AuthenticationResult"]


def test_client_metadata_reaches_the_mfa_message(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _sms_user(tidp, {"CustomMessage": arn("py", "custom_message_mfa")})
    challenge = tidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", ClientMetadata={"app": "kiosk"},
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    assert challenge["ChallengeName"] == "SMS_MFA"
    [event] = events(pool_id, "CustomMessage_Authentication")
    assert event["request"]["clientMetadata"] == {"app": "kiosk"}


def test_email_otp_message_is_rewritten(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _email_user(tidp, {"CustomMessage": arn("py", "custom_message_mfa")})
    challenge = password_auth(tidp, client_id, "alice")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    message = last_mfa_message(trigger_live, pool_id, "alice")
    assert message["subject"] == "Example sign-in"
    assert re.fullmatch(r"<p>Sign in with \d{6}</p>", message["body"])
    tokens = respond(tidp, client_id, challenge, USERNAME="alice", EMAIL_OTP_CODE=code_in(message))
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_code_chosen_with_select_mfa_type(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id = mfa_pool(tidp, "OPTIONAL", sms=True, email=True,
                       LambdaConfig={"CustomMessage": arn("py", "custom_message_mfa")})  # fmt: skip
    client_id = str(make_client(tidp, pool_id)["ClientId"])
    make_user(tidp, pool_id, "alice", phone_number=PHONE, email="alice@example.com")
    tidp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True},
        EmailMfaSettings={"Enabled": True},
    )  # fmt: skip
    select = password_auth(tidp, client_id, "alice")
    assert select["ChallengeName"] == "SELECT_MFA_TYPE"
    assert json.loads(select["ChallengeParameters"]["MFAS_CAN_CHOOSE"]) == ["SMS_MFA", "EMAIL_OTP"]
    assert events(pool_id) == []  # no code yet
    otp = respond(tidp, client_id, select, USERNAME="alice", ANSWER="EMAIL_OTP")
    assert otp["ChallengeName"] == "EMAIL_OTP"
    message = last_mfa_message(trigger_live, pool_id, "alice")
    assert message["channel"] == "email" and message["subject"] == "Example sign-in"
    assert [e["triggerSource"] for e in events(pool_id)] == ["CustomMessage_Authentication"]
    assert "AuthenticationResult" in respond(
        tidp, client_id, otp, USERNAME="alice", EMAIL_OTP_CODE=code_in(message)
    )


def test_text_without_the_code_is_ignored(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _sms_user(tidp, {"CustomMessage": arn("http", "custom_message_without_code")})
    challenge = password_auth(tidp, client_id, "alice")
    message = last_mfa_message(trigger_live, pool_id, "alice")
    assert re.fullmatch(r"Auth code \d{6}", message["body"])  # the pool's SmsAuthenticationMessage
    assert "AuthenticationResult" in respond(
        tidp, client_id, challenge, USERNAME="alice", SMS_MFA_CODE=code_in(message)
    )


def test_refusing_custom_message_fails_the_sign_in(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _sms_user(tidp, {"CustomMessage": arn("invoke", "refuse")})
    assert error_of(password_auth, idp=tidp, client_id=client_id, username="alice") == (
        "UserLambdaValidationException",
        "CustomMessage failed with error Sorry alice, not today.",
    )
    assert [m for m in messages(trigger_live, pool_id) if m["kind"] == "mfa"] == []


def test_wrong_typed_message_is_invalid_lambda_response(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _email_user(tidp, {"CustomMessage": arn("py", "custom_message_wrong_type")})
    code, _ = error_of(password_auth, idp=tidp, client_id=client_id, username="alice")
    assert code == "InvalidLambdaResponseException"
    assert messages(trigger_live, pool_id) == []


# --- custom senders: CustomSMSSender_Authentication, CustomEmailSender_Authentication -----------------------


def test_sms_mfa_code_goes_to_the_sms_sender(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    config = senders(kms_key, "invoke", sms=True) | {"CustomMessage": arn("py", "custom_message_mfa")}
    pool_id, client_id = _sms_user(sidp, config)
    challenge = password_auth(sidp, client_id, "alice")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******1234"
    assert messages(sender_live, pool_id) == []
    [event] = events(pool_id)  # the sender only: CustomMessage does not run for its channel
    assert event["triggerSource"] == "CustomSMSSender_Authentication"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    code = delivered_code(pool_id, "CustomSMSSender_Authentication")
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(respond, idp=sidp, client_id=client_id, challenge=challenge, USERNAME="alice",
                    SMS_MFA_CODE=wrong) == WRONG_CODE  # fmt: skip
    challenge = password_auth(sidp, client_id, "alice")
    code = delivered_code(pool_id, "CustomSMSSender_Authentication")
    assert (
        "IdToken"
        in respond(sidp, client_id, challenge, USERNAME="alice", SMS_MFA_CODE=code)["AuthenticationResult"]
    )


def test_email_otp_goes_to_the_email_sender(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    pool_id, client_id = _email_user(sidp, senders(kms_key, "http"))
    challenge = password_auth(sidp, client_id, "alice")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    [sent] = delivered(pool_id)
    assert (sent["source"], sent["to"]) == ("CustomEmailSender_Authentication", "alice@example.com")
    assert sent["context"]["userpool-id"] == pool_id
    assert messages(sender_live, pool_id) == []
    tokens = respond(sidp, client_id, challenge, USERNAME="alice", EMAIL_OTP_CODE=sent["code"])
    assert "AccessToken" in tokens["AuthenticationResult"]


def test_failing_sender_still_issues_the_challenge(
    sidp: Any, sender_live: RunningServer, kms_key: str
) -> None:
    pool_id, client_id = _email_user(sidp, senders(kms_key, "py", "refuse"))
    challenge = password_auth(sidp, client_id, "alice")
    assert challenge["ChallengeName"] == "EMAIL_OTP"  # asynchronous: the caller never sees the failure
    assert [e["triggerSource"] for e in events(pool_id)] == ["CustomEmailSender_Authentication"]
    assert messages(sender_live, pool_id) == []
