from __future__ import annotations

from userpools.domain import messages
from userpools.domain.user import active_aliases, filter_columns
from userpools.domain.user_pool_rules import pool_rules


def rules(**pool: object):  # type: ignore[no-untyped-def]
    return pool_rules({"Id": "us-east-1_Abc", **pool})


def test_defaults_when_pool_document_is_sparse() -> None:
    r = rules()
    assert r.case_sensitive is True
    assert r.password_policy["MinimumLength"] == 8 and r.password_policy["RequireSymbols"]
    assert r.temporary_password_days == 7
    assert r.pool_name == "Abc"
    assert any(a["Name"] == "email" for a in r.schema)


def test_aliases_need_verification_except_preferred_username() -> None:
    r = rules(
        AliasAttributes=["email", "phone_number", "preferred_username"],
        UsernameConfiguration={"CaseSensitive": False},
    )
    attrs = {"email": "A@X.io", "phone_number": "+1555", "preferred_username": "Neo"}
    assert active_aliases(r, attrs) == {"email": None, "phone_number": None, "preferred_username": "neo"}
    attrs |= {"email_verified": "true", "phone_number_verified": "true"}
    assert active_aliases(r, attrs) == {
        "email": "a@x.io",
        "phone_number": "+1555",
        "preferred_username": "neo",
    }


def test_username_attributes_are_aliases_unverified_and_case_kept_when_sensitive() -> None:
    r = rules(UsernameAttributes=["email"])
    assert active_aliases(r, {"email": "A@X.io"})["email"] == "A@X.io"
    assert active_aliases(rules(), {"email": "a@x.io", "email_verified": "true"})["email"] is None


def test_filter_columns_are_lower_cased() -> None:
    cols = filter_columns({"email": "A@B.C", "name": "Zoë"})
    assert cols["email"] == "a@b.c" and cols["name"] == "zoë" and cols["given_name"] is None


def test_message_templates_and_masks() -> None:
    subject, body = messages.invitation({}, "email")
    assert subject == "Your temporary password"
    assert messages.render(body, code="Tmp1!", username="bob") == (
        "Your username is bob and temporary password is Tmp1!."
    )
    assert messages.invitation({"SMSMessage": "u={username} p={####}"}, "sms") == (
        "",
        "u={username} p={####}",
    )
    assert messages.code_message({}, "sms") == ("", "Your verification code is {####}.")
    assert messages.mask_email("jane@example.com") == "j***@e***"
    assert messages.mask_phone("+15555550123") == "+*******0123"


def test_schema_from_a_create_request_when_schema_attributes_are_absent() -> None:
    r = rules(
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True},
            {"Name": "tier", "AttributeDataType": "String", "Mutable": False},
            {"Name": "sec", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        ]
    )
    by = {a["Name"]: a for a in r.schema}
    assert by["email"]["Required"] is True
    assert by["custom:tier"]["Mutable"] is False
    assert by["dev:sec"]["DeveloperOnlyAttribute"] is True
    stored = rules(SchemaAttributes=[{"Name": "custom:x", "AttributeDataType": "String"}])
    assert [a["Name"] for a in stored.schema] == ["custom:x"]


def test_recovery_setting_and_verification_template_fallbacks() -> None:
    r = rules(
        AccountRecoverySetting={"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]},
        EmailVerificationMessage="Code {####}",
        VerificationMessageTemplate={"SmsMessage": "S {####}"},
    )
    assert r.recovery == (("verified_email", 1),)
    assert r.verification_template == {"SmsMessage": "S {####}", "EmailMessage": "Code {####}"}
    assert rules().recovery == (("verified_phone_number", 1), ("verified_email", 2))
