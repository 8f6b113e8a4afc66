"""The pool schema: CreateUserPool ``Schema``, AddCustomAttributes and GetCSVHeader through boto3."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError

from userpools.domain.schema import STANDARD_ATTRIBUTES

_n = itertools.count()
Attrs = list[dict[str, Any]]


def name() -> str:
    return f"s{os.getpid()}n{next(_n)}"


def fails(call: Callable[[], Any], code: str, text: str = "") -> None:
    with pytest.raises(ClientError) as err:
        call()
    assert err.value.response["Error"]["Code"] == code
    assert text in err.value.response["Error"]["Message"], err.value.response["Error"]["Message"]


def pool_ids(idp: Any) -> set[str]:
    pages = idp.get_paginator("list_user_pools").paginate(MaxResults=60)
    return {p["Id"] for p in pages.build_full_result()["UserPools"]}


def by_name(pool: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["Name"]: a for a in pool["SchemaAttributes"]}


def test_schema_adjusts_standard_and_adds_custom_attributes(idp: Any) -> None:
    pool = idp.create_user_pool(
        PoolName=name(),
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "name", "Mutable": False,
             "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "64"}},
            {"Name": "tier", "AttributeDataType": "String",
             "StringAttributeConstraints": {"MaxLength": "10"}},
            {"Name": "age", "AttributeDataType": "Number", "Mutable": False,
             "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"}},
            {"Name": "flag", "AttributeDataType": "Boolean",
             "StringAttributeConstraints": {"MaxLength": "3"}},
            {"Name": "secret", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
            {"Name": "custom:plain", "AttributeDataType": "DateTime"},
        ],
    )["UserPool"]  # fmt: skip
    attrs = by_name(pool)
    names = [a["Name"] for a in pool["SchemaAttributes"]]
    assert names[: len(STANDARD_ATTRIBUTES)] == [a["Name"] for a in STANDARD_ATTRIBUTES]
    assert names[len(STANDARD_ATTRIBUTES) :] == [
        "custom:tier", "custom:age", "custom:flag", "dev:custom:secret", "custom:plain",
    ]  # fmt: skip
    assert attrs["email"]["Required"] is True
    assert attrs["name"]["Mutable"] is False
    assert attrs["name"]["StringAttributeConstraints"] == {"MinLength": "2", "MaxLength": "64"}
    assert attrs["custom:tier"] == {
        "Name": "custom:tier",
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": True,
        "Required": False,
        "StringAttributeConstraints": {"MaxLength": "10"},
    }
    assert attrs["custom:age"]["Mutable"] is False
    assert attrs["custom:age"]["NumberAttributeConstraints"] == {"MinValue": "0", "MaxValue": "150"}
    assert "StringAttributeConstraints" not in attrs["custom:flag"]
    assert attrs["dev:custom:secret"]["DeveloperOnlyAttribute"] is True
    assert attrs["sub"]["Required"] is True and attrs["sub"]["Mutable"] is False


BAD_SCHEMAS: list[tuple[list[dict[str, Any]], str]] = [
    (
        [{"Name": "tier", "AttributeDataType": "String", "Required": True}],
        "Required custom attributes are not supported",
    ),
    ([{"Name": "tier"}], "Invalid AttributeDataType input"),
    ([{"Name": "email", "AttributeDataType": "Number"}], "You can not change AttributeDataType"),
    ([{"Name": "email", "DeveloperOnlyAttribute": True}], "developerOnlyAttribute"),
    ([{"Name": "sub", "Mutable": True}], "sub"),
    (
        [
            {
                "Name": "t",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MinLength": "5", "MaxLength": "2"},
            }
        ],
        "user.custom:t: Max length cannot be less than min length.",
    ),
    (
        [{"Name": "t", "AttributeDataType": "String", "StringAttributeConstraints": {"MaxLength": "4096"}}],
        "String attributes cannot have a length of more than 2048",
    ),
    (
        [{"Name": "t", "AttributeDataType": "String", "StringAttributeConstraints": {"MinLength": "-1"}}],
        "Invalid StringAttributeConstraints for schema attribute custom:t",
    ),
    (
        [{"Name": "n", "AttributeDataType": "Number", "NumberAttributeConstraints": {"MinValue": "x"}}],
        "Invalid NumberAttributeConstraints",
    ),
    (
        [
            {
                "Name": "n",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "9", "MaxValue": "1"},
            }
        ],
        "Max value cannot be less than min value.",
    ),
    (
        [{"Name": "dup", "AttributeDataType": "String"}, {"Name": "dup", "AttributeDataType": "Number"}],
        "custom:dup: Existing attribute already has name custom:dup.",
    ),
    ([{"Name": "email"}, {"Name": "email"}], "Duplicate"),
]


@pytest.mark.parametrize(("schema", "text"), BAD_SCHEMAS)
def test_bad_schema_creates_nothing(idp: Any, schema: list[dict[str, Any]], text: str) -> None:
    before = pool_ids(idp)
    fails(lambda: idp.create_user_pool(PoolName=name(), Schema=schema), "InvalidParameterException", text)
    assert pool_ids(idp) == before


def test_add_custom_attributes(idp: Any, pool_id: str) -> None:
    idp.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[
            {"Name": "plan", "AttributeDataType": "String", "Mutable": False},
            {"Name": "custom:level", "AttributeDataType": "Number"},
            {"Name": "ops", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        ],
    )
    attrs = by_name(idp.describe_user_pool(UserPoolId=pool_id)["UserPool"])
    assert attrs["custom:plan"]["Mutable"] is False
    assert attrs["custom:level"]["AttributeDataType"] == "Number"
    assert "custom:custom:level" not in attrs
    assert attrs["dev:custom:ops"]["DeveloperOnlyAttribute"] is True


def test_add_custom_attributes_refusals_change_nothing(idp: Any, pool_id: str) -> None:
    idp.add_custom_attributes(
        UserPoolId=pool_id, CustomAttributes=[{"Name": "plan", "AttributeDataType": "String"}]
    )
    before = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    attempts: list[tuple[list[dict[str, Any]], str]] = [
        (
            [{"Name": "plan", "AttributeDataType": "String"}],
            "custom:plan: Existing attribute already has name custom:plan.",
        ),
        (
            [
                {"Name": "new1", "AttributeDataType": "String"},
                {"Name": "plan", "AttributeDataType": "Number"},
            ],
            "custom:plan",
        ),
        ([{"Name": "req", "AttributeDataType": "String", "Required": True}], "Required custom attributes"),
        ([{"Name": "nodatatype"}], "AttributeDataType"),
    ]
    for attributes, text in attempts:
        fails(partial(idp.add_custom_attributes, UserPoolId=pool_id, CustomAttributes=attributes),
              "InvalidParameterException", text)  # fmt: skip
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"] == before
    fails(
        lambda: idp.add_custom_attributes(UserPoolId="us-east-1_Nope12345", CustomAttributes=attempts[0][0]),
        "ResourceNotFoundException",
    )


def test_at_most_fifty_custom_attributes(idp: Any, pool_id: str) -> None:
    for batch in range(2):
        attrs = [{"Name": f"a{batch}x{i}", "AttributeDataType": "String"} for i in range(25)]
        idp.add_custom_attributes(UserPoolId=pool_id, CustomAttributes=attrs)
    before = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert len(before["SchemaAttributes"]) == len(STANDARD_ATTRIBUTES) + 50
    fails(
        lambda: idp.add_custom_attributes(
            UserPoolId=pool_id, CustomAttributes=[{"Name": "one", "AttributeDataType": "String"}]
        ),
        "InvalidParameterException",
        "50",
    )
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"] == before


def test_csv_header_lists_standard_then_custom_then_cognito_columns(idp: Any) -> None:
    pool_id = idp.create_user_pool(
        PoolName=name(),
        Schema=[
            {"Name": "tier", "AttributeDataType": "String"},
            {"Name": "ops", "AttributeDataType": "String", "DeveloperOnlyAttribute": True},
        ],
    )["UserPool"]["Id"]
    header = idp.get_csv_header(UserPoolId=pool_id)
    assert header["UserPoolId"] == pool_id
    assert header["CSVHeader"] == [
        "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
        "picture", "website", "email", "email_verified", "gender", "birthdate", "zoneinfo", "locale",
        "phone_number", "phone_number_verified", "address", "updated_at", "custom:tier", "dev:custom:ops",
        "cognito:mfa_enabled", "cognito:username",
    ]  # fmt: skip
    fails(lambda: idp.get_csv_header(UserPoolId="us-east-1_Nope12345"), "ResourceNotFoundException")
