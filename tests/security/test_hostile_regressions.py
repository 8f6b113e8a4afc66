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
