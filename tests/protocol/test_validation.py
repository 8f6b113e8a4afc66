"""Model-driven validation, worded as AWS words it (COGNITO-FACTS 1.8)."""

from __future__ import annotations

from protocol_support import Endpoint, error_of

POOL_PATTERN = r"[\w-]+_[0-9a-zA-Z]+"


def assert_invalid(endpoint: Endpoint, operation: str, body: dict[str, object], message: str) -> None:
    response = endpoint.call(operation, body)
    assert error_of(response) == (400, "InvalidParameterException", message)
    assert endpoint.runner.calls == []


def test_pattern_error_names_the_member_and_the_pattern(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "DescribeUserPool",
        {"UserPoolId": "no-underscore"},
        "1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {POOL_PATTERN}",
    )


def test_missing_required_member_is_value_null(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "CreateUserPool",
        {},
        "1 validation error detected: Value null at 'poolName' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_several_errors_are_counted_and_joined(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "ListUserPools",
        {"MaxResults": 61, "NextToken": "has space"},
        "2 validation errors detected: Value 'has space' at 'nextToken' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\S]+; "
        "Value '61' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 60",
    )


def test_integer_minimum(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "ListUserPools",
        {"MaxResults": 0},
        "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    )


def test_sensitive_values_are_never_echoed(endpoint: Endpoint) -> None:
    secret_user, secret_password = "bad user\x00", "pass word"
    response = endpoint.call(
        "AdminSetUserPassword",
        {"UserPoolId": "us-east-1_abc", "Username": secret_user, "Password": secret_password},
    )
    status, code, message = error_of(response)
    assert (status, code) == (400, "InvalidParameterException")
    assert message == (
        "2 validation errors detected: "
        "Value at 'username' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+; "
        "Value at 'password' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\S]+"
    )
    assert secret_password not in response.text and "bad user" not in response.text


def test_sensitive_client_id_is_never_echoed(endpoint: Endpoint) -> None:
    response = endpoint.call("DescribeUserPoolClient", {"UserPoolId": "us-east-1_abc", "ClientId": "x" * 129})
    _, _, message = error_of(response)
    assert message == (
        "1 validation error detected: Value at 'clientId' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_enum_lists_the_allowed_values(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "CreateUserPool",
        {"PoolName": "p", "MfaConfiguration": "SOMETIMES"},
        "1 validation error detected: Value 'SOMETIMES' at 'mfaConfiguration' failed to satisfy constraint: "
        "Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
    )


def test_string_length_bounds(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "CreateUserPool",
        {"PoolName": "p" * 129},
        f"1 validation error detected: Value '{'p' * 129}' at 'poolName' failed to satisfy constraint: "
        "Member must have length less than or equal to 128",
    )


def test_nested_structure_path(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "CreateUserPool",
        {"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 5}}},
        "1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy "
        "constraint: Member must have value greater than or equal to 6",
    )


def test_list_member_path_and_list_size(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "AdminCreateUser",
        {
            "UserPoolId": "us-east-1_abc",
            "Username": "u",
            "UserAttributes": [{"Name": "email", "Value": "a@b.c"}, {"Name": "x" * 33, "Value": "v"}],
        },
        "1 validation error detected: Value '" + "x" * 33 + "' at 'userAttributes.2.member.name' failed to "
        "satisfy constraint: Member must have length less than or equal to 32",
    )
    schema = [{"Name": f"a{i}"} for i in range(51)]
    response = endpoint.call("CreateUserPool", {"PoolName": "p", "Schema": schema})
    _, code, message = error_of(response)
    assert code == "InvalidParameterException"
    assert message.startswith("1 validation error detected: Value '[{Name=a0}, {Name=a1}")
    assert message.endswith(
        "at 'schema' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


def test_map_size_and_keys(endpoint: Endpoint) -> None:
    acr = {f"Level{i}": {"AcrValue": "v"} for i in range(1, 6)}
    response = endpoint.call("CreateUserPool", {"PoolName": "p", "AcrConfiguration": acr})
    _, code, message = error_of(response)
    assert code == "InvalidParameterException"
    assert message.startswith("2 validation errors detected: Value '{Level1={AcrValue=v}, ")
    assert (
        "at 'acrConfiguration' failed to satisfy constraint: Member must have length less than or equal to 4;"
        in message
    )
    assert message.endswith(
        "at 'acrConfiguration' failed to satisfy constraint: Map keys must satisfy constraint: "
        "[Member must satisfy regular expression pattern: Level[1-4]]"
    )


def test_json_null_members_are_absent(endpoint: Endpoint) -> None:
    response = endpoint.call(
        "AdminInitiateAuth",
        {
            "UserPoolId": "us-east-1_abc",
            "ClientId": "client1",
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": "t", "DEVICE_KEY": None},
            "Session": None,
            "ClientMetadata": None,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["Echo"] == {
        "UserPoolId": "us-east-1_abc",
        "ClientId": "client1",
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "AuthParameters": {"REFRESH_TOKEN": "t"},
    }


def test_required_member_sent_as_null_is_missing(endpoint: Endpoint) -> None:
    assert_invalid(
        endpoint,
        "DescribeUserPool",
        {"UserPoolId": None},
        "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: "
        "Member must not be null",
    )


def test_unknown_members_are_ignored(endpoint: Endpoint) -> None:
    response = endpoint.call("DescribeUserPool", {"UserPoolId": "us-east-1_abc", "Unknown": 1})
    assert response.json()["Echo"] == {"UserPoolId": "us-east-1_abc"}


def test_blobs_are_decoded_and_bad_base64_is_a_serialization_error(endpoint: Endpoint) -> None:
    body = {"UserPoolId": "us-east-1_abc", "ImageFile": "aGVsbG8="}
    response = endpoint.call("SetUICustomization", body)
    assert response.status_code == 200
    # The echo re-encodes bytes as base64: what arrived as a blob went through as bytes.
    assert response.json()["Echo"]["ImageFile"] == "aGVsbG8="
    response = endpoint.call("SetUICustomization", {**body, "ImageFile": "not base64!"})
    assert error_of(response)[:2] == (400, "SerializationException")
