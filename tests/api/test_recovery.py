"""ForgotPassword, ConfirmForgotPassword and the reset code AdminResetUserPassword shares with them."""

from __future__ import annotations

from typing import Any

from test_signup_support import (
    PASSWORD,
    attributes,
    clock,
    clocked,
    code_rows,
    digest,
    last_code,
    new_client,
    status,
)
from test_users_support import credentials, error_of, make_pool, messages

from userpools.crypto.srp import verify_password
from userpools.ports import FakeClock
from userpools.testing import RunningServer

__all__ = ["clock", "clocked"]  # module fixtures

NEW = "N3w-Passw0rd!"
WRONG = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
LIMIT = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")
NO_CONTACT = (
    "InvalidParameterException",
    "Cannot reset password for the user as there is no registered/verified email or phone_number",
)
CONTACT = {"email": "alice@example.com", "email_verified": "true"}


def _user(idp: Any, pool_id: str, username: str = "alice", **values: str) -> None:
    """A CONFIRMED user with ``PASSWORD`` and the given attributes."""
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def _setup(idp: Any, **pool: Any) -> tuple[str, str, str]:
    """A pool with user alice (verified email), a LEGACY client and an ENABLED one."""
    pool_id = make_pool(idp, **pool)
    _user(idp, pool_id, **CONTACT)
    hiding = new_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    return pool_id, new_client(idp, pool_id), hiding


def _password_is(live: RunningServer, pool_id: str, password: str, username: str = "alice") -> bool:
    cred = credentials(live, pool_id, username)
    return cred is not None and verify_password(cred["salt"], cred["verifier"], pool_id, username, password)


def _confirm(idp: Any, client_id: str, code: str, password: str = NEW, username: str = "alice") -> Any:
    return idp.confirm_forgot_password(
        ClientId=client_id, Username=username, ConfirmationCode=code, Password=password
    )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_forgot_and_confirm(idp: Any, live: RunningServer) -> None:
    pool_id, client_id, _ = _setup(idp)
    out = idp.forgot_password(ClientId=client_id, Username="alice")
    assert out["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert status(idp, pool_id) == "CONFIRMED"
    sent = messages(live, pool_id, "alice")[-1]
    assert sent["kind"] == "forgot_password" and sent["destination"] == "alice@example.com"
    code = last_code(live, pool_id)
    row = code_rows(live, pool_id, "alice")["forgot_password"]
    assert row["code_hash"] == digest(live, "forgot_password", attributes(idp, pool_id)["sub"], code)
    assert row["expires"] - row["created"] == 3600
    _confirm(idp, client_id, code)
    assert _password_is(live, pool_id, NEW) and status(idp, pool_id) == "CONFIRMED"
    assert error_of(_confirm, idp=idp, client_id=client_id, code=code, password="An0ther-pass!") == EXPIRED


def test_reset_required_users_recover(idp: Any, live: RunningServer) -> None:
    pool_id, client_id, _ = _setup(idp)
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    assert status(idp, pool_id) == "RESET_REQUIRED"
    _confirm(idp, client_id, last_code(live, pool_id))
    assert status(idp, pool_id) == "CONFIRMED" and _password_is(live, pool_id, NEW)


def test_confirm_errors_change_nothing(idp: Any, live: RunningServer) -> None:
    pool_id, client_id, _ = _setup(
        idp, Policies={"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}}
    )
    assert error_of(_confirm, idp=idp, client_id=client_id, code="123456") == EXPIRED
    idp.forgot_password(ClientId=client_id, Username="alice")
    code = last_code(live, pool_id)
    err = error_of(_confirm, idp=idp, client_id=client_id, code=code, password="weak")
    assert err == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    )
    err = error_of(_confirm, idp=idp, client_id=client_id, code=code, password=PASSWORD)
    assert err[0] == "PasswordHistoryPolicyViolationException"
    assert error_of(_confirm, idp=idp, client_id=client_id, code=_wrong(code)) == WRONG
    assert _password_is(live, pool_id, PASSWORD) and status(idp, pool_id) == "CONFIRMED"
    _confirm(idp, client_id, code)  # the code survived the failed attempts


def test_wrong_codes_are_limited(idp: Any, live: RunningServer) -> None:
    pool_id, client_id, _ = _setup(idp)
    idp.forgot_password(ClientId=client_id, Username="alice")
    code = last_code(live, pool_id)
    for _ in range(5):
        assert error_of(_confirm, idp=idp, client_id=client_id, code=_wrong(code)) == WRONG
    assert error_of(_confirm, idp=idp, client_id=client_id, code=code) == LIMIT
    assert _password_is(live, pool_id, PASSWORD)


def test_codes_expire_after_an_hour(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id, client_id, _ = _setup(idp)
    idp.forgot_password(ClientId=client_id, Username="alice")
    clock.advance(3601)
    assert error_of(_confirm, idp=idp, client_id=client_id, code=last_code(clocked, pool_id)) == EXPIRED
    assert _password_is(clocked, pool_id, PASSWORD)


def test_requests_are_limited_per_hour(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id, client_id, _ = _setup(idp)
    for _ in range(5):
        idp.forgot_password(ClientId=client_id, Username="alice")
    assert error_of(idp.forgot_password, ClientId=client_id, Username="alice") == LIMIT
    clock.advance(3601)
    idp.forgot_password(ClientId=client_id, Username="alice")
    assert len(messages(clocked, pool_id)) == 6


def test_delivery_follows_the_recovery_setting(idp: Any, live: RunningServer) -> None:
    both = {**CONTACT, "phone_number": "+15555550100", "phone_number_verified": "true"}
    legacy = make_pool(idp)
    _user(idp, legacy, **both)
    out = idp.forgot_password(ClientId=new_client(idp, legacy), Username="alice")
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
    mechanisms = [{"Name": "verified_phone_number", "Priority": 1}, {"Name": "verified_email", "Priority": 2}]
    explicit = make_pool(idp, AccountRecoverySetting={"RecoveryMechanisms": mechanisms})
    _user(idp, explicit, **both)
    client_id = new_client(idp, explicit)
    assert (
        idp.forgot_password(ClientId=client_id, Username="alice")["CodeDeliveryDetails"]["DeliveryMedium"]
        == "SMS"
    )
    # A phone used for SMS MFA doesn't qualify for recovery under an explicit setting.
    idp.admin_set_user_settings(
        UserPoolId=explicit,
        Username="alice",
        MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}],
    )
    out = idp.forgot_password(ClientId=client_id, Username="alice")
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    admin_only = make_pool(
        idp, AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]}
    )
    _user(idp, admin_only, **both)
    err = error_of(idp.forgot_password, ClientId=new_client(idp, admin_only), Username="alice")
    assert err[0] == "NotAuthorizedException" and messages(live, admin_only) == []


def test_no_verified_contact(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp)
    _user(idp, pool_id, email="alice@example.com")
    client_id = new_client(idp, pool_id)
    assert error_of(idp.forgot_password, ClientId=client_id, Username="alice") == NO_CONTACT
    hiding = new_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    out = idp.forgot_password(ClientId=hiding, Username="alice")
    assert out["CodeDeliveryDetails"]["DeliveryMedium"] in ("EMAIL", "SMS")
    assert messages(live, pool_id) == []


def test_users_who_cannot_reset(idp: Any, live: RunningServer) -> None:
    pool_id, client_id, hiding = _setup(idp)
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="newbie",
        MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "n@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    wrong_state = ("NotAuthorizedException", "User password cannot be reset in the current state.")
    assert error_of(idp.forgot_password, ClientId=client_id, Username="newbie") == wrong_state
    not_found = ("UserNotFoundException", "Username/client id combination not found.")
    assert error_of(idp.forgot_password, ClientId=client_id, Username="ghost") == not_found
    assert error_of(_confirm, idp=idp, client_id=client_id, code="123456", username="ghost") == not_found
    simulated = idp.forgot_password(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert simulated == idp.forgot_password(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert error_of(_confirm, idp=idp, client_id=hiding, code="123456", username="ghost") == WRONG
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    disabled = ("NotAuthorizedException", "User is disabled.")
    assert error_of(idp.forgot_password, ClientId=client_id, Username="alice") == disabled
    assert "CodeDeliveryDetails" in idp.forgot_password(ClientId=hiding, Username="alice")
    assert error_of(_confirm, idp=idp, client_id=hiding, code="123456") == WRONG
    assert messages(live, pool_id) == []
    assert (
        error_of(idp.forgot_password, ClientId="nosuchclient", Username="alice")[0]
        == "ResourceNotFoundException"
    )


def test_secret_clients_need_the_hash(idp: Any, live: RunningServer) -> None:
    from userpools.auth.secret_hash import secret_hash

    pool_id = make_pool(idp)
    _user(idp, pool_id, **CONTACT)
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="s", GenerateSecret=True)
    client_id, secret = created["UserPoolClient"]["ClientId"], created["UserPoolClient"]["ClientSecret"]
    assert error_of(idp.forgot_password, ClientId=client_id, Username="alice")[0] == "NotAuthorizedException"
    assert messages(live, pool_id) == []
    good = secret_hash(secret, "alice", client_id)
    idp.forgot_password(ClientId=client_id, Username="alice", SecretHash=good)
    code = last_code(live, pool_id)
    err = error_of(
        idp.confirm_forgot_password, ClientId=client_id, Username="alice", ConfirmationCode=code, Password=NEW
    )
    assert err[0] == "NotAuthorizedException"
    idp.confirm_forgot_password(
        ClientId=client_id, Username="alice", ConfirmationCode=code, Password=NEW, SecretHash=good
    )
    assert _password_is(live, pool_id, NEW)
