"""/oauth2/userInfo by scope, bearer errors; /logout redirect validation and the session cookie."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from oauth_support import CALLBACK, SIGNED_OUT, Browser, exchange, make_app

from userpools.testing import RunningServer


def _app(idp: Any, live: RunningServer, **client: Any) -> Any:
    app = make_app(idp, live, **client)
    idp.add_custom_attributes(
        UserPoolId=app.pool_id, CustomAttributes=[{"Name": "team", "AttributeDataType": "String"}]
    )
    idp.admin_update_user_attributes(
        UserPoolId=app.pool_id, Username="alice",
        UserAttributes=[{"Name": "phone_number", "Value": "+15550001234"},
                        {"Name": "custom:team", "Value": "blue"}, {"Name": "locale", "Value": "en-GB"}],
    )  # fmt: skip
    return app


def _user_info(app: Any, scope: str, method: str = "GET") -> httpx.Response:
    access = exchange(app, Browser(app).code(scope=scope)).json()["access_token"]
    return httpx.request(method, app.url("/oauth2/userInfo"), headers={"authorization": f"Bearer {access}"})


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("openid email", {"email", "email_verified"}),
        ("openid phone", {"phone_number", "phone_number_verified"}),
        ("openid profile", {"name", "locale", "custom:team"}),
        ("openid email aws.cognito.signin.user.admin", {"email", "email_verified"}),
        ("openid", {"email", "email_verified", "name", "phone_number", "phone_number_verified", "locale",
                    "custom:team"}),
    ],
)  # fmt: skip
def test_user_info_by_scope(idp: Any, live: RunningServer, scope: str, expected: set[str]) -> None:
    app = _app(idp, live)
    response = _user_info(app, scope)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == expected | {"sub", "username"}
    assert body["username"] == "alice"
    if "email_verified" in body:
        assert body["email_verified"] == "true"  # a string, as Cognito returns it


def test_user_info_post_and_read_attributes(idp: Any, live: RunningServer) -> None:
    app = _app(idp, live, ReadAttributes=["email", "email_verified"])
    body = _user_info(app, "openid", method="POST").json()
    assert set(body) == {"sub", "username", "email", "email_verified"}


def test_user_info_refusals(idp: Any, live: RunningServer) -> None:
    app = _app(idp, live)
    url = app.url("/oauth2/userInfo")
    missing = httpx.get(url)
    assert missing.status_code == 401 and missing.json()["error"] == "invalid_token"
    assert missing.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    garbage = httpx.get(url, headers={"authorization": "Bearer abc.def.ghi"})
    assert garbage.status_code == 401 and garbage.json()["error"] == "invalid_token"
    api_token = idp.initiate_auth(
        ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Hosted-Passw0rd!"},
    )["AuthenticationResult"]["AccessToken"]  # fmt: skip
    api = httpx.get(url, headers={"authorization": f"Bearer {api_token}"})
    assert api.status_code == 403 and api.json()["error"] == "insufficient_scope"
    other = make_app(idp, live)
    foreign = httpx.get(other.url("/oauth2/userInfo"), headers={"authorization": f"Bearer {api_token}"})
    assert foreign.status_code == 403  # scope checked first; then the pool: see below
    tokens = exchange(app, Browser(app).code(scope="openid")).json()
    wrong_pool = httpx.get(
        other.url("/oauth2/userInfo"), headers={"authorization": f"Bearer {tokens['access_token']}"}
    )
    assert wrong_pool.status_code == 401
    idp.admin_disable_user(UserPoolId=app.pool_id, Username="alice")
    disabled = httpx.get(url, headers={"authorization": f"Bearer {tokens['access_token']}"})
    assert disabled.status_code == 401 and disabled.json()["error_description"] == "User is disabled."


def test_logout_to_a_sign_out_url(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    browser.sign_in()
    out = browser.get(app.url("/logout") + f"?client_id={app.client_id}&logout_uri={SIGNED_OUT}")
    assert out.status_code == 302 and out.headers["location"] == SIGNED_OUT
    cleared = [c for c in out.headers.get_list("set-cookie") if c.startswith("userpools-session=")]
    assert cleared and "Max-Age=0" in cleared[0] and f"Path=/domain/{app.domain}/" in cleared[0]
    assert browser.authorize().headers["location"].startswith(f"/domain/{app.domain}/login?")  # signed out


def test_logout_back_to_sign_in(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    out = browser.get(
        app.url("/logout"),
        params={"client_id": app.client_id, "redirect_uri": CALLBACK, "response_type": "code", "state": "s"},
    )
    assert out.status_code == 302 and out.headers["location"].startswith(f"/domain/{app.domain}/login?")
    assert browser.get(out.headers["location"]).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"logout_uri": "https://evil.example.com/"},
        {"redirect_uri": "https://evil.example.com/", "response_type": "code"},
        {"redirect_uri": CALLBACK},
        {},
        {"client_id": "nobody", "logout_uri": SIGNED_OUT},
    ],
)
def test_logout_never_redirects_elsewhere(idp: Any, live: RunningServer, params: dict[str, str]) -> None:
    app = make_app(idp, live)
    response = Browser(app).get(app.url("/logout"), params={"client_id": app.client_id, **params})
    assert response.status_code == 400 and "location" not in response.headers
