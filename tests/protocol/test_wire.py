"""AWS JSON 1.1 framing: targets, bodies, headers, and the one place errors are serialized."""

from __future__ import annotations

import uuid

import pytest
from protocol_support import Endpoint, MakeEndpoint, error_of

from userpools.errors import UserNotFoundException


def test_success_response_headers(endpoint: Endpoint) -> None:
    response = endpoint.call("ListUserPools", {"MaxResults": 10})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    uuid.UUID(response.headers["x-amzn-requestid"])
    assert response.json() == {"Echo": {"MaxResults": 10}, "Region": "us-east-1"}


def test_error_response_headers_and_body(endpoint: Endpoint) -> None:
    response = endpoint.call("ListUserPools", {})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/x-amz-json-1.1"
    assert response.headers["x-amzn-errortype"] == "InvalidParameterException:"
    assert response.headers["x-amzn-errormessage"] == response.json()["message"]
    uuid.UUID(response.headers["x-amzn-requestid"])
    assert set(response.json()) == {"__type", "message"}


def test_lower_and_mixed_case_headers_as_amplify_and_botocore_send_them(endpoint: Endpoint) -> None:
    body = b'{"MaxResults": 1}'
    for target in ("x-amz-target", "X-Amz-Target"):
        response = endpoint.call(
            "ListUserPools",
            raw=body,
            headers={target: "AWSCognitoIdentityProviderService.ListUserPools"},
        )
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "body",
    [
        {"MaxResults": "10"},
        {"MaxResults": True},
        {"MaxResults": 1.5},
        {"MaxResults": 10, "NextToken": 5},
        {"MaxResults": 10, "NextToken": ["a"]},
    ],
)
def test_wrong_json_type_is_a_serialization_error(endpoint: Endpoint, body: dict[str, object]) -> None:
    status, code, _ = error_of(endpoint.call("ListUserPools", body))
    assert (status, code) == (400, "SerializationException")
    assert endpoint.runner.calls == []


def test_type_errors_in_nested_shapes(endpoint: Endpoint) -> None:
    response = endpoint.call("CreateUserPool", {"PoolName": "p", "Policies": "strong"})
    assert error_of(response)[:2] == (400, "SerializationException")
    response = endpoint.call("CreateUserPool", {"PoolName": "p", "AutoVerifiedAttributes": "email"})
    assert error_of(response)[:2] == (400, "SerializationException")


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"3", b"{not json", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_a_serialization_error(endpoint: Endpoint, raw: bytes) -> None:
    status, code, _ = error_of(endpoint.call("ListUserPools", raw=raw))
    assert (status, code) == (400, "SerializationException")


def test_an_empty_body_is_an_empty_request(endpoint: Endpoint) -> None:
    response = endpoint.call("ListUserPools", raw=b"")
    assert error_of(response)[1:] == (
        "InvalidParameterException",
        "1 validation error detected: Value null at 'maxResults' failed to satisfy constraint: "
        "Member must not be null",
    )


@pytest.mark.parametrize(
    "target",
    [
        "AWSCognitoIdentityProviderService.NoSuchOperation",
        "AWSCognitoIdentityProviderService.",
        "DynamoDB_20120810.ListTables",
        "ListUserPools",
        "",
    ],
)
def test_unknown_target(endpoint: Endpoint, target: str) -> None:
    response = endpoint.call("ListUserPools", {"MaxResults": 1}, headers={"x-amz-target": target})
    assert error_of(response)[:2] == (400, "UnknownOperationException")
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException:"


def test_an_operation_not_implemented_is_unknown(make_endpoint: MakeEndpoint) -> None:
    endpoint = make_endpoint(skip=("ListUserPools",))
    response = endpoint.call("ListUserPools", {"MaxResults": 1})
    assert error_of(response)[:2] == (400, "UnknownOperationException")
    assert endpoint.call("DescribeUserPool", {"UserPoolId": "us-east-1_a"}).status_code == 200


def test_service_errors_raised_by_handlers_keep_their_type(endpoint: Endpoint) -> None:
    endpoint.runner.fail_with = UserNotFoundException("User does not exist.")
    response = endpoint.call("ListUserPools", {"MaxResults": 1})
    assert error_of(response) == (400, "UserNotFoundException", "User does not exist.")
    assert response.headers["x-amzn-errortype"] == "UserNotFoundException:"


def test_a_bug_is_a_500_internal_error_that_leaks_nothing(endpoint: Endpoint) -> None:
    endpoint.runner.fail_with = RuntimeError("secret detail of a bug")
    response = endpoint.call("ListUserPools", {"MaxResults": 1})
    assert error_of(response) == (500, "InternalErrorException", "An internal error occurred.")
    assert response.headers["x-amzn-errortype"] == "InternalErrorException:"
    assert "secret detail" not in response.text


def test_only_post_is_routed(endpoint: Endpoint) -> None:
    import asyncio

    import httpx

    async def get() -> httpx.Response:
        transport = httpx.ASGITransport(app=endpoint.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.get("/")

    assert asyncio.run(get()).status_code == 405


def test_an_oversized_body_is_refused_before_it_is_read(endpoint: Endpoint) -> None:
    from userpools.web.api import MAX_BODY

    raw = b'{"MaxResults": 1, "NextToken": "' + b"a" * MAX_BODY + b'"}'
    response = endpoint.call("ListUserPools", raw=raw)
    assert error_of(response) == (400, "SerializationException", "The request body is larger than 8 MiB.")
    assert endpoint.runner.calls == []
