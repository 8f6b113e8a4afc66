"""GetUserPoolMfaConfig and SetUserPoolMfaConfig through boto3, and their agreement with DescribeUserPool."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::123456789012:role/sns-caller"
SMS = {"SnsCallerArn": ROLE, "ExternalId": "ext"}
SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@example.com",
}


def fails(call: Callable[[], Any], code: str, text: str = "") -> None:
    with pytest.raises(ClientError) as err:
        call()
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert text in err.value.response["Error"]["Message"], err.value.response["Error"]["Message"]


def config(idp: Any, pool_id: str) -> dict[str, Any]:
    out = idp.get_user_pool_mfa_config(UserPoolId=pool_id)
    out.pop("ResponseMetadata")
    return dict(out)


def test_new_pool_has_mfa_off(idp: Any, pool_id: str) -> None:
    assert config(idp, pool_id) == {"MfaConfiguration": "OFF"}


def test_turn_on_totp(idp: Any, pool_id: str) -> None:
    answer = idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    expected = {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    assert {k: v for k, v in answer.items() if k != "ResponseMetadata"} == expected
    assert config(idp, pool_id) == expected
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "ON"


def test_sms_mfa_updates_the_pools_sms_settings(idp: Any, pool_id: str) -> None:
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": SMS},
        SoftwareTokenMfaConfiguration={"Enabled": False},
    )
    assert config(idp, pool_id) == {
        "MfaConfiguration": "OPTIONAL",
        "SmsMfaConfiguration": {"SmsAuthenticationMessage": "Code {####}", "SmsConfiguration": SMS},
        "SoftwareTokenMfaConfiguration": {"Enabled": False},
    }
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["SmsConfiguration"] == SMS and pool["SmsAuthenticationMessage"] == "Code {####}"


def test_omitted_members_turn_mfa_off(idp: Any, pool_id: str) -> None:
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    idp.set_user_pool_mfa_config(UserPoolId=pool_id)
    assert config(idp, pool_id) == {"MfaConfiguration": "OFF"}
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "OFF"


def test_create_with_sms_mfa_shows_in_mfa_config(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="smsmfa", MfaConfiguration="ON", SmsConfiguration=SMS)[
        "UserPool"
    ]["Id"]
    got = config(idp, pool_id)
    assert got["MfaConfiguration"] == "ON"
    assert got["SmsMfaConfiguration"]["SmsConfiguration"] == SMS


def test_email_mfa_needs_ses_sending(idp: Any, pool_id: str) -> None:
    fails(
        lambda: idp.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration="OPTIONAL", EmailMfaConfiguration={"Subject": "Code"}
        ),
        "InvalidParameterException",
        "DEVELOPER",
    )
    assert config(idp, pool_id) == {"MfaConfiguration": "OFF"}
    idp.update_user_pool(UserPoolId=pool_id, EmailConfiguration=SES)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="OPTIONAL",
        EmailMfaConfiguration={"Subject": "Code", "Message": "Your code {####}"},
    )
    assert config(idp, pool_id)["EmailMfaConfiguration"] == {"Subject": "Code", "Message": "Your code {####}"}


def test_email_mfa_is_not_in_the_lite_plan(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="lite", UserPoolTier="LITE", EmailConfiguration=SES)["UserPool"][
        "Id"
    ]
    fails(
        lambda: idp.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration="ON", EmailMfaConfiguration={}
        ),
        "FeatureUnavailableInTierException",
    )


def test_webauthn_configuration_is_kept(idp: Any, pool_id: str) -> None:
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, WebAuthnConfiguration={"RelyingPartyId": "example.com"})
    expected = {"RelyingPartyId": "example.com", "UserVerification": "preferred"}
    assert config(idp, pool_id) == {"MfaConfiguration": "OFF", "WebAuthnConfiguration": expected}
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    assert config(idp, pool_id)["WebAuthnConfiguration"] == expected


BAD: list[tuple[dict[str, Any], str]] = [
    (
        {"SoftwareTokenMfaConfiguration": {"Enabled": True}},
        "can't turn off MFA and configure an MFA together",
    ),
    (
        {"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": False}},
        "can't turn off MFA and configure an MFA together",
    ),
    ({"MfaConfiguration": "ON"}, "SMS MFA, Email MFA, or Software Token MFA must be enabled."),
    (
        {"MfaConfiguration": "OPTIONAL", "WebAuthnConfiguration": {"UserVerification": "required"}},
        "must be enabled",
    ),
    (
        {"MfaConfiguration": "ON", "SmsMfaConfiguration": {"SmsAuthenticationMessage": "C {####}"}},
        "SmsConfiguration",
    ),
]


@pytest.mark.parametrize(("request_", "text"), BAD)
def test_bad_configuration_changes_nothing(
    idp: Any, pool_id: str, request_: dict[str, Any], text: str
) -> None:
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    before = config(idp, pool_id)
    fails(
        lambda: idp.set_user_pool_mfa_config(UserPoolId=pool_id, **request_),
        "InvalidParameterException",
        text,
    )
    assert config(idp, pool_id) == before


def test_unknown_pool(idp: Any) -> None:
    fails(lambda: idp.get_user_pool_mfa_config(UserPoolId="us-east-1_Nope12345"), "ResourceNotFoundException")
    fails(lambda: idp.set_user_pool_mfa_config(UserPoolId="us-east-1_Nope12345"), "ResourceNotFoundException")


def test_update_user_pool_keeps_mfa_consistent(idp: Any, pool_id: str) -> None:
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON")
    assert config(idp, pool_id)["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    idp.update_user_pool(UserPoolId=pool_id)  # an omitted MfaConfiguration means OFF
    assert config(idp, pool_id) == {"MfaConfiguration": "OFF"}
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["MfaConfiguration"] == "OFF"
    idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SmsConfiguration=SMS)
    got = config(idp, pool_id)
    assert got["MfaConfiguration"] == "OPTIONAL" and got["SmsMfaConfiguration"]["SmsConfiguration"] == SMS
