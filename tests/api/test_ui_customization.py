"""SetUICustomization / GetUICustomization through boto3, and the logo served at ImageUrl."""

from __future__ import annotations

import itertools
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
CSS = ".label-customizable { font-weight: 400; }\n.submitButton-customizable:hover { color: #fff; }"
_n = itertools.count()


@pytest.fixture
def domain_pool(idp: Any, pool_id: str) -> str:
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=f"ui{os.getpid()}-{next(_n)}")
    return pool_id


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers["content-type"]
    except urllib.error.HTTPError as err:
        return err.code, b"", ""


def test_set_and_get_pool_default(idp: Any, live: Any, domain_pool: str) -> None:
    result = idp.set_ui_customization(UserPoolId=domain_pool, CSS=CSS, ImageFile=PNG)["UICustomization"]
    assert result["UserPoolId"] == domain_pool and result["ClientId"] == "ALL"
    assert result["CSS"] == CSS and result["CSSVersion"]
    assert result["ImageUrl"].startswith(live.url + "/")
    got = idp.get_ui_customization(UserPoolId=domain_pool)["UICustomization"]
    assert got == result
    assert fetch(result["ImageUrl"]) == (200, PNG, "image/png")


def test_image_url_changes_with_each_set(idp: Any, domain_pool: str) -> None:
    first = idp.set_ui_customization(UserPoolId=domain_pool, ImageFile=PNG)["UICustomization"]
    second = idp.set_ui_customization(UserPoolId=domain_pool, ImageFile=JPEG)["UICustomization"]
    assert fetch(second["ImageUrl"]) == (200, JPEG, "image/jpeg")
    assert first["ImageUrl"] != second["ImageUrl"] and first["CSSVersion"] != second["CSSVersion"]
    assert fetch(first["ImageUrl"])[0] == 404
    assert "CSS" not in second  # CSS and logo are replaced together


def test_client_settings_override_and_fall_back(idp: Any, domain_pool: str) -> None:
    client = idp.create_user_pool_client(UserPoolId=domain_pool, ClientName="c")["UserPoolClient"]["ClientId"]
    idp.set_ui_customization(UserPoolId=domain_pool, ClientId="ALL", CSS=CSS)
    fallback = idp.get_ui_customization(UserPoolId=domain_pool, ClientId=client)["UICustomization"]
    assert fallback["CSS"] == CSS and fallback["ClientId"] == "ALL"
    own_css = ".background-customizable { background-color: #eee; }"
    idp.set_ui_customization(UserPoolId=domain_pool, ClientId=client, CSS=own_css, ImageFile=JPEG)
    own = idp.get_ui_customization(UserPoolId=domain_pool, ClientId=client)["UICustomization"]
    assert own["ClientId"] == client and own["CSS"] == own_css and own["ImageUrl"].endswith(".jpg")
    assert idp.get_ui_customization(UserPoolId=domain_pool)["UICustomization"]["CSS"] == CSS
    # Clearing the client's settings falls back to the pool's again.
    idp.set_ui_customization(UserPoolId=domain_pool, ClientId=client)
    assert (
        idp.get_ui_customization(UserPoolId=domain_pool, ClientId=client)["UICustomization"]["ClientId"]
        == "ALL"
    )


def test_deleting_a_client_removes_its_settings(idp: Any, domain_pool: str) -> None:
    client = idp.create_user_pool_client(UserPoolId=domain_pool, ClientName="c")["UserPoolClient"]["ClientId"]
    url = idp.set_ui_customization(UserPoolId=domain_pool, ClientId=client, ImageFile=PNG)["UICustomization"][
        "ImageUrl"
    ]
    idp.delete_user_pool_client(UserPoolId=domain_pool, ClientId=client)
    assert fetch(url)[0] == 404


def test_nothing_set_yet(idp: Any, domain_pool: str) -> None:
    assert idp.get_ui_customization(UserPoolId=domain_pool)["UICustomization"] == {
        "UserPoolId": domain_pool,
        "ClientId": "ALL",
    }


def test_requires_a_domain(idp: Any, pool_id: str) -> None:
    calls: tuple[Callable[[], Any], ...] = (
        lambda: idp.set_ui_customization(UserPoolId=pool_id, CSS=CSS),
        lambda: idp.get_ui_customization(UserPoolId=pool_id),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "InvalidParameterException"
        assert exc.value.response["Error"]["Message"] == (
            "There has to be an existing domain associated with this user pool"
        )


def test_unknown_pool_and_client(idp: Any, domain_pool: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.set_ui_customization(UserPoolId="us-east-1_missing00", CSS=CSS)
    assert code_of(exc) == "ResourceNotFoundException"
    calls: tuple[Callable[[], Any], ...] = (
        lambda: idp.set_ui_customization(UserPoolId=domain_pool, ClientId="nosuchclient", CSS=CSS),
        lambda: idp.get_ui_customization(UserPoolId=domain_pool, ClientId="nosuchclient"),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "params",
    [
        {"CSS": ".notAClass { color: red; }"},
        {"CSS": ".label-customizable { color: red; }"},  # labels only take font-weight
        {"CSS": "@import url(https://evil.example.com/x.css);"},
        {"CSS": ".background-customizable { background-color: url(javascript:alert(1)); }"},
        {"CSS": "body { background-color: red; }"},
        {"CSS": ".label-customizable { font-weight }"},
        {"CSS": ".label-customizable { font-weight: 400; "},
        {"ImageFile": b"GIF89a" + b"\x00" * 10},
        {"ImageFile": PNG + b"\x00" * (100 * 1024)},
    ],
)
def test_invalid_input_changes_nothing(idp: Any, domain_pool: str, params: dict[str, Any]) -> None:
    before = idp.set_ui_customization(UserPoolId=domain_pool, CSS=CSS, ImageFile=PNG)["UICustomization"]
    with pytest.raises(ClientError) as exc:
        idp.set_ui_customization(UserPoolId=domain_pool, **params)
    assert code_of(exc) == "InvalidParameterException"
    assert idp.get_ui_customization(UserPoolId=domain_pool)["UICustomization"] == before


def test_unknown_image_url(live: Any) -> None:
    assert fetch(f"{live.url}/ui-customization/us-east-1_nope/ALL/1/logo.png")[0] == 404
