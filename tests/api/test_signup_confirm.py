"""ConfirmSignUp and ResendConfirmationCode: codes, expiry, attempt limits, aliases, user existence."""

from __future__ import annotations

from typing import Any

from test_signup_support import (
    app,
    attributes,
    clock,
    clocked,
    code_rows,
    codes_sent,
    last_code,
    new_client,
    sign_up,
    status,
)
from test_users_support import error_of, make_pool, messages

from userpools.ports import FakeClock
from userpools.testing import RunningServer

__all__ = ["clock", "clocked"]  # module fixtures

WRONG = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")
LIMIT = ("LimitExceededException", "Attempt limit exceeded, please try after some time.")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_confirm_verifies_the_email_and_spends_the_code(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp)
    sign_up(idp, client_id)
    code = last_code(live, pool_id)
    assert idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    assert status(idp, pool_id) == "CONFIRMED"
    assert attributes(idp, pool_id)["email_verified"] == "true"
    assert "confirm_sign_up" not in code_rows(live, pool_id, "alice")
    err = error_of(idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode=code)
    assert err == ("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED")


def test_wrong_codes_are_counted_and_limited(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp)
    sign_up(idp, client_id)
    code = last_code(live, pool_id)
    for attempt in range(1, 6):
        err = error_of(
            idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode=_wrong(code)
        )
        assert err == WRONG
        assert code_rows(live, pool_id, "alice")["confirm_sign_up"]["attempts"] == attempt
        assert status(idp, pool_id) == "UNCONFIRMED"
    assert error_of(idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode=code) == LIMIT
    # A new code starts afresh.
    idp.resend_confirmation_code(ClientId=client_id, Username="alice")
    idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=last_code(live, pool_id))
    assert status(idp, pool_id) == "CONFIRMED"


def test_codes_expire_after_a_day(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id, client_id = app(idp)
    sign_up(idp, client_id)
    code = last_code(clocked, pool_id)
    clock.advance(86400 + 1)
    assert (
        error_of(idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode=code) == EXPIRED
    )
    assert status(idp, pool_id) == "UNCONFIRMED"
    sign_up(idp, client_id, "bob")
    clock.advance(86400 - 10)
    idp.confirm_sign_up(
        ClientId=client_id, Username="bob", ConfirmationCode=last_code(clocked, pool_id, "bob")
    )


def test_no_code_was_ever_sent(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp)
    client_id = new_client(idp, pool_id)
    sign_up(idp, client_id)
    assert (
        error_of(idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode="123456")
        == EXPIRED
    )
    err = error_of(idp.resend_confirmation_code, ClientId=client_id, Username="alice")
    assert err == ("InvalidParameterException", "Cannot resend codes. Auto verification not turned on.")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="alice")
    assert status(idp, pool_id) == "CONFIRMED"


def test_unknown_and_disabled_users(idp: Any, live: RunningServer) -> None:
    pool_id, legacy = app(idp)
    hiding = new_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    not_found = ("UserNotFoundException", "Username/client id combination not found.")
    assert (
        error_of(idp.confirm_sign_up, ClientId=legacy, Username="ghost", ConfirmationCode="123456")
        == not_found
    )
    assert error_of(idp.resend_confirmation_code, ClientId=legacy, Username="ghost") == not_found
    assert (
        error_of(idp.confirm_sign_up, ClientId=hiding, Username="ghost", ConfirmationCode="123456") == WRONG
    )
    simulated = idp.resend_confirmation_code(ClientId=hiding, Username="ghost@example.org")
    assert simulated["CodeDeliveryDetails"] == {
        "Destination": "g***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    again = idp.resend_confirmation_code(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert again == idp.resend_confirmation_code(ClientId=hiding, Username="ghost")["CodeDeliveryDetails"]
    assert again["DeliveryMedium"] == "EMAIL"
    sign_up(idp, client_id=legacy)
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    code = last_code(live, pool_id)
    disabled = ("NotAuthorizedException", "User is disabled.")
    assert error_of(idp.confirm_sign_up, ClientId=legacy, Username="alice", ConfirmationCode=code) == disabled
    assert error_of(idp.confirm_sign_up, ClientId=hiding, Username="alice", ConfirmationCode=code) == WRONG
    assert "CodeDeliveryDetails" in idp.resend_confirmation_code(ClientId=hiding, Username="alice")
    assert len(messages(live, pool_id)) == 1 and status(idp, pool_id) == "UNCONFIRMED"


def test_resend_replaces_the_code(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp)
    sign_up(idp, client_id)
    first = last_code(live, pool_id)
    out = idp.resend_confirmation_code(ClientId=client_id, Username="alice")
    assert out["CodeDeliveryDetails"]["Destination"] == "a***@e***"
    second = last_code(live, pool_id)
    assert messages(live, pool_id)[-1]["kind"] == "resend_code"
    if first != second:
        err = error_of(idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode=first)
        assert err == WRONG
    idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=second)
    err = error_of(idp.resend_confirmation_code, ClientId=client_id, Username="alice")
    assert err == ("InvalidParameterException", "User is already confirmed.")


def test_resend_is_limited_per_hour(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id, client_id = app(idp)
    sign_up(idp, client_id)
    for _ in range(5):
        idp.resend_confirmation_code(ClientId=client_id, Username="alice")
    assert error_of(idp.resend_confirmation_code, ClientId=client_id, Username="alice") == LIMIT
    assert len(codes_sent(clocked, pool_id)) == 6
    clock.advance(3601)
    idp.resend_confirmation_code(ClientId=client_id, Username="alice")
    assert len(codes_sent(clocked, pool_id)) == 7


def test_alias_taken_at_confirmation(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp, AliasAttributes=["email"])
    sign_up(idp, client_id, "first", email="shared@example.com")
    idp.confirm_sign_up(
        ClientId=client_id, Username="first", ConfirmationCode=last_code(live, pool_id, "first")
    )
    sign_up(idp, client_id, "second", email="shared@example.com")
    code = last_code(live, pool_id, "second")
    err = error_of(idp.confirm_sign_up, ClientId=client_id, Username="second", ConfirmationCode=code)
    assert err == ("AliasExistsException", "An account with the email already exists.")
    assert status(idp, pool_id, "second") == "UNCONFIRMED"
    idp.confirm_sign_up(ClientId=client_id, Username="second", ConfirmationCode=code, ForceAliasCreation=True)
    assert idp.admin_get_user(UserPoolId=pool_id, Username="shared@example.com")["Username"] == "second"
    assert attributes(idp, pool_id, "first")["email_verified"] == "false"
    assert attributes(idp, pool_id, "second")["email_verified"] == "true"


def test_confirm_checks_the_secret_hash(idp: Any, live: RunningServer) -> None:
    from userpools.auth.secret_hash import secret_hash

    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="s", GenerateSecret=True)
    client_id, secret = created["UserPoolClient"]["ClientId"], created["UserPoolClient"]["ClientSecret"]
    idp.sign_up(
        ClientId=client_id,
        Username="alice",
        Password="Corr3ct-Horse!",
        SecretHash=secret_hash(secret, "alice", client_id),
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    code = last_code(live, pool_id)
    err = error_of(idp.confirm_sign_up, ClientId=client_id, Username="alice", ConfirmationCode=code)
    assert err[0] == "NotAuthorizedException"
    assert status(idp, pool_id) == "UNCONFIRMED"
    idp.confirm_sign_up(
        ClientId=client_id,
        Username="alice",
        ConfirmationCode=code,
        SecretHash=secret_hash(secret, "alice", client_id),
    )
    assert status(idp, pool_id) == "CONFIRMED"
