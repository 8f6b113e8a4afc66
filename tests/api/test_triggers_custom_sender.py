"""Custom sender triggers: CustomEmailSender and CustomSMSSender get every code, encrypted under KMS.

The functions decrypt the codes with the AWS Encryption SDK against a KMS on loopback (moto's server), and
the decrypted codes are then used: they confirm users, reset passwords, verify attributes, sign in.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from test_senders_support import delivered, delivered_code, kms, kms_key, sender_live, senders, sidp
from test_triggers_support import BACKENDS, arn, events, make_pool, user_names
from test_users_support import messages

from trigger_server import triggers_server
from userpools.testing import RunningServer

__all__ = ["kms", "kms_key", "sender_live", "sidp"]  # session fixtures

PASSWORD = "Passw0rd!long"
PHONE = "+15550001234"
# Cognito's suite: AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384 (0x0378), message format version 1.
ALGORITHM = 0x0378


def _sign_up(idp: Any, client_id: str, username: str = "alice", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("UserAttributes", [{"Name": "email", "Value": f"{username}@example.com"}])
    return dict(idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD, **kwargs))


def _status(idp: Any, pool_id: str, username: str = "alice") -> str:
    return str(idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"])


@pytest.mark.parametrize("backend", BACKENDS)
def test_sign_up_code_goes_to_the_email_sender_encrypted(
    sidp: Any, sender_live: RunningServer, kms_key: str, backend: str
) -> None:
    pool_id, client_id = make_pool(sidp, senders(kms_key, backend))
    out = _sign_up(sidp, client_id, ClientMetadata={"lang": "fr"})
    assert out["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert messages(sender_live, pool_id) == []  # the function delivers it, not Userpools
    [event] = events(pool_id)
    assert event["version"] == "1"
    assert event["triggerSource"] == "CustomEmailSender_SignUp"
    assert event["userName"] == "alice" and event["userPoolId"] == pool_id
    assert event["callerContext"] == {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id}
    assert "response" not in event
    request = event["request"]
    assert set(request) == {"type", "code", "clientMetadata", "userAttributes"}
    assert request["type"] == "customEmailSenderRequestV1"
    assert request["clientMetadata"] == {"lang": "fr"}
    assert request["userAttributes"]["email"] == "alice@example.com"
    assert request["userAttributes"]["cognito:user_status"] == "UNCONFIRMED"
    assert request["userAttributes"]["sub"] == out["UserSub"]
    # An AWS Encryption SDK message (version 1 header, Cognito's suite), never the code itself.
    raw = base64.b64decode(request["code"])
    assert raw[:4] == bytes([1, 0x80]) + ALGORITHM.to_bytes(2, "big")
    [sent] = delivered(pool_id)
    assert sent["algorithm"] == ALGORITHM
    assert sent["context"]["userpool-id"] == pool_id
    assert sent["to"] == "alice@example.com" and len(sent["code"]) == 6
    assert sent["code"] not in request["code"]
    sidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=sent["code"])
    assert _status(sidp, pool_id) == "CONFIRMED"


def test_resend_and_forgot_password_codes(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    pool_id, client_id = make_pool(sidp, senders(kms_key))
    _sign_up(sidp, client_id)
    sidp.resend_confirmation_code(ClientId=client_id, Username="alice")
    first, again = (d["code"] for d in delivered(pool_id))
    with pytest.raises(sidp.exceptions.CodeMismatchException):  # the resent code replaced the first
        sidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=first)
    sidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=again)
    sidp.forgot_password(ClientId=client_id, Username="alice", ClientMetadata={"n": "3"})
    code = delivered_code(pool_id, "CustomEmailSender_ForgotPassword")
    sidp.confirm_forgot_password(
        ClientId=client_id, Username="alice", ConfirmationCode=code, Password="N3w-Passw0rd!x"
    )
    assert [e["triggerSource"] for e in events(pool_id)] == [
        "CustomEmailSender_SignUp",
        "CustomEmailSender_ResendCode",
        "CustomEmailSender_ForgotPassword",
    ]
    assert events(pool_id)[-1]["request"]["clientMetadata"] == {"n": "3"}
    assert events(pool_id)[0]["request"]["clientMetadata"] is None  # none sent: null, as Cognito's
    assert messages(sender_live, pool_id) == []
    # AdminResetUserPassword sends a reset code through the sender too.
    sidp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    assert len(delivered(pool_id, "CustomEmailSender_ForgotPassword")) == 2


def test_sms_codes_go_to_the_sms_sender_only(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    pool_id, client_id = make_pool(
        sidp, senders(kms_key, "http", sms=True, email=False), AutoVerifiedAttributes=["phone_number"]
    )
    _sign_up(sidp, client_id, UserAttributes=[{"Name": "phone_number", "Value": PHONE}])
    [event] = events(pool_id)
    assert event["triggerSource"] == "CustomSMSSender_SignUp"
    assert event["request"]["type"] == "customSMSSenderRequestV1"
    [sent] = delivered(pool_id)
    assert sent["to"] == PHONE
    assert messages(sender_live, pool_id) == []
    sidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=sent["code"])
    # No email sender: an email code still goes out through the pool's mailer.
    sidp.admin_create_user(
        UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp0rary!pass",
        DesiredDeliveryMediums=["EMAIL"], UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
    )  # fmt: skip
    [mail] = messages(sender_live, pool_id, "bob")
    assert mail["channel"] == "email" and "Temp0rary!pass" in mail["body"]
    assert len(events(pool_id)) == 1


def test_admin_create_user_temporary_password(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    pool_id, client_id = make_pool(sidp, senders(kms_key, "invoke", sms=True))
    sidp.admin_create_user(
        UserPoolId=pool_id, Username="bob", DesiredDeliveryMediums=["EMAIL", "SMS"],
        ClientMetadata={"by": "admin"},
        UserAttributes=[
            {"Name": "email", "Value": "bob@example.com"},
            {"Name": "phone_number", "Value": PHONE},
        ],
    )  # fmt: skip
    email, sms = delivered(pool_id)
    assert (email["source"], email["to"]) == ("CustomEmailSender_AdminCreateUser", "bob@example.com")
    assert (sms["source"], sms["to"]) == ("CustomSMSSender_AdminCreateUser", PHONE)
    assert email["code"] == sms["code"]  # the generated temporary password
    for event in events(pool_id):
        assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
        assert event["request"]["clientMetadata"] == {"by": "admin"}
        assert event["request"]["userAttributes"]["cognito:user_status"] == "FORCE_CHANGE_PASSWORD"
    assert messages(sender_live, pool_id) == []
    answer = sidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": email["code"]},
    )  # fmt: skip
    assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_attribute_verification_codes(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    pool_id, client_id = make_pool(sidp, senders(kms_key))
    verified = [{"Name": "email", "Value": "carol@example.com"}, {"Name": "email_verified", "Value": "true"}]
    sidp.admin_create_user(
        UserPoolId=pool_id, Username="carol", MessageAction="SUPPRESS", UserAttributes=verified
    )
    sidp.admin_set_user_password(UserPoolId=pool_id, Username="carol", Password=PASSWORD, Permanent=True)
    signed_in = sidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "carol", "PASSWORD": PASSWORD},
    )  # fmt: skip
    access = signed_in["AuthenticationResult"]["AccessToken"]
    sidp.update_user_attributes(
        AccessToken=access, UserAttributes=[{"Name": "email", "Value": "carol2@example.com"}]
    )
    update = delivered(pool_id, "CustomEmailSender_UpdateUserAttribute")[-1]
    assert update["to"] == "carol2@example.com"
    sidp.get_user_attribute_verification_code(
        AccessToken=access, AttributeName="email", ClientMetadata={"step": "again"}
    )
    verify = delivered(pool_id, "CustomEmailSender_VerifyUserAttribute")[-1]
    assert verify["to"] == "carol2@example.com" and verify["code"] != update["code"]
    sidp.verify_user_attribute(AccessToken=access, AttributeName="email", Code=verify["code"])
    me = {a["Name"]: a["Value"] for a in sidp.get_user(AccessToken=access)["UserAttributes"]}
    assert me["email"] == "carol2@example.com" and me["email_verified"] == "true"
    # AdminUpdateUserAttributes: CustomEmailSender_UpdateUserAttribute, no app client.
    sidp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="carol", UserAttributes=[{"Name": "email", "Value": "c3@example.com"}]
    )
    admin = events(pool_id, "CustomEmailSender_UpdateUserAttribute")[-1]
    assert admin["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert delivered(pool_id)[-1]["to"] == "c3@example.com"
    assert messages(sender_live, pool_id) == []


def test_custom_message_is_not_run_for_a_sender_channel(
    sidp: Any, sender_live: RunningServer, kms_key: str
) -> None:
    config = senders(kms_key) | {"CustomMessage": arn("py", "custom_message")}
    pool_id, client_id = make_pool(sidp, config)
    _sign_up(sidp, client_id)
    assert [e["triggerSource"] for e in events(pool_id)] == ["CustomEmailSender_SignUp"]
    assert messages(sender_live, pool_id) == []


# --- error paths -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_failing_sender_does_not_fail_the_request(
    sidp: Any, sender_live: RunningServer, kms_key: str, backend: str
) -> None:
    """Cognito invokes custom senders asynchronously: what the function raises never reaches the caller."""
    pool_id, client_id = make_pool(sidp, senders(kms_key, backend, "refuse"))
    out = _sign_up(sidp, client_id)
    assert out["UserConfirmed"] is False and out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert [e["triggerSource"] for e in events(pool_id)] == ["CustomEmailSender_SignUp"]
    assert messages(sender_live, pool_id) == []  # no fallback to the pool's own mailer
    assert _status(sidp, pool_id) == "UNCONFIRMED"


@pytest.mark.parametrize("function", ["py-missing", "http-closed"])
def test_sender_that_cannot_be_invoked(
    sidp: Any, sender_live: RunningServer, kms_key: str, function: str
) -> None:
    config = senders(kms_key)
    config["CustomEmailSender"]["LambdaArn"] = f"arn:aws:lambda:us-east-1:000000000000:function:{function}"
    pool_id, client_id = make_pool(sidp, config)
    with pytest.raises(sidp.exceptions.UnexpectedLambdaException) as caught:
        _sign_up(sidp, client_id)
    assert caught.value.response["Error"]["Message"].startswith(
        "CustomEmailSender invocation failed due to error "
    )
    # Invoked once the sign-up committed (as PostConfirmation): the user is there, the code undelivered.
    assert user_names(sidp, pool_id) == ["alice"]
    assert messages(sender_live, pool_id) == []


def test_unknown_invoke_api_function(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    pool_id, client_id = make_pool(sidp, senders(kms_key, "invoke", "no_such_function"))
    with pytest.raises(sidp.exceptions.UnexpectedLambdaException) as caught:
        _sign_up(sidp, client_id)
    assert caught.value.response["Error"]["Message"] == (
        "CustomEmailSender invocation failed due to error ResourceNotFoundException."
    )
    assert user_names(sidp, pool_id) == ["alice"]


def test_kms_refusing_the_key_fails_the_request(sidp: Any, sender_live: RunningServer, kms_key: str) -> None:
    missing = kms_key.rsplit("/", 1)[0] + "/00000000-0000-4000-8000-000000000000"
    pool_id, client_id = make_pool(sidp, senders(missing))
    with pytest.raises(sidp.exceptions.UnexpectedLambdaException) as caught:
        _sign_up(sidp, client_id)
    assert caught.value.response["Error"]["Message"] == (
        "CustomEmailSender invocation failed due to error KMSNotFoundException."
    )
    assert user_names(sidp, pool_id) == []  # encrypted within the operation: nothing written
    assert events(pool_id) == [] and messages(sender_live, pool_id) == []


@pytest.fixture(scope="module")
def no_kms_live() -> Iterator[RunningServer]:
    """A server whose KMS endpoint does not answer."""
    with triggers_server(kms_endpoint="http://127.0.0.1:9") as srv:
        yield srv


def test_unreachable_kms_fails_the_request(no_kms_live: RunningServer, kms_key: str) -> None:
    idp = no_kms_live.client()
    pool_id, client_id = make_pool(idp, senders(kms_key))
    with pytest.raises(idp.exceptions.UnexpectedLambdaException) as caught:
        _sign_up(idp, client_id)
    assert caught.value.response["Error"]["Message"] == (
        "CustomEmailSender invocation failed due to error KMS EndpointConnectionError."
    )
    assert user_names(idp, pool_id) == []
    assert events(pool_id) == [] and messages(no_kms_live, pool_id) == []


def test_sender_needs_a_kms_key(sidp: Any, kms_key: str) -> None:
    pool_id, _ = make_pool(sidp, senders(kms_key))
    for config in (
        {"CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("py", "send_code")}},
        {"CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": arn("py", "send_code")}},
    ):
        with pytest.raises(sidp.exceptions.InvalidParameterException) as caught:
            sidp.update_user_pool(UserPoolId=pool_id, LambdaConfig=config)
        assert "KMSKeyID" in caught.value.response["Error"]["Message"]
    described = sidp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["LambdaConfig"]
    assert described == senders(kms_key)
