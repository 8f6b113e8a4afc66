"""SigV4: local mode checks the header's shape, strict mode the signature; unsigned operations need none."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from protocol_support import STRICT_KEY, Endpoint, MakeEndpoint, error_of

from userpools.config import AccessKey, Settings
from userpools.protocol.sigv4 import SigV4Verifier
from userpools.testing import server

URL = "http://127.0.0.1:9229/"


def signed_headers(
    body: dict[str, Any],
    operation: str = "ListUserPools",
    key: AccessKey = STRICT_KEY,
    region: str = "us-east-1",
) -> tuple[bytes, dict[str, str]]:
    """Headers exactly as botocore signs them for this body."""
    raw = json.dumps(body).encode()
    request = AWSRequest(
        method="POST",
        url=URL,
        data=raw,
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
        },
    )
    SigV4Auth(Credentials(key.access_key_id, key.secret_access_key), "cognito-idp", region).add_auth(request)
    return raw, {k.lower(): v for k, v in request.headers.items()}


def call_signed(endpoint: Endpoint, raw: bytes, headers: dict[str, str]) -> Any:
    return endpoint.call("ListUserPools", raw=raw, headers=headers, auth=headers.get("authorization"))


# --- local mode -----------------------------------------------------------------------------------


def test_local_mode_accepts_any_well_formed_signature(endpoint: Endpoint) -> None:
    assert endpoint.call("ListUserPools", {"MaxResults": 1}).status_code == 200
    raw, headers = signed_headers({"MaxResults": 1}, key=AccessKey("ANYKEY", "any-secret"))
    assert call_signed(endpoint, raw, headers).status_code == 200


def test_local_mode_refuses_a_missing_signature(endpoint: Endpoint) -> None:
    response = endpoint.call("ListUserPools", {"MaxResults": 1}, auth=None)
    assert error_of(response) == (400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    assert endpoint.runner.calls == []


@pytest.mark.parametrize(
    "header",
    [
        "Bearer abc",
        "AWS4-HMAC-SHA256 Signature=abc",
        "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/cognito-idp, SignedHeaders=host, Signature=ab",
    ],
)
def test_local_mode_refuses_a_malformed_signature(endpoint: Endpoint, header: str) -> None:
    response = endpoint.call("ListUserPools", {"MaxResults": 1}, auth=header)
    assert error_of(response)[:2] == (400, "IncompleteSignatureException")


@pytest.mark.parametrize("auth", [None, "Bearer eyJraWQiOiJhYmMifQ.payload.sig"])
def test_unsigned_operations_need_no_signature_and_ignore_bearer(
    endpoint: Endpoint, auth: str | None
) -> None:
    # pycognito sends `Authorization: Bearer <access token>` on ConfirmDevice and friends.
    body = {"ClientId": "client1", "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "u"}}
    response = endpoint.call("InitiateAuth", body, auth=auth)
    assert response.status_code == 200, response.text
    assert response.json()["Region"] == "us-east-1"


# --- strict mode ----------------------------------------------------------------------------------


@pytest.fixture
def strict(make_endpoint: MakeEndpoint) -> Endpoint:
    return make_endpoint(auth="strict", access_keys=(STRICT_KEY,))


def test_strict_mode_accepts_a_valid_signature(strict: Endpoint) -> None:
    raw, headers = signed_headers({"MaxResults": 3})
    response = call_signed(strict, raw, headers)
    assert response.status_code == 200, response.text
    assert response.json()["Echo"] == {"MaxResults": 3}


def test_strict_mode_refuses_an_unknown_key(strict: Endpoint) -> None:
    raw, headers = signed_headers(
        {"MaxResults": 3}, key=AccessKey("AKIDUNKNOWN", STRICT_KEY.secret_access_key)
    )
    assert error_of(call_signed(strict, raw, headers)) == (
        400,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
    assert strict.runner.calls == []


def test_strict_mode_refuses_a_wrong_secret(strict: Endpoint) -> None:
    raw, headers = signed_headers({"MaxResults": 3}, key=AccessKey(STRICT_KEY.access_key_id, "wrong"))
    status, code, message = error_of(call_signed(strict, raw, headers))
    assert (status, code) == (400, "InvalidSignatureException")
    assert message.startswith("The request signature we calculated does not match")


def test_strict_mode_refuses_a_tampered_body(strict: Endpoint) -> None:
    _, headers = signed_headers({"MaxResults": 3})
    status, code, _ = error_of(call_signed(strict, b'{"MaxResults": 60}', headers))
    assert (status, code) == (400, "InvalidSignatureException")


def test_strict_mode_refuses_another_service_scope_and_unsigned_host(strict: Endpoint) -> None:
    raw, headers = signed_headers({"MaxResults": 3})
    signature = headers.pop("authorization")
    other = signature.replace("/cognito-idp/", "/s3/")
    response = strict.call("ListUserPools", raw=raw, headers=headers, auth=other)
    assert error_of(response) == (
        400,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'cognito-idp'.",
    )
    no_host = signature.replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;")
    assert no_host != signature
    response = strict.call("ListUserPools", raw=raw, headers=headers, auth=no_host)
    assert error_of(response)[:2] == (400, "IncompleteSignatureException")


def test_strict_mode_refuses_a_missing_signature(strict: Endpoint) -> None:
    response = strict.call("ListUserPools", {"MaxResults": 1}, auth=None)
    assert error_of(response)[:2] == (400, "MissingAuthenticationTokenException")


def test_strict_mode_still_lets_unsigned_operations_through(strict: Endpoint) -> None:
    body = {"ClientId": "client1", "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {"USERNAME": "u"}}
    assert strict.call("InitiateAuth", body, auth=None).status_code == 200


def test_strict_mode_refuses_more_than_five_minutes_of_skew() -> None:
    raw, headers = signed_headers({"MaxResults": 3})
    headers["host"] = "127.0.0.1:9229"  # botocore signs the host of the URL; HTTP clients send it
    signed_at = dt.datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    verifier = SigV4Verifier("strict", (STRICT_KEY,))
    assert (
        verifier.verify("POST", URL, headers, raw, signed_at + dt.timedelta(minutes=4)).region == "us-east-1"
    )
    for skew in (dt.timedelta(minutes=6), -dt.timedelta(minutes=6)):
        with pytest.raises(Exception) as err:
            verifier.verify("POST", URL, headers, raw, signed_at + skew)
        assert type(err.value).__name__ == "InvalidSignatureException"
        assert "Signature expired" in str(err.value)


def test_strict_server_with_boto3() -> None:
    """The real thing: boto3 signing against a live strict server."""
    with server(auth="strict", access_keys=(STRICT_KEY,)) as srv:
        good = srv.client(
            aws_access_key_id=STRICT_KEY.access_key_id, aws_secret_access_key=STRICT_KEY.secret_access_key
        )
        created = good.create_user_pool(PoolName="strict")["UserPool"]
        assert good.describe_user_pool(UserPoolId=created["Id"])["UserPool"]["Name"] == "strict"
        cases = [
            ("AKIDOTHER", STRICT_KEY.secret_access_key, "UnrecognizedClientException"),
            (STRICT_KEY.access_key_id, "not-the-secret", "InvalidSignatureException"),
        ]
        for key_id, secret, code in cases:
            bad = srv.client(aws_access_key_id=key_id, aws_secret_access_key=secret)
            with pytest.raises(ClientError) as err:
                bad.create_user_pool(PoolName="intruder")
            assert err.value.response["Error"]["Code"] == code
        pools = good.list_user_pools(MaxResults=60)["UserPools"]
        assert [p["Name"] for p in pools] == ["strict"]


# --- regions --------------------------------------------------------------------------------------


@pytest.fixture
def two_regions(make_endpoint: MakeEndpoint) -> Endpoint:
    return make_endpoint(region="us-east-1", regions=("eu-west-1",))


def test_the_caller_region_comes_from_the_credential_scope(two_regions: Endpoint) -> None:
    raw, headers = signed_headers({"MaxResults": 1}, region="eu-west-1")
    response = call_signed(two_regions, raw, headers)
    assert response.json()["Region"] == "eu-west-1"


def test_a_region_the_server_does_not_serve_is_refused(two_regions: Endpoint) -> None:
    raw, headers = signed_headers({"MaxResults": 1}, region="ap-south-1")
    status, code, message = error_of(call_signed(two_regions, raw, headers))
    assert (status, code) == (400, "InvalidSignatureException")
    assert message.startswith("Credential should be scoped to a valid region, not 'ap-south-1'.")
    assert "us-east-1, eu-west-1" in message
    assert two_regions.runner.calls == []


@pytest.mark.parametrize("pool_id", ["eu-west-1_abc", "ap-south-1_abc", "nounderscore0_x"])
def test_a_pool_of_another_region_does_not_exist_here(two_regions: Endpoint, pool_id: str) -> None:
    raw, headers = signed_headers({"UserPoolId": pool_id}, operation="DescribeUserPool")
    response = two_regions.call("DescribeUserPool", raw=raw, headers=headers, auth=headers["authorization"])
    assert error_of(response) == (400, "ResourceNotFoundException", f"User pool {pool_id} does not exist.")
    assert two_regions.runner.calls == []


def test_a_pool_of_the_caller_region_is_served(two_regions: Endpoint) -> None:
    raw, headers = signed_headers(
        {"UserPoolId": "eu-west-1_abc"}, operation="DescribeUserPool", region="eu-west-1"
    )
    response = two_regions.call("DescribeUserPool", raw=raw, headers=headers, auth=headers["authorization"])
    assert response.status_code == 200
    assert two_regions.runner.calls == [("DescribeUserPool", {"UserPoolId": "eu-west-1_abc"}, "eu-west-1")]


def test_off_mode_accepts_unsigned_admin_calls(make_endpoint: MakeEndpoint) -> None:
    endpoint = make_endpoint(auth="off")
    assert endpoint.call("ListUserPools", {"MaxResults": 1}, auth=None).status_code == 200
    # A signed call still gets its region from the credential scope.
    assert endpoint.call("ListUserPools", {"MaxResults": 1}).status_code == 200


def test_off_mode_is_refused_off_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Settings(host="0.0.0.0", auth="off").check()
