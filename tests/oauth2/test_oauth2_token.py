"""/oauth2/token: client authentication, refresh_token and client_credentials grants, RFC 6749 errors;
/oauth2/revoke."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from oauth_support import Browser, claims, exchange, make_app, query_of, token

from userpools.ports import FakeClock
from userpools.testing import RunningServer, server


def _machine_app(idp: Any, live: RunningServer, **client: Any) -> Any:
    app = make_app(idp, live, secret=True, AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"])
    idp.create_resource_server(
        UserPoolId=app.pool_id, Identifier="https://api.example.com", Name="API",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "r"},
                {"ScopeName": "write", "ScopeDescription": "w"}],
    )  # fmt: skip
    created = idp.create_user_pool_client(
        UserPoolId=app.pool_id, ClientName="machine", GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["https://api.example.com/read", "https://api.example.com/write"], **client,
    )["UserPoolClient"]  # fmt: skip
    app.client_id, app.secret = created["ClientId"], created["ClientSecret"]
    return app


@pytest.mark.parametrize("basic", [True, False])
def test_client_credentials(idp: Any, live: RunningServer, basic: bool) -> None:
    app = _machine_app(idp, live)
    response = token(app, basic=basic, grant_type="client_credentials", scope="https://api.example.com/read")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "token_type"}
    access = claims(body["access_token"])
    assert access["sub"] == access["client_id"] == app.client_id
    assert access["scope"] == "https://api.example.com/read" and access["token_use"] == "access"
    assert (
        access["version"] == 2 and access["iss"] == f"{live.url}/{app.pool_id}" and "username" not in access
    )
    every = claims(token(app, grant_type="client_credentials").json()["access_token"])
    assert every["scope"] == "https://api.example.com/read https://api.example.com/write"


def test_client_credentials_refusals(idp: Any, live: RunningServer) -> None:
    app = _machine_app(idp, live)
    wrong_scope = token(app, grant_type="client_credentials", scope="openid")
    assert wrong_scope.status_code == 400 and wrong_scope.json()["error"] == "invalid_scope"
    bad_secret = httpx.post(app.url("/oauth2/token"), data={"grant_type": "client_credentials"},
                            auth=(app.client_id, "not-the-secret"))  # fmt: skip
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    assert bad_secret.headers["www-authenticate"].startswith("Basic")
    posted = httpx.post(app.url("/oauth2/token"), data={"grant_type": "client_credentials",
                        "client_id": app.client_id, "client_secret": "nope"})  # fmt: skip
    assert posted.status_code == 400 and posted.json()["error"] == "invalid_client"
    form = {"grant_type": "client_credentials", "client_secret": "x"}
    both = httpx.post(app.url("/oauth2/token"), data=form, auth=(app.client_id, app.secret or ""))
    assert both.status_code == 400 and both.json()["error"] == "invalid_request"
    user_app = make_app(idp, live, secret=True)
    refused = token(user_app, grant_type="client_credentials")
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"


def test_grant_type_errors(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    assert token(app).json()["error"] == "invalid_request"
    unknown = token(app, grant_type="password", username="alice")
    assert unknown.status_code == 400 and unknown.json()["error"] == "unsupported_grant_type"
    as_json = httpx.post(app.url("/oauth2/token"), json={"grant_type": "client_credentials"})
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    unknown_client = httpx.post(app.url("/oauth2/token"), data={"grant_type": "refresh_token",
                                "client_id": "nobody", "refresh_token": "x"})  # fmt: skip
    assert unknown_client.json()["error"] == "invalid_client"
    assert token(app, grant_type="refresh_token").json()["error"] == "invalid_request"


def test_refresh_token_grant(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, secret=True)
    first = exchange(app, Browser(app).code(scope="openid email")).json()
    refreshed = token(app, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert set(body) == {"access_token", "id_token", "expires_in", "token_type"}  # no rotation
    assert claims(body["access_token"])["scope"] == "openid email"
    assert claims(body["id_token"])["origin_jti"] == claims(first["id_token"])["origin_jti"]
    bad = token(app, grant_type="refresh_token", refresh_token="not-a-refresh-token")
    assert bad.status_code == 400
    assert bad.json() == {"error": "invalid_grant", "error_description": "Invalid Refresh Token."}


def test_refresh_needs_the_flow(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])
    first = exchange(app, Browser(app).code()).json()
    refused = token(app, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"


def test_revoke_endpoint(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, secret=True)
    body = exchange(app, Browser(app).code(scope="openid aws.cognito.signin.user.admin")).json()
    revoke = httpx.post(app.url("/oauth2/revoke"), data={"token": body["refresh_token"]},
                        auth=(app.client_id, app.secret or ""))  # fmt: skip
    assert revoke.status_code == 200 and revoke.content == b""
    assert token(app, grant_type="refresh_token", refresh_token=body["refresh_token"]).json() == {
        "error": "invalid_grant", "error_description": "Refresh Token has been revoked"
    }  # fmt: skip
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=body["access_token"])
    again = httpx.post(app.url("/oauth2/revoke"), data={"token": body["refresh_token"]},
                       auth=(app.client_id, app.secret or ""))  # fmt: skip
    assert again.status_code == 200  # already revoked: still 200
    jwt_token = httpx.post(app.url("/oauth2/revoke"), data={"token": body["access_token"]},
                           auth=(app.client_id, app.secret or ""))  # fmt: skip
    assert jwt_token.status_code == 400 and jwt_token.json()["error"] == "unsupported_token_type"
    anonymous = httpx.post(app.url("/oauth2/revoke"), data={"token": "x", "client_id": app.client_id})
    assert anonymous.status_code == 400 and anonymous.json()["error"] == "invalid_client"
    assert httpx.post(app.url("/oauth2/revoke"), data={"client_id": app.client_id}).json()["error"] == (
        "invalid_request"
    )


def test_revoke_disabled_for_the_client(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, EnableTokenRevocation=False)
    body = exchange(app, Browser(app).code()).json()
    refused = httpx.post(
        app.url("/oauth2/revoke"), data={"token": body["refresh_token"], "client_id": app.client_id}
    )
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_request"


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    with server(clock=clock) as srv:
        yield srv


def test_code_expires_after_five_minutes(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    app = make_app(idp, clocked)
    browser = Browser(app)
    fresh = browser.code()
    stale = query_of(browser.authorize().headers["location"])["code"]  # the session signs in at once
    clock.advance(299)
    assert exchange(app, fresh).status_code == 200
    clock.advance(2)
    expired = exchange(app, stale)
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


def test_session_cookie_expires_after_an_hour(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    app = make_app(idp, clocked)
    browser = Browser(app)
    browser.sign_in()
    clock.advance(3599)
    assert "code=" in browser.authorize().headers["location"]
    clock.advance(2)
    assert browser.authorize().headers["location"].startswith(f"/domain/{app.domain}/login?")
