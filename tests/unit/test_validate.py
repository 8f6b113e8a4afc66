"""The validator on its own: cleaning (nulls, blobs, numbers) and what it refuses."""

from __future__ import annotations

import pytest

from userpools.errors import InvalidParameterException, SerializationException
from userpools.protocol.model import input_shape
from userpools.protocol.validate import validate


def test_nulls_are_dropped_everywhere() -> None:
    cleaned = validate(
        input_shape("AdminCreateUser"),
        {
            "UserPoolId": "us-east-1_a",
            "Username": "u",
            "UserAttributes": [None, {"Name": "email", "Value": None}],
            "ClientMetadata": {"a": "b", "c": None},
            "MessageAction": None,
        },
    )
    assert cleaned == {
        "UserPoolId": "us-east-1_a",
        "Username": "u",
        "UserAttributes": [{"Name": "email"}],
        "ClientMetadata": {"a": "b"},
    }


def test_whole_floats_are_integers_and_blobs_are_bytes() -> None:
    assert validate(input_shape("ListUserPools"), {"MaxResults": 10.0}) == {"MaxResults": 10}
    cleaned = validate(input_shape("SetUICustomization"), {"UserPoolId": "us-east-1_a", "ImageFile": "AAE="})
    assert cleaned["ImageFile"] == b"\x00\x01"


def test_type_mismatch_is_a_serialization_error_not_a_validation_error() -> None:
    with pytest.raises(SerializationException, match="STRING_VALUE can not be converted to an Integer"):
        validate(input_shape("ListUserPools"), {"MaxResults": "10"})
    with pytest.raises(SerializationException, match="NUMBER_VALUE can not be converted to a String"):
        validate(input_shape("DescribeUserPool"), {"UserPoolId": 1})


def test_map_value_constraints_are_reported_on_the_map() -> None:
    with pytest.raises(InvalidParameterException) as err:
        validate(input_shape("CreateUserPool"), {"PoolName": "p", "UserPoolTags": {"k": "v" * 257}})
    assert err.value.message.startswith("1 validation error detected: Value '{k=")
    assert err.value.message.endswith(
        "at 'userPoolTags' failed to satisfy constraint: Map value must satisfy constraint: "
        "[Member must have length less than or equal to 256]"
    )


def test_sensitive_parts_of_an_echoed_value_are_redacted() -> None:
    from botocore.model import ShapeResolver

    resolver = ShapeResolver(
        {
            "Req": {"type": "structure", "members": {"Items": {"shape": "Items"}}},
            "Items": {"type": "list", "member": {"shape": "Item"}, "max": 1},
            "Item": {
                "type": "structure",
                "members": {"Name": {"shape": "Plain"}, "Secret": {"shape": "Hidden"}},
            },
            "Plain": {"type": "string"},
            "Hidden": {"type": "string", "sensitive": True},
        }
    )
    items = [{"Name": "a", "Secret": "hunter2"}, {"Name": "b", "Secret": "hunter3"}]
    with pytest.raises(InvalidParameterException) as err:
        validate(resolver.get_shape_by_name("Req"), {"Items": items})
    assert err.value.message == (
        "1 validation error detected: Value '[{Name=a, Secret=***Sensitive Data Redacted***}, "
        "{Name=b, Secret=***Sensitive Data Redacted***}]' at 'items' failed to satisfy constraint: "
        "Member must have length less than or equal to 1"
    )
