"""GetUser, DeleteUser, ChangePassword and SetUserSettings with the signed-in user's AccessToken."""

from __future__ import annotations

from typing import Any

from test_self_service_support import access_token, signed_up
from test_signup_support import PASSWORD, code_rows, status
from test_users_support import credentials, error_of, make_pool

from userpools.crypto.srp import verify_password
from userpools.testing import RunningServer

NEW = "N3w-Passw0rd!"


def test_get_user(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    idp.admin_set_user_settings(
        UserPoolId=pool_id,
        Username="alice",
        MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
    )
    out = idp.get_user(AccessToken=token)
    assert out["Username"] == "alice"
    attrs = {a["Name"]: a["Value"] for a in out["UserAttributes"]}
    assert attrs["email"] == "alice@example.com" and attrs["email_verified"] == "true" and "sub" in attrs
    assert out["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]


def test_tokens_of_a_deleted_app_client_stop_working(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    assert idp.get_user(AccessToken=token)["Username"] == "alice"
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert error_of(idp.get_user, AccessToken=token) == ("NotAuthorizedException", "Invalid Access Token")


def test_get_user_shows_only_readable_attributes(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live, ReadAttributes=["email", "email_verified"])
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "name", "Value": "Alice"}]
    )
    out = idp.get_user(AccessToken=access_token(idp, live, pool_id, client_id))
    assert {a["Name"] for a in out["UserAttributes"]} == {"sub", "email", "email_verified"}


def test_bad_tokens(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert error_of(idp.get_user, AccessToken=tampered) == ("NotAuthorizedException", "Invalid Access Token")
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    assert error_of(idp.get_user, AccessToken=token) == ("NotAuthorizedException", "User is disabled.")
    idp.admin_enable_user(UserPoolId=pool_id, Username="alice")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    assert error_of(idp.get_user, AccessToken=token)[0] == "PasswordResetRequiredException"


def test_delete_user(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    idp.delete_user(AccessToken=token)
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="alice")[0] == "UserNotFoundException"
    assert credentials(live, pool_id, "alice") is None
    assert error_of(idp.get_user, AccessToken=token)[0] in ("UserNotFoundException", "NotAuthorizedException")


def test_change_password(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    idp.change_password(AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW)
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and verify_password(cred["salt"], cred["verifier"], pool_id, "alice", NEW)
    assert status(idp, pool_id) == "CONFIRMED"
    access_token(idp, live, pool_id, client_id, password=NEW)


def test_change_password_errors_change_nothing(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(
        idp, live, {"Policies": {"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 1}}}
    )
    token = access_token(idp, live, pool_id, client_id)
    before = dict(credentials(live, pool_id, "alice") or {})
    err = error_of(
        idp.change_password, AccessToken=token, PreviousPassword="Wr0ng-pass!", ProposedPassword=NEW
    )
    assert err == ("NotAuthorizedException", "Incorrect username or password.")
    err = error_of(
        idp.change_password, AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword="short"
    )
    assert err == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    )
    err = error_of(
        idp.change_password, AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=PASSWORD
    )
    assert err[0] == "PasswordHistoryPolicyViolationException"
    assert dict(credentials(live, pool_id, "alice") or {}) == before


def test_wrong_previous_passwords_are_limited(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    for _ in range(5):
        err = error_of(
            idp.change_password, AccessToken=token, PreviousPassword="Wr0ng-pass!", ProposedPassword=NEW
        )
        assert err[0] == "NotAuthorizedException"
    assert code_rows(live, pool_id, "alice")["n:change_password"]["attempts"] == 5
    err = error_of(idp.change_password, AccessToken=token, PreviousPassword=PASSWORD, ProposedPassword=NEW)
    assert err == ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and verify_password(cred["salt"], cred["verifier"], pool_id, "alice", PASSWORD)


def test_user_settings(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    sms = [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    idp.set_user_settings(AccessToken=token, MFAOptions=sms)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["MFAOptions"] == sms
    err = error_of(
        idp.set_user_settings,
        AccessToken=token,
        MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}],
    )
    assert err[0] == "InvalidParameterException"
    assert idp.get_user(AccessToken=token)["MFAOptions"] == sms
    idp.set_user_settings(AccessToken=token, MFAOptions=[])
    assert "MFAOptions" not in idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    other = make_pool(idp)
    idp.admin_create_user(UserPoolId=other, Username="bob", MessageAction="SUPPRESS")
    idp.admin_set_user_settings(UserPoolId=other, Username="bob", MFAOptions=sms)
    assert idp.admin_get_user(UserPoolId=other, Username="bob")["MFAOptions"] == sms
    err = error_of(idp.admin_set_user_settings, UserPoolId=other, Username="ghost", MFAOptions=sms)
    assert err[0] == "UserNotFoundException"
