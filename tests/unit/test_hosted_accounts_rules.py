"""Pure parts of userpools.oauth2.accounts: the sign-up ticket, sign-up fields, the password hint."""

from __future__ import annotations

from typing import Any

from userpools.crypto.sealing import Sealer
from userpools.domain.schema import standard_schema
from userpools.oauth2 import accounts
from userpools.ports import SystemRandom

SEALER = Sealer(b"t" * 32, SystemRandom())


def _pool(**extra: Any) -> dict[str, Any]:
    schema = standard_schema()
    for item in schema:
        if item["Name"] in ("email", "birthdate"):
            item["Required"] = True
    schema.append({"Name": "custom:team", "AttributeDataType": "String", "Required": True})
    return {"Id": "us-east-1_abc", "SchemaAttributes": schema, **extra}


def test_ticket_is_bound_to_domain_browser_and_time() -> None:
    ticket = accounts.Ticket("us-east-1_abc", "client1", "sub-1", 2000.0)
    sealed = accounts.seal_ticket(SEALER, "login", "cookie-a", ticket)
    assert accounts.open_ticket(SEALER, "login", "cookie-a", sealed, 1000.0) == ticket
    assert accounts.open_ticket(SEALER, "login", "cookie-b", sealed, 1000.0) is None  # another browser
    assert accounts.open_ticket(SEALER, "other", "cookie-a", sealed, 1000.0) is None  # another domain
    assert accounts.open_ticket(SEALER, "login", None, sealed, 1000.0) is None
    assert accounts.open_ticket(SEALER, "login", "cookie-a", sealed, 2000.0) is None  # expired
    assert accounts.open_ticket(SEALER, "login", "cookie-a", sealed[:-2] + "AA", 1000.0) is None
    assert accounts.open_ticket(SEALER, "login", "cookie-a", "", 1000.0) is None


def test_sign_up_fields_are_the_required_attributes() -> None:
    fields = accounts.sign_up_fields(_pool())
    assert [(f.attribute, f.label, f.input_type) for f in fields] == [
        ("email", "Email", "email"), ("birthdate", "Birthdate", "date"), ("custom:team", "team", "text"),
    ]  # fmt: skip
    assert fields[0].autocomplete == "email" and fields[1].hint == "YYYY-MM-DD."
    # The username fills the one UsernameAttribute.
    by_email = accounts.sign_up_fields(_pool(UsernameAttributes=["email"]))
    assert [f.attribute for f in by_email] == ["birthdate", "custom:team"]
    assert accounts.username_label(_pool(UsernameAttributes=["email"])) == "Email"
    assert (
        accounts.username_label(_pool(UsernameAttributes=["phone_number", "email"]))
        == "Email or phone number"
    )
    assert accounts.username_label(_pool()) == "Username"


def test_password_hint_and_what_the_pool_allows() -> None:
    assert accounts.password_hint(_pool()) == (
        "At least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol."
    )
    policy = {
        "MinimumLength": 12,
        "RequireUppercase": False,
        "RequireLowercase": False,
        "RequireSymbols": False,
    }
    assert (
        accounts.password_hint(_pool(Policies={"PasswordPolicy": policy}))
        == "At least 12 characters, with a number."
    )
    assert not accounts.allows_sign_up({"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}})
    assert accounts.allows_sign_up({})
    admin_only = {"AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]}}
    assert not accounts.allows_reset(_pool(**admin_only)) and accounts.allows_reset(_pool())
