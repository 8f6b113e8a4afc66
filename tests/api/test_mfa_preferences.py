"""SetUserMFAPreference, AdminSetUserMFAPreference, AssociateSoftwareToken / VerifySoftwareToken errors and
AdminDeleteSoftwareToken: each error leaves the user's MFA settings unchanged."""

from __future__ import annotations

from typing import Any

from test_auth_support import error_of, make_client, make_user, password_auth
from test_mfa_support import PHONE, add_totp, mfa_pool, next_totp, now_totp, respond

MFA_KEYS = ("UserMFASettingList", "PreferredMfaSetting", "MFAOptions")


def _mfa(idp: Any, pool_id: str, username: str) -> dict[str, Any]:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    return {k: user[k] for k in MFA_KEYS if k in user}


def _setup(idp: Any, **factors: bool) -> tuple[str, str, str]:
    pool_id = mfa_pool(idp, "OPTIONAL", **factors)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "alice")
    access = password_auth(idp, client_id, "alice")["AuthenticationResult"]["AccessToken"]
    return pool_id, client_id, access


def test_preferences_need_a_usable_factor(idp: Any) -> None:
    pool_id, _, access = _setup(idp, sms=True, totp=True, email=True)
    cases = [
        ({"SoftwareTokenMfaSettings": {"Enabled": True}}, "User has not verified software token mfa"),
        ({"SMSMfaSettings": {"Enabled": True}}, "SMS_MFA"),
        ({"EmailMfaSettings": {"Enabled": True, "PreferredMfa": True}}, "EMAIL_OTP"),
        ({"SMSMfaSettings": {"Enabled": False, "PreferredMfa": True}}, "preferred"),
        ({"WebAuthnMfaSettings": {"Enabled": True}}, "WebAuthn"),
    ]
    for settings, text in cases:
        code, message = error_of(idp.set_user_mfa_preference, AccessToken=access, **settings)
        assert code == "InvalidParameterException" and text in message, (settings, message)
        code, _ = error_of(
            idp.admin_set_user_mfa_preference, UserPoolId=pool_id, Username="alice", **settings
        )
        assert code == "InvalidParameterException"
    assert _mfa(idp, pool_id, "alice") == {}


def test_preference_changes_are_reflected(idp: Any) -> None:
    pool_id, _, access = _setup(idp, sms=True, totp=True)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "phone_number", "Value": PHONE}]
    )
    add_totp(idp, access)
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="alice",
        SMSMfaSettings={"Enabled": True},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    expected = {
        "UserMFASettingList": ["SMS_MFA", "SOFTWARE_TOKEN_MFA"],
        "PreferredMfaSetting": "SOFTWARE_TOKEN_MFA",
    }
    assert _mfa(idp, pool_id, "alice") == expected
    me = idp.get_user(AccessToken=access)
    assert {k: me[k] for k in MFA_KEYS if k in me} == expected
    idp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": False})
    assert _mfa(idp, pool_id, "alice") == {"UserMFASettingList": ["SMS_MFA"]}
    idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert _mfa(idp, pool_id, "alice")["PreferredMfaSetting"] == "SMS_MFA"
    idp.set_user_mfa_preference(AccessToken=access, SMSMfaSettings={"Enabled": False})
    assert _mfa(idp, pool_id, "alice") == {}


def test_admin_delete_software_token(idp: Any) -> None:
    pool_id, client_id, access = _setup(idp, totp=True)
    secret = add_totp(idp, access)
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    challenge = password_auth(idp, client_id, "alice")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    idp.admin_delete_software_token(UserPoolId=pool_id, Username="alice")
    assert _mfa(idp, pool_id, "alice") == {}
    # The old challenge can no longer be answered with the forgotten secret, and no challenge follows.
    code, _ = error_of(respond, idp=idp, client_id=client_id, challenge=challenge, USERNAME="alice",
                       SOFTWARE_TOKEN_MFA_CODE=next_totp(secret))  # fmt: skip
    assert code == "CodeMismatchException"
    assert "AuthenticationResult" in password_auth(idp, client_id, "alice")
    idp.admin_delete_software_token(UserPoolId=pool_id, Username="alice")  # idempotent
    assert error_of(idp.admin_delete_software_token, UserPoolId=pool_id, Username="nobody")[0] == (
        "UserNotFoundException"
    )


def test_associate_and_verify_errors(idp: Any) -> None:
    pool_id, _, access = _setup(idp, totp=True)
    assert error_of(idp.associate_software_token)[0] == "InvalidParameterException"
    assert error_of(idp.associate_software_token, AccessToken=access, Session="x" * 40)[0] == (
        "InvalidParameterException"
    )
    assert error_of(idp.associate_software_token, Session="x" * 40)[0] == "NotAuthorizedException"
    assert error_of(idp.verify_software_token, AccessToken=access, UserCode="123456")[0] == (
        "SoftwareTokenMFANotFoundException"
    )
    first = idp.associate_software_token(AccessToken=access)["SecretCode"]
    second = idp.associate_software_token(AccessToken=access)["SecretCode"]
    assert first != second  # a fresh secret per call; only the latest can be verified
    if now_totp(first) != now_totp(second):
        assert error_of(idp.verify_software_token, AccessToken=access, UserCode=now_totp(first))[0] == (
            "EnableSoftwareTokenMFAException"
        )
    assert _mfa(idp, pool_id, "alice") == {}
    assert idp.verify_software_token(AccessToken=access, UserCode=now_totp(second))["Status"] == "SUCCESS"
    assert error_of(idp.associate_software_token, AccessToken="not-a-token")[0] == "NotAuthorizedException"
