from __future__ import annotations

import pytest

from userpools.domain.attributes import check_deletes, check_writes, from_wire, missing_required
from userpools.domain.schema import standard_schema
from userpools.errors import InvalidParameterException


def schema() -> list[dict[str, object]]:
    out = standard_schema()
    for entry in out:
        if entry["Name"] == "email":
            entry["Required"] = True
    out += [
        {
            "Name": "tier",
            "AttributeDataType": "String",
            "Mutable": True,
            "DeveloperOnlyAttribute": False,
            "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "5"},
        },
        {
            "Name": "age",
            "AttributeDataType": "Number",
            "Mutable": True,
            "DeveloperOnlyAttribute": False,
            "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"},
        },
        {"Name": "badge", "AttributeDataType": "String", "Mutable": False, "DeveloperOnlyAttribute": False},
        {
            "Name": "dev:secret",
            "AttributeDataType": "String",
            "Mutable": True,
            "DeveloperOnlyAttribute": True,
        },
    ]
    return out


def test_valid_writes_are_normalized() -> None:
    out = check_writes(
        schema(),
        {
            "email": "a@b.co",
            "email_verified": "TRUE",
            "custom:tier": "gold",
            "custom:age": "42",
            "phone_number": "+15555550100",
            "dev:custom:secret": "x",
        },
        creating=False,
    )
    assert out["email_verified"] == "true"
    assert out["custom:age"] == "42"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("custom:nope", "x", "custom:nope: Attribute does not exist in the schema."),
        ("sub", "x", "sub: Attribute cannot be written."),
        ("email", "not-an-email", "Invalid email address format."),
        ("phone_number", "5555550100", "Invalid phone number format."),
        ("phone_number", "+1 555", "Invalid phone number format."),
        ("email_verified", "yes", "email_verified: Attribute value must be true or false."),
        ("custom:age", "4.5", "custom:age: Number must be a whole number."),
        ("custom:age", "151", "custom:age: Number must be less than or equal to 150."),
        ("custom:age", "-1", "custom:age: Number must be greater than or equal to 0."),
        ("custom:tier", "platinum", "custom:tier: String must be no longer than 5 characters."),
        ("custom:tier", "a", "custom:tier: String must be at least 2 characters long."),
        ("birthdate", "1990-1-1", "birthdate: String must be at least 10 characters long."),
        ("updated_at", "-5", "updated_at: Number must be greater than or equal to 0."),
    ],
)
def test_invalid_writes(name: str, value: str, message: str) -> None:
    with pytest.raises(InvalidParameterException) as err:
        check_writes(schema(), {name: value}, creating=True)
    assert message in err.value.message


def test_immutable_only_at_creation() -> None:
    assert check_writes(schema(), {"custom:badge": "b"}, creating=True) == {"custom:badge": "b"}
    with pytest.raises(InvalidParameterException, match="immutable"):
        check_writes(schema(), {"custom:badge": "b"}, creating=False)


def test_required_and_deletes() -> None:
    with pytest.raises(InvalidParameterException, match="email: The attribute is required"):
        missing_required(schema(), {"name": "x"})
    missing_required(schema(), {"email": "a@b.co"})
    assert check_deletes(schema(), ["name", "custom:tier"]) == ["name", "custom:tier"]
    for name, why in (
        ("email", "required"),
        ("sub", "immutable"),
        ("custom:badge", "immutable"),
        ("custom:zzz", "does not exist"),
    ):
        with pytest.raises(InvalidParameterException, match=why):
            check_deletes(schema(), [name])


def test_from_wire_refuses_duplicates() -> None:
    assert from_wire([{"Name": "a", "Value": "1"}]) == {"a": "1"}
    with pytest.raises(InvalidParameterException, match="Duplicate"):
        from_wire([{"Name": "a", "Value": "1"}, {"Name": "a", "Value": "2"}])
