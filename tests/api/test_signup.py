"""SignUp: users, passwords, attributes, clients and the confirmation code's delivery."""

from __future__ import annotations

import uuid
from typing import Any

from test_signup_support import (
    PASSWORD,
    app,
    attributes,
    code_rows,
    codes_sent,
    digest,
    last_code,
    new_client,
    sign_up,
    status,
    user_count,
)
from test_users_support import error_of, make_pool, messages

from userpools.auth.secret_hash import secret_hash
from userpools.crypto.srp import verify_password
from userpools.testing import RunningServer


def test_sign_up_sends_a_code_to_the_auto_verified_email(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp)
    out = sign_up(idp, client_id, name="Alice")
    assert out["UserConfirmed"] is False
    assert str(uuid.UUID(out["UserSub"])) == out["UserSub"]
    assert out["CodeDeliveryDetails"] == {
        "Destination": "a***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    assert status(idp, pool_id) == "UNCONFIRMED"
    attrs = attributes(idp, pool_id)
    assert attrs["sub"] == out["UserSub"] and attrs["name"] == "Alice"
    assert attrs.get("email_verified", "false") == "false"
    [sent] = messages(live, pool_id, "alice")
    assert sent["channel"] == "email" and sent["destination"] == "alice@example.com"
    assert sent["subject"] == "Your verification code" and sent["kind"] == "sign_up"
    code = last_code(live, pool_id)
    assert sent["body"] == f"Your verification code is {code}. "
    row = code_rows(live, pool_id, "alice")["confirm_sign_up"]
    assert row["code_hash"] == digest(live, "confirm_sign_up", out["UserSub"], code)
    assert code not in row["code_hash"] and row["expires"] - row["created"] == 86400


def test_the_password_is_stored_as_a_verifier(idp: Any, live: RunningServer) -> None:
    from test_users_support import credentials

    pool_id, client_id = app(idp)
    sign_up(idp, client_id)
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and not cred["temporary"]
    assert verify_password(cred["salt"], cred["verifier"], pool_id, "alice", PASSWORD)


def test_phone_is_preferred_when_both_are_auto_verified(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp, AutoVerifiedAttributes=["email", "phone_number"])
    out = sign_up(idp, client_id, phone_number="+15555550123")
    assert out["CodeDeliveryDetails"] == {
        "Destination": "+*******0123",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }
    [sent] = messages(live, pool_id)
    assert sent["channel"] == "sms" and sent["destination"] == "+15555550123"


def test_without_auto_verification_nothing_is_sent(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp)
    client_id = new_client(idp, pool_id)
    out = sign_up(idp, client_id)
    assert "CodeDeliveryDetails" not in out and out["UserConfirmed"] is False
    assert status(idp, pool_id) == "UNCONFIRMED"
    assert messages(live, pool_id) == []


def test_templates_and_placeholders(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(
        idp,
        AutoVerifiedAttributes=["email", "phone_number"],
        VerificationMessageTemplate={"SmsMessage": "Hi {username}, your code: {####}"},
    )
    sign_up(idp, client_id, "bob", phone_number="+15555550100")
    [sent] = messages(live, pool_id, "bob")
    assert sent["body"] == f"Hi bob, your code: {last_code(live, pool_id)}"
    legacy_pool, legacy_client = app(
        idp, EmailVerificationMessage="Code {####} here", EmailVerificationSubject="Welcome"
    )
    sign_up(idp, legacy_client)
    [mail] = messages(live, legacy_pool)
    assert mail["subject"] == "Welcome" and mail["body"] == f"Code {last_code(live, legacy_pool)} here"


def test_confirm_with_link(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(
        idp,
        VerificationMessageTemplate={
            "DefaultEmailOption": "CONFIRM_WITH_LINK",
            "EmailMessageByLink": "Please {##Verify Email##} now",
        },
    )
    sign_up(idp, client_id)
    [mail] = messages(live, pool_id)
    code = last_code(live, pool_id)
    assert mail["subject"] == "Your verification link"
    assert mail["body"].startswith('Please <a href="') and mail["body"].endswith('">Verify Email</a> now')
    assert f"/confirmUser?client_id={client_id}&user_name=alice&confirmation_code={code}" in mail["body"]
    idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    assert status(idp, pool_id) == "CONFIRMED"


def test_secret_hash_is_required_for_secret_clients(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="s", GenerateSecret=True)
    client_id = created["UserPoolClient"]["ClientId"]
    secret = created["UserPoolClient"]["ClientSecret"]
    request = {"ClientId": client_id, "Username": "alice", "Password": PASSWORD}
    code, message = error_of(idp.sign_up, **request)
    assert code == "NotAuthorizedException"
    assert message == f"Client {client_id} is configured with secret but SECRET_HASH was not received"
    code, message = error_of(idp.sign_up, SecretHash=secret_hash(secret, "bob", client_id), **request)
    assert (code, message) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client_id}",
    )
    assert user_count(idp, pool_id) == 0
    idp.sign_up(SecretHash=secret_hash(secret, "alice", client_id), **request)
    assert status(idp, pool_id) == "UNCONFIRMED"


def test_sign_up_errors_change_nothing(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp, Schema=[{"Name": "tier", "AttributeDataType": "Number", "Mutable": True}])
    weak = {"ClientId": client_id, "Username": "alice", "Password": "short"}
    code, message = error_of(idp.sign_up, **weak)
    assert (code, message) == (
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    )
    code, message = error_of(idp.sign_up, ClientId=client_id, Username="alice", Password="nouppercase1!")
    assert message == "Password did not conform with policy: Password must have uppercase characters"
    good = {"ClientId": client_id, "Username": "alice", "Password": PASSWORD}
    code, _ = error_of(idp.sign_up, UserAttributes=[{"Name": "custom:nope", "Value": "x"}], **good)
    assert code == "InvalidParameterException"
    code, _ = error_of(idp.sign_up, UserAttributes=[{"Name": "custom:tier", "Value": "gold"}], **good)
    assert code == "InvalidParameterException"
    code, message = error_of(
        idp.sign_up, UserAttributes=[{"Name": "email_verified", "Value": "true"}], **good
    )
    assert (code, message) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    code, message = error_of(idp.sign_up, **{**good, "ClientId": "nosuchclient"})
    assert (code, message) == ("ResourceNotFoundException", "User pool client nosuchclient does not exist.")
    assert user_count(idp, pool_id) == 0 and messages(live, pool_id) == []
    sign_up(idp, client_id)
    code, message = error_of(idp.sign_up, **good)
    assert (code, message) == ("UsernameExistsException", "User already exists")
    assert user_count(idp, pool_id) == 1 and len(codes_sent(live, pool_id)) == 1


def test_client_write_attributes_are_enforced(idp: Any) -> None:
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    client_id = new_client(idp, pool_id, WriteAttributes=["email", "name"])
    request = {"ClientId": client_id, "Username": "alice", "Password": PASSWORD}
    code, message = error_of(idp.sign_up, UserAttributes=[{"Name": "nickname", "Value": "al"}], **request)
    assert (code, message) == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    assert user_count(idp, pool_id) == 0
    idp.sign_up(UserAttributes=[{"Name": "name", "Value": "Al"}], **request)


def test_admin_create_user_only_pools_refuse_sign_up(idp: Any) -> None:
    pool_id, client_id = app(idp, AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
    code, message = error_of(idp.sign_up, ClientId=client_id, Username="alice", Password=PASSWORD)
    assert (code, message) == ("NotAuthorizedException", "SignUp is not permitted for this user pool")
    assert user_count(idp, pool_id) == 0


def test_email_as_username(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp, UsernameAttributes=["email"])
    out = idp.sign_up(ClientId=client_id, Username="Jane@Example.com", Password=PASSWORD)
    user = idp.admin_get_user(UserPoolId=pool_id, Username="Jane@Example.com")
    assert user["Username"] == out["UserSub"]
    assert out["CodeDeliveryDetails"]["Destination"] == "J***@E***"
    code, message = error_of(idp.sign_up, ClientId=client_id, Username="Jane@Example.com", Password=PASSWORD)
    assert (code, message) == ("UsernameExistsException", "An account with the given email already exists.")
    code, _ = error_of(idp.sign_up, ClientId=client_id, Username="jane", Password=PASSWORD)
    assert code == "InvalidParameterException"
    assert user_count(idp, pool_id) == 1


def test_alias_pools(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = app(idp, AliasAttributes=["email"])
    code, _ = error_of(idp.sign_up, ClientId=client_id, Username="a@example.com", Password=PASSWORD)
    assert code == "InvalidParameterException"
    sign_up(idp, client_id, "first", email="shared@example.com")
    # An unverified email is no alias yet: the user can't be found by it.
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="shared@example.com")[0] == (
        "UserNotFoundException"
    )
    idp.confirm_sign_up(
        ClientId=client_id, Username="first", ConfirmationCode=last_code(live, pool_id, "first")
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="shared@example.com")["Username"] == "first"
    # Signing up with an email another user holds as alias succeeds; the conflict shows at confirmation.
    sign_up(idp, client_id, "second", email="shared@example.com")
    assert status(idp, pool_id, "second") == "UNCONFIRMED"
