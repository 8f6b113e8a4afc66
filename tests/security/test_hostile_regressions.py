"""Holes the model-driven fuzzing found, pinned as plain examples (each answered a 500 before its fix)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hostile_support import raw_call

from userpools.testing import RunningServer


@pytest.fixture(scope="module")
def http(live: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def test_control_characters_echoed_in_a_message_stay_out_of_the_headers(
    http: httpx.Client, pool_id: str
) -> None:
    response = raw_call(http, "CreateGroup", {"UserPoolId": pool_id, "GroupName": "a\x01b\x7fc\td"})
    assert response.status_code == 400
    assert response.json()["__type"] == "InvalidParameterException"
    assert "\x01" in response.json()["message"]  # the body echoes the value as JSON escapes
    assert response.headers["x-amzn-errormessage"].isprintable()


def test_too_many_list_members_of_the_wrong_type_are_a_validation_error(
    http: httpx.Client, pool_id: str, idp: Any
) -> None:
    body = {"UserPoolId": pool_id, "ClientName": "app", "CallbackURLs": [{"k": "v"}] * 101}
    response = raw_call(http, "CreateUserPoolClient", body)
    assert response.status_code == 400, response.text
    assert response.json()["__type"] in ("InvalidParameterException", "SerializationException")
    assert idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"] == []


@pytest.mark.parametrize(
    ("operation", "body"),
    [
        (
            "AdminUpdateUserAttributes",
            {"Username": "u", "UserAttributes": [{"Name": "name", "Value": "a\x00b"}]},
        ),
        ("AdminCreateUser", {"Username": "v", "UserAttributes": [{"Name": "family_name", "Value": "\x00"}]}),
        ("CreateGroup", {"GroupName": "g", "Description": "a\x00b"}),
        ("ListUsers", {"Filter": 'name = "a\x00b"'}),
    ],
)
def test_nul_characters_are_refused_on_both_stores(
    http: httpx.Client, idp: Any, pool_id: str, operation: str, body: dict[str, Any]
) -> None:
    """PostgreSQL text can't hold NUL: these answered 500 there (and stored it on SQLite)."""
    idp.admin_create_user(UserPoolId=pool_id, Username="u", MessageAction="SUPPRESS")
    response = raw_call(http, operation, {"UserPoolId": pool_id, **body})
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["__type"] == "InvalidParameterException"
    assert "NUL" in error["message"]
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]] == ["u"]
