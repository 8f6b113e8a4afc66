"""MFA sign-in through boto3: SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP."""

from __future__ import annotations

import json
from typing import Any

from test_auth_support import PASSWORD, Srp, claims, error_of, make_client, make_user, password_auth
from test_mfa_support import (
    INVALID,
    PHONE,
    WRONG_CODE,
    add_totp,
    code_in,
    last_mfa_message,
    mfa_pool,
    next_totp,
    now_totp,
    respond,
)

from userpools.testing import RunningServer


def test_totp_end_to_end(idp: Any) -> None:
    pool_id = mfa_pool(idp, "OPTIONAL", totp=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "alice")
    access = password_auth(idp, client_id, "alice")["AuthenticationResult"]["AccessToken"]  # no factor yet
    secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert len(secret) >= 16 and secret.isalnum()
    wrong = "000000" if next_totp(secret) != "000000" and now_totp(secret) != "000000" else "111111"
    assert error_of(idp.verify_software_token, AccessToken=access, UserCode=wrong) == (
        "EnableSoftwareTokenMFAException",
        "Code mismatch",
    )
    out = idp.verify_software_token(AccessToken=access, UserCode=now_totp(secret), FriendlyDeviceName="phone")
    assert out["Status"] == "SUCCESS" and "Session" not in out
    assert "AuthenticationResult" in password_auth(idp, client_id, "alice")  # verified, not yet enabled
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    me = idp.get_user(AccessToken=access)
    assert (
        me["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
        and me["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    )
    admin = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert admin["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert "SoftwareToken" not in json.dumps(admin, default=str) and secret not in json.dumps(
        admin, default=str
    )

    challenge = password_auth(idp, client_id, "alice")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA" and "AuthenticationResult" not in challenge
    code = next_totp(secret)
    tokens = respond(idp, client_id, challenge, USERNAME="alice", SOFTWARE_TOKEN_MFA_CODE=code)
    assert claims(tokens["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"
    # The same code is never accepted twice, and a wrong answer spends the Session.
    again = password_auth(idp, client_id, "alice")
    assert error_of(respond, idp=idp, client_id=client_id, challenge=again, USERNAME="alice",
                    SOFTWARE_TOKEN_MFA_CODE=code) == WRONG_CODE  # fmt: skip
    assert error_of(respond, idp=idp, client_id=client_id, challenge=again, USERNAME="alice",
                    SOFTWARE_TOKEN_MFA_CODE=code) == INVALID  # fmt: skip


def test_totp_through_srp_and_admin_flows(idp: Any) -> None:
    pool_id = mfa_pool(idp, "OPTIONAL", totp=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "bob")
    access = password_auth(idp, client_id, "bob")["AuthenticationResult"]["AccessToken"]
    secret = add_totp(idp, access)
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="bob", SoftwareTokenMfaSettings={"Enabled": True}
    )
    challenge = Srp(idp, pool_id, client_id, "bob").sign_in()
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert "AuthenticationResult" in respond(
        idp, client_id, challenge, USERNAME="bob", SOFTWARE_TOKEN_MFA_CODE=next_totp(secret)
    )
    admin = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": PASSWORD},
    )  # fmt: skip
    assert admin["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    wrong = idp.admin_respond_to_auth_challenge
    assert error_of(wrong, UserPoolId=pool_id, ClientId=client_id, ChallengeName="SOFTWARE_TOKEN_MFA",
                    Session=admin["Session"], ChallengeResponses={"USERNAME": "bob",
                    "SOFTWARE_TOKEN_MFA_CODE": "12345"}) == WRONG_CODE  # fmt: skip


def test_sms_mfa_required(idp: Any, live: RunningServer) -> None:
    pool_id = mfa_pool(idp, "ON", sms=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "carol", phone_number=PHONE)
    challenge = password_auth(idp, client_id, "carol")
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "+*******1234"
    message = last_mfa_message(live, pool_id, "carol")
    assert message["channel"] == "sms" and message["destination"] == PHONE
    assert message["body"].startswith("Auth code ")
    code = code_in(message)
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(respond, idp=idp, client_id=client_id, challenge=challenge, USERNAME="carol",
                    SMS_MFA_CODE=wrong) == WRONG_CODE  # fmt: skip
    challenge = password_auth(idp, client_id, "carol")
    code = code_in(last_mfa_message(live, pool_id, "carol"))
    tokens = respond(idp, client_id, challenge, USERNAME="carol", SMS_MFA_CODE=code)
    refresh = tokens["AuthenticationResult"]["RefreshToken"]
    again = idp.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
    )
    assert "AccessToken" in again["AuthenticationResult"]  # refresh is never challenged


def test_legacy_mfa_options_count_as_sms_mfa(idp: Any, live: RunningServer) -> None:
    pool_id = mfa_pool(idp, "OPTIONAL", sms=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "dave", phone_number=PHONE)
    assert "AuthenticationResult" in password_auth(idp, client_id, "dave")
    idp.admin_set_user_settings(
        UserPoolId=pool_id,
        Username="dave",
        MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
    )
    challenge = password_auth(idp, client_id, "dave")
    assert challenge["ChallengeName"] == "SMS_MFA"
    code = code_in(last_mfa_message(live, pool_id, "dave"))
    assert "AuthenticationResult" in respond(idp, client_id, challenge, USERNAME="dave", SMS_MFA_CODE=code)
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="dave", SMSMfaSettings={"Enabled": False})
    assert "MFAOptions" not in idp.admin_get_user(UserPoolId=pool_id, Username="dave")
    assert "AuthenticationResult" in password_auth(idp, client_id, "dave")


def test_mfa_off_ignores_user_factors(idp: Any) -> None:
    pool_id = mfa_pool(idp, "OPTIONAL", sms=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "erin", phone_number=PHONE)
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="erin", SMSMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    assert password_auth(idp, client_id, "erin")["ChallengeName"] == "SMS_MFA"
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF")
    assert "AuthenticationResult" in password_auth(idp, client_id, "erin")


def test_email_otp(idp: Any, live: RunningServer) -> None:
    pool_id = mfa_pool(idp, "OPTIONAL", email=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "fay", email="fay@example.com")
    idp.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="fay", EmailMfaSettings={"Enabled": True})
    assert idp.admin_get_user(UserPoolId=pool_id, Username="fay")["UserMFASettingList"] == ["EMAIL_OTP"]
    challenge = password_auth(idp, client_id, "fay")
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"] == "f***@e***"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    message = last_mfa_message(live, pool_id, "fay")
    assert message["channel"] == "email" and message["subject"] == "Sign-in code"
    tokens = respond(idp, client_id, challenge, USERNAME="fay", EMAIL_OTP_CODE=code_in(message))
    assert "IdToken" in tokens["AuthenticationResult"]


def test_select_mfa_type(idp: Any, live: RunningServer) -> None:
    pool_id = mfa_pool(idp, "OPTIONAL", sms=True, totp=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "gus", phone_number=PHONE)
    access = password_auth(idp, client_id, "gus")["AuthenticationResult"]["AccessToken"]
    add_totp(idp, access)
    idp.set_user_mfa_preference(
        AccessToken=access, SMSMfaSettings={"Enabled": True}, SoftwareTokenMfaSettings={"Enabled": True}
    )
    assert "PreferredMfaSetting" not in idp.get_user(AccessToken=access)
    select = password_auth(idp, client_id, "gus")
    assert select["ChallengeName"] == "SELECT_MFA_TYPE"
    assert json.loads(select["ChallengeParameters"]["MFAS_CAN_CHOOSE"]) == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    assert error_of(respond, idp=idp, client_id=client_id, challenge=select, USERNAME="gus",
                    ANSWER="EMAIL_OTP")[0] == "InvalidParameterException"  # fmt: skip
    sms = respond(idp, client_id, select, USERNAME="gus", ANSWER="SMS_MFA")
    assert sms["ChallengeName"] == "SMS_MFA"
    code = code_in(last_mfa_message(live, pool_id, "gus"))
    assert "AuthenticationResult" in respond(idp, client_id, sms, USERNAME="gus", SMS_MFA_CODE=code)
    assert error_of(respond, idp=idp, client_id=client_id, challenge=select, USERNAME="gus",
                    ANSWER="SMS_MFA") == INVALID  # fmt: skip


def test_mfa_setup_with_session(idp: Any) -> None:
    pool_id = mfa_pool(idp, "ON", totp=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "hal")
    setup = Srp(idp, pool_id, client_id, "hal").sign_in()
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert json.loads(setup["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    assert error_of(respond, idp=idp, client_id=client_id, challenge=setup, USERNAME="hal")[0] == (
        "InvalidParameterException"
    )
    associated = idp.associate_software_token(Session=setup["Session"])
    secret, session = associated["SecretCode"], associated["Session"]
    assert error_of(idp.verify_software_token, Session=session, UserCode="12345x")[0] in (
        "EnableSoftwareTokenMFAException",
        "InvalidParameterException",
    )
    verified = idp.verify_software_token(Session=session, UserCode=now_totp(secret))
    assert verified["Status"] == "SUCCESS" and verified["Session"] != session
    done = respond(
        idp, client_id, {"ChallengeName": "MFA_SETUP", "Session": verified["Session"]}, USERNAME="hal"
    )
    assert "AccessToken" in done["AuthenticationResult"]
    user = idp.admin_get_user(UserPoolId=pool_id, Username="hal")
    assert (
        user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
        and user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    )
    assert password_auth(idp, client_id, "hal")["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    # An MFA_SETUP Session is single-use and bound to its app client.
    assert error_of(idp.associate_software_token, Session=setup["Session"]) == INVALID
    other = make_client(idp, pool_id)["ClientId"]
    assert error_of(respond, idp=idp, client_id=other, challenge={"ChallengeName": "MFA_SETUP",
                    "Session": verified["Session"]}, USERNAME="hal") == INVALID  # fmt: skip


def test_required_mfa_without_any_usable_factor(idp: Any) -> None:
    pool_id = mfa_pool(idp, "ON", sms=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "ivy")  # no phone number
    code, _ = error_of(password_auth, idp=idp, client_id=client_id, username="ivy")
    assert code == "MFAMethodNotFoundException"


def test_new_password_is_followed_by_mfa(idp: Any, live: RunningServer) -> None:
    pool_id = mfa_pool(idp, "ON", sms=True)
    client_id = make_client(idp, pool_id)["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool_id, Username="kim", TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "phone_number", "Value": PHONE}],
    )  # fmt: skip
    first = password_auth(idp, client_id, "kim", "Temp-Passw0rd!")
    assert first["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    sms = respond(idp, client_id, first, USERNAME="kim", NEW_PASSWORD=PASSWORD)
    assert sms["ChallengeName"] == "SMS_MFA" and "AuthenticationResult" not in sms
    code = code_in(last_mfa_message(live, pool_id, "kim"))
    assert "AuthenticationResult" in respond(idp, client_id, sms, USERNAME="kim", SMS_MFA_CODE=code)
