"""AdminCreateUser: validation, username rules, aliases, temporary passwords, invitations, RESEND."""

from __future__ import annotations

import re
import uuid
from typing import Any

from test_users_support import attrs, credentials, error_of, make_pool, messages

from userpools.crypto.srp import verify_password
from userpools.testing import RunningServer

EMAIL = [{"Name": "email", "Value": "alice@example.com"}]


def temp_password(message: dict[str, Any]) -> str:
    match = re.search(r"temporary password is (\S+)\.\s*$", message["body"])
    assert match, message["body"]
    return match.group(1)


def test_create_user(idp: Any, pool_id: str, live: RunningServer) -> None:
    user = idp.admin_create_user(UserPoolId=pool_id, Username="alice", UserAttributes=EMAIL)["User"]
    assert user["Username"] == "alice"
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    values = attrs(user)
    assert values["email"] == "alice@example.com"
    assert str(uuid.UUID(values["sub"])) == values["sub"]
    got = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert got["Username"] == "alice" and attrs(got, "UserAttributes") == values
    assert got["UserCreateDate"] == user["UserCreateDate"]
    assert got["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert "MFAOptions" not in got


def test_invitation_email_carries_a_working_temporary_password(
    idp: Any, pool_id: str, live: RunningServer
) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id, Username="alice", UserAttributes=EMAIL, DesiredDeliveryMediums=["EMAIL"]
    )
    [sent] = messages(live, pool_id, "alice")
    assert sent["channel"] == "email" and sent["destination"] == "alice@example.com"
    assert sent["subject"] == "Your temporary password"
    assert sent["body"].startswith("Your username is alice and temporary password is ")
    password = temp_password(sent)
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and cred["temporary"]
    assert password not in cred["verifier"] and password not in cred["salt"]
    assert verify_password(cred["salt"], cred["verifier"], pool_id, "alice", password)
    assert cred["expires"] - cred["set_at"] == 7 * 86400


def test_given_temporary_password_and_custom_templates(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(
        idp,
        AdminCreateUserConfig={
            "InviteMessageTemplate": {
                "EmailSubject": "Welcome!",
                "EmailMessage": "Hi {username}, use {####}",
                "SMSMessage": "{username}/{####}",
            }
        },
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 6,
                "RequireUppercase": False,
                "RequireSymbols": False,
                "RequireNumbers": False,
                "RequireLowercase": True,
                "TemporaryPasswordValidityDays": 3,
            }
        },
    )
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        TemporaryPassword="simple",
        UserAttributes=[*EMAIL, {"Name": "phone_number", "Value": "+15555550100"}],
        DesiredDeliveryMediums=["EMAIL", "SMS"],
    )
    sent = {m["channel"]: m for m in messages(live, pool_id, "bob")}
    assert sent["email"]["subject"] == "Welcome!" and sent["email"]["body"] == "Hi bob, use simple"
    assert sent["sms"]["body"] == "bob/simple" and sent["sms"]["destination"] == "+15555550100"
    cred = credentials(live, pool_id, "bob")
    assert cred is not None and cred["expires"] - cred["set_at"] == 3 * 86400


def test_default_medium_is_sms_when_a_phone_is_known(idp: Any, pool_id: str, live: RunningServer) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="p",
        UserAttributes=[*EMAIL, {"Name": "phone_number", "Value": "+15555550101"}],
    )
    assert [m["channel"] for m in messages(live, pool_id, "p")] == ["sms"]
    idp.admin_create_user(UserPoolId=pool_id, Username="e", UserAttributes=EMAIL)
    assert [m["channel"] for m in messages(live, pool_id, "e")] == ["email"]


def test_suppress_sends_nothing(idp: Any, pool_id: str, live: RunningServer) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id, Username="quiet", UserAttributes=EMAIL, MessageAction="SUPPRESS"
    )
    assert messages(live, pool_id, "quiet") == []
    assert credentials(live, pool_id, "quiet") is not None


def test_medium_without_its_attribute(idp: Any, pool_id: str, live: RunningServer) -> None:
    code, message = error_of(
        idp.admin_create_user,
        UserPoolId=pool_id,
        Username="x",
        UserAttributes=EMAIL,
        DesiredDeliveryMediums=["SMS"],
    )
    assert code == "InvalidParameterException" and "phone_number" in message
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="x")[0] == "UserNotFoundException"
    assert messages(live, pool_id) == []


def test_duplicate_username(idp: Any, pool_id: str) -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS")
    code, message = error_of(
        idp.admin_create_user, UserPoolId=pool_id, Username="alice", UserAttributes=EMAIL
    )
    assert (code, message) == ("UsernameExistsException", "User account already exists")
    assert "email" not in attrs(idp.admin_get_user(UserPoolId=pool_id, Username="alice"), "UserAttributes")
    # The API default is case-sensitive usernames.
    idp.admin_create_user(UserPoolId=pool_id, Username="Alice", MessageAction="SUPPRESS")
    assert len(idp.list_users(UserPoolId=pool_id)["Users"]) == 2


def test_case_insensitive_pool(idp: Any) -> None:
    pool_id = make_pool(idp, UsernameConfiguration={"CaseSensitive": False})
    idp.admin_create_user(UserPoolId=pool_id, Username="Alice", MessageAction="SUPPRESS")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="aLICE")["Username"] == "Alice"
    code, _ = error_of(idp.admin_create_user, UserPoolId=pool_id, Username="ALICE", MessageAction="SUPPRESS")
    assert code == "UsernameExistsException"


def test_bad_attributes_create_nothing(idp: Any, pool_id: str, live: RunningServer) -> None:
    cases = [
        ([{"Name": "custom:nope", "Value": "x"}], "custom:nope: Attribute does not exist in the schema."),
        ([{"Name": "email", "Value": "not-an-email"}], "Invalid email address format."),
        ([{"Name": "phone_number", "Value": "555-0100"}], "Invalid phone number format."),
        ([{"Name": "sub", "Value": str(uuid.uuid4())}], "sub: Attribute cannot be written."),
        (
            [{"Name": "email_verified", "Value": "maybe"}],
            "email_verified: Attribute value must be true or false.",
        ),
        (
            [{"Name": "birthdate", "Value": "1/1/90"}],
            "birthdate: String must be at least 10 characters long.",
        ),
    ]
    for attributes, expected in cases:
        code, message = error_of(
            idp.admin_create_user, UserPoolId=pool_id, Username="bad", UserAttributes=attributes
        )
        assert code == "InvalidParameterException"
        assert expected in message
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []
    assert messages(live, pool_id) == []


def test_schema_constraints_and_required(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(
        idp,
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {
                "Name": "tier",
                "AttributeDataType": "String",
                "Mutable": True,
                "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "4"},
            },
            {
                "Name": "level",
                "AttributeDataType": "Number",
                "Mutable": True,
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "9"},
            },
        ],
    )
    code, message = error_of(
        idp.admin_create_user, UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS"
    )
    assert code == "InvalidParameterException" and "email: The attribute is required" in message
    for name, value, why in (
        ("custom:tier", "toolong", "no longer than 4"),
        ("custom:level", "10", "less than"),
        ("custom:level", "x", "whole number"),
    ):
        code, message = error_of(
            idp.admin_create_user,
            UserPoolId=pool_id,
            Username="u",
            MessageAction="SUPPRESS",
            UserAttributes=[*EMAIL, {"Name": name, "Value": value}],
        )
        assert code == "InvalidParameterException" and why in message
    user = idp.admin_create_user(
        UserPoolId=pool_id,
        Username="u",
        MessageAction="SUPPRESS",
        UserAttributes=[
            *EMAIL,
            {"Name": "custom:tier", "Value": "gold"},
            {"Name": "custom:level", "Value": "3"},
        ],
    )["User"]
    assert attrs(user)["custom:tier"] == "gold" and attrs(user)["custom:level"] == "3"
    assert len(idp.list_users(UserPoolId=pool_id)["Users"]) == 1


def test_temporary_password_must_follow_policy(idp: Any, pool_id: str, live: RunningServer) -> None:
    code, message = error_of(
        idp.admin_create_user, UserPoolId=pool_id, Username="u", TemporaryPassword="short"
    )
    assert code == "InvalidPasswordException"
    assert message == "Password did not conform with policy: Password not long enough"
    code, message = error_of(
        idp.admin_create_user, UserPoolId=pool_id, Username="u", TemporaryPassword="longenough1!"
    )
    assert message == "Password did not conform with policy: Password must have uppercase characters"
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_unknown_pool(idp: Any) -> None:
    code, message = error_of(idp.admin_create_user, UserPoolId="us-east-1_nope12345", Username="u")
    assert code == "ResourceNotFoundException" and "us-east-1_nope12345" in message


def test_resend(idp: Any, pool_id: str, live: RunningServer) -> None:
    idp.admin_create_user(UserPoolId=pool_id, Username="alice", UserAttributes=EMAIL)
    first = temp_password(messages(live, pool_id, "alice")[0])
    user = idp.admin_create_user(UserPoolId=pool_id, Username="alice", MessageAction="RESEND")["User"]
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    sent = messages(live, pool_id, "alice")
    assert len(sent) == 2
    second = temp_password(sent[1])
    assert second != first
    cred = credentials(live, pool_id, "alice")
    assert cred is not None
    assert verify_password(cred["salt"], cred["verifier"], pool_id, "alice", second)
    assert not verify_password(cred["salt"], cred["verifier"], pool_id, "alice", first)
    code, _ = error_of(idp.admin_create_user, UserPoolId=pool_id, Username="ghost", MessageAction="RESEND")
    assert code == "UserNotFoundException"
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="alice", Password="Perm-Passw0rd", Permanent=True
    )
    code, message = error_of(
        idp.admin_create_user, UserPoolId=pool_id, Username="alice", MessageAction="RESEND"
    )
    assert code == "UnsupportedUserStateException" and "FORCE_CHANGE_PASSWORD" in message
    assert len(messages(live, pool_id, "alice")) == 2


def test_username_attributes_pool(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    user = idp.admin_create_user(UserPoolId=pool_id, Username="Jane@Example.com", MessageAction="SUPPRESS")[
        "User"
    ]
    values = attrs(user)
    assert user["Username"] == values["sub"]
    assert values["email"] == "Jane@Example.com"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="Jane@Example.com")["Username"] == values["sub"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username=values["sub"])["Username"] == values["sub"]
    code, message = error_of(idp.admin_create_user, UserPoolId=pool_id, Username="jane")
    assert (code, message) == ("InvalidParameterException", "Username should be an email.")
    code, message = error_of(idp.admin_create_user, UserPoolId=pool_id, Username="Jane@Example.com")
    assert (code, message) == ("UsernameExistsException", "An account with the given email already exists.")
    assert len(idp.list_users(UserPoolId=pool_id)["Users"]) == 1
    both = make_pool(idp, UsernameAttributes=["email", "phone_number"])
    phone_user = idp.admin_create_user(UserPoolId=both, Username="+15555550123", MessageAction="SUPPRESS")[
        "User"
    ]
    assert attrs(phone_user)["phone_number"] == "+15555550123"
    assert error_of(idp.admin_create_user, UserPoolId=both, Username="nobody")[1] == (
        "Username should be either an email or a phone number."
    )


def test_alias_pool_rejects_alias_shaped_usernames(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email", "phone_number"])
    code, message = error_of(idp.admin_create_user, UserPoolId=pool_id, Username="a@b.co")
    assert code == "InvalidParameterException" and "email format" in message
    code, message = error_of(idp.admin_create_user, UserPoolId=pool_id, Username="+15555550100")
    assert code == "InvalidParameterException" and "phone number format" in message
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_verified_alias_belongs_to_one_user(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email"], UsernameConfiguration={"CaseSensitive": False})
    verified = [{"Name": "email", "Value": "Shared@Example.com"}, {"Name": "email_verified", "Value": "true"}]
    # An unverified email is not an alias: it can be shared, and does not sign anyone in.
    idp.admin_create_user(UserPoolId=pool_id, Username="u0", MessageAction="SUPPRESS", UserAttributes=EMAIL)
    idp.admin_create_user(UserPoolId=pool_id, Username="u00", MessageAction="SUPPRESS", UserAttributes=EMAIL)
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="alice@example.com")[0] == (
        "UserNotFoundException"
    )
    idp.admin_create_user(
        UserPoolId=pool_id, Username="first", MessageAction="SUPPRESS", UserAttributes=verified
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="shared@example.COM")["Username"] == "first"
    code, message = error_of(
        idp.admin_create_user,
        UserPoolId=pool_id,
        Username="second",
        MessageAction="SUPPRESS",
        UserAttributes=verified,
    )
    # AdminCreateUser models no AliasExistsException: Cognito answers UsernameExistsException.
    assert (code, message) == ("UsernameExistsException", "An account with the given email already exists.")
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="second")[0] == "UserNotFoundException"
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="second",
        MessageAction="SUPPRESS",
        UserAttributes=verified,
        ForceAliasCreation=True,
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="shared@example.com")["Username"] == "second"
    first = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="first"), "UserAttributes")
    assert first["email_verified"] == "false" and first["email"] == "Shared@Example.com"


def test_preferred_username_alias(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["preferred_username"])
    nick = [{"Name": "preferred_username", "Value": "neo"}]
    idp.admin_create_user(
        UserPoolId=pool_id, Username="thomas", MessageAction="SUPPRESS", UserAttributes=nick
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="neo")["Username"] == "thomas"
    code, _ = error_of(
        idp.admin_create_user,
        UserPoolId=pool_id,
        Username="anderson",
        MessageAction="SUPPRESS",
        UserAttributes=nick,
        ForceAliasCreation=True,
    )
    assert code == "UsernameExistsException"
