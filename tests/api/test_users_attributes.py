"""AdminUpdateUserAttributes and AdminDeleteUserAttributes."""

from __future__ import annotations

from typing import Any

from test_users_support import attrs, error_of, make_pool, messages

from userpools.crypto import code_digest
from userpools.testing import RunningServer

SCHEMA = [
    {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
    {"Name": "badge", "AttributeDataType": "String", "Mutable": False},
    {"Name": "secret", "AttributeDataType": "String", "Mutable": True, "DeveloperOnlyAttribute": True},
]


def _attributes(idp: Any, pool_id: str, username: str = "alice") -> dict[str, str]:
    return attrs(idp.admin_get_user(UserPoolId=pool_id, Username=username), "UserAttributes")


def _create(idp: Any, pool_id: str, username: str = "alice", **extra: str) -> None:
    values = {"email": "alice@example.com", **extra}
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()],
    )


def test_update_attributes(idp: Any, pool_id: str) -> None:
    _create(idp, pool_id, email_verified="true")
    before = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="alice",
        UserAttributes=[
            {"Name": "name", "Value": "Alice"},
            {"Name": "phone_number", "Value": "+15555550100"},
            {"Name": "phone_number_verified", "Value": "true"},
        ],
    )
    after = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    values = attrs(after, "UserAttributes")
    assert values["name"] == "Alice" and values["phone_number_verified"] == "true"
    assert values["email_verified"] == "true"  # untouched
    assert values["sub"] == attrs(before, "UserAttributes")["sub"]
    assert after["UserLastModifiedDate"] > before["UserLastModifiedDate"]


def test_changing_email_resets_verification_unless_given(idp: Any, pool_id: str) -> None:
    _create(idp, pool_id, email_verified="true")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    values = _attributes(idp, pool_id)
    assert values["email"] == "new@example.com" and values["email_verified"] == "false"
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="alice",
        UserAttributes=[
            {"Name": "email", "Value": "newer@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    )
    assert _attributes(idp, pool_id)["email_verified"] == "true"


def test_auto_verified_email_change_sends_a_code(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    _create(idp, pool_id)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    [sent] = messages(live, pool_id, "alice")
    assert sent["destination"] == "new@example.com" and sent["kind"] == "verification"
    code = sent["body"].split()[-1].rstrip(".")
    assert code.isdigit() and len(code) == 6
    from test_users_support import db

    sub = _attributes(idp, pool_id)["sub"]
    with db(live) as conn:
        row = conn.execute(
            "SELECT c.code_hash FROM user_codes c JOIN users u ON u.id = c.user_id "
            "WHERE u.pool_id = ? AND c.purpose = 'verify_email'",
            (pool_id,),
        ).fetchone()
    assert row["code_hash"] == code_digest(
        live.app.state.services.sealer.derive("codes"), "verify_email", sub, code
    )


def test_update_errors_change_nothing(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, Schema=SCHEMA)
    _create(idp, pool_id, **{"custom:badge": "gold"})
    before = _attributes(idp, pool_id)
    cases = [
        ({"custom:badge": "silver"}, "immutable"),
        ({"custom:unknown": "x"}, "does not exist"),
        ({"sub": "x"}, "sub"),
        ({"email": "broken"}, "Invalid email address format."),
        ({"name": "ok", "phone_number": "12345"}, "Invalid phone number format."),
        ({"email": ""}, "email: The attribute is required"),
    ]
    for changes, why in cases:
        code, message = error_of(
            idp.admin_update_user_attributes,
            UserPoolId=pool_id,
            Username="alice",
            UserAttributes=[{"Name": k, "Value": v} for k, v in changes.items()],
        )
        assert code == "InvalidParameterException" and why in message
    assert _attributes(idp, pool_id) == before
    assert (
        error_of(
            idp.admin_update_user_attributes,
            UserPoolId=pool_id,
            Username="ghost",
            UserAttributes=[{"Name": "name", "Value": "x"}],
        )[0]
        == "UserNotFoundException"
    )


def test_developer_only_attributes_are_admin_writable(idp: Any) -> None:
    pool_id = make_pool(idp, Schema=SCHEMA)
    _create(idp, pool_id)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "dev:custom:secret", "Value": "s3"}]
    )
    assert _attributes(idp, pool_id)["dev:custom:secret"] == "s3"


def test_verifying_a_taken_alias_moves_it(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email"])
    _create(idp, pool_id, "first", email_verified="true")
    _create(idp, pool_id, "second")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice@example.com")["Username"] == "first"
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="second", UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice@example.com")["Username"] == "second"
    assert _attributes(idp, pool_id, "first")["email_verified"] == "false"
    # Changing the holder's email frees the alias; the new value is unverified, so no alias yet.
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username="second",
        UserAttributes=[{"Name": "email", "Value": "moved@example.com"}],
    )
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="alice@example.com")[0] == (
        "UserNotFoundException"
    )
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="moved@example.com")[0] == (
        "UserNotFoundException"
    )


def test_taken_preferred_username_and_username_attribute_are_refused(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["preferred_username"])
    _create(idp, pool_id, "first", preferred_username="neo")
    _create(idp, pool_id, "second")
    code, message = error_of(
        idp.admin_update_user_attributes,
        UserPoolId=pool_id,
        Username="second",
        UserAttributes=[{"Name": "preferred_username", "Value": "neo"}, {"Name": "name", "Value": "N"}],
    )
    assert (code, message) == (
        "AliasExistsException",
        "An account with the preferred_username already exists.",
    )
    assert "name" not in _attributes(idp, pool_id, "second")
    by_email = make_pool(idp, UsernameAttributes=["email"])
    for address in ("a@example.com", "b@example.com"):
        idp.admin_create_user(UserPoolId=by_email, Username=address, MessageAction="SUPPRESS")
    code, _ = error_of(
        idp.admin_update_user_attributes,
        UserPoolId=by_email,
        Username="b@example.com",
        UserAttributes=[{"Name": "email", "Value": "a@example.com"}],
    )
    assert code == "AliasExistsException"
    assert _attributes(idp, by_email, "b@example.com")["email"] == "b@example.com"


def test_delete_attributes(idp: Any) -> None:
    pool_id = make_pool(idp, Schema=SCHEMA, AliasAttributes=["phone_number"])
    _create(
        idp,
        pool_id,
        name="Alice",
        phone_number="+15555550100",
        phone_number_verified="true",
        **{"custom:badge": "gold"},
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="+15555550100")["Username"] == "alice"
    idp.admin_delete_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributeNames=["name", "phone_number"]
    )
    values = _attributes(idp, pool_id)
    assert "name" not in values and "phone_number" not in values and "phone_number_verified" not in values
    assert (
        error_of(idp.admin_get_user, UserPoolId=pool_id, Username="+15555550100")[0]
        == "UserNotFoundException"
    )
    for names, why in (
        (["email"], "required"),
        (["custom:badge"], "immutable"),
        (["sub"], "immutable"),
        (["custom:nope"], "does not exist"),
        (["given_name", "email"], "required"),
    ):
        code, message = error_of(
            idp.admin_delete_user_attributes, UserPoolId=pool_id, Username="alice", UserAttributeNames=names
        )
        assert code == "InvalidParameterException" and why in message
    assert _attributes(idp, pool_id) == values
    assert (
        error_of(
            idp.admin_delete_user_attributes,
            UserPoolId=pool_id,
            Username="ghost",
            UserAttributeNames=["name"],
        )[0]
        == "UserNotFoundException"
    )


def test_username_attribute_cannot_be_deleted(idp: Any) -> None:
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    idp.admin_create_user(UserPoolId=pool_id, Username="a@example.com", MessageAction="SUPPRESS")
    code, _ = error_of(
        idp.admin_delete_user_attributes,
        UserPoolId=pool_id,
        Username="a@example.com",
        UserAttributeNames=["email"],
    )
    assert code == "InvalidParameterException"
    assert _attributes(idp, pool_id, "a@example.com")["email"] == "a@example.com"
