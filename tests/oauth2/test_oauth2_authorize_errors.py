"""/oauth2/authorize refusals: error pages for a bad client or redirect_uri (never a redirect), error
redirects for the rest, identity provider routing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from oauth_support import CALLBACK, Browser, make_app, query_of

from userpools.testing import RunningServer


def _page(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert "location" not in response.headers
    assert response.headers["content-type"].startswith("text/html")
    assert f"<code>{code}</code>" in response.text and '<html lang="en">' in response.text


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.com/callback",
        CALLBACK + "/more",
        CALLBACK + "?x=1",
        "https://APP.example.com/callback",
        "",
    ],
)
def test_unregistered_redirect_is_an_error_page(idp: Any, live: RunningServer, redirect_uri: str) -> None:
    app = make_app(idp, live)
    _page(Browser(app).authorize(redirect_uri=redirect_uri, state="s"), 400, "redirect_mismatch")


def test_unknown_or_foreign_client_is_an_error_page(idp: Any, live: RunningServer) -> None:
    app, other = make_app(idp, live), make_app(idp, live)
    browser = Browser(app)
    _page(browser.authorize(client_id="nosuchclient"), 400, "invalid_client")
    _page(browser.authorize(client_id=other.client_id), 400, "invalid_client")  # another pool's client
    _page(browser.authorize(client_id=""), 400, "invalid_client")


def test_unknown_domain_is_404(live: RunningServer) -> None:
    response = httpx.get(f"{live.url}/domain/never-created-here/oauth2/authorize")
    assert response.status_code == 404 and "location" not in response.headers
    token = httpx.post(f"{live.url}/domain/never-created-here/oauth2/token", data={"grant_type": "x"})
    assert token.status_code == 404 and token.json()["error"] == "not_found"


def _error(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith(CALLBACK + "?")
    return query_of(response.headers["location"])


def test_scope_refusals_redirect_like_cognito(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, AllowedOAuthScopes=["openid", "email"])
    browser = Browser(app)
    for scope in ("openid profile", "openid nosuch/scope", "email"):
        assert _error(browser.authorize(scope=scope, state="q")) == {
            "error": "invalid_request", "error_description": "invalid_scope", "state": "q"
        }  # fmt: skip


def test_custom_scope_of_a_deleted_resource_server(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, AllowedOAuthScopes=["openid"])
    idp.create_resource_server(UserPoolId=app.pool_id, Identifier="orders", Name="Orders",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "read"}])  # fmt: skip
    idp.update_user_pool_client(
        UserPoolId=app.pool_id, ClientId=app.client_id, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "orders/read"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )  # fmt: skip
    browser = Browser(app)
    assert browser.open_login(scope="openid orders/read").status_code == 200
    idp.delete_resource_server(UserPoolId=app.pool_id, Identifier="orders")
    assert _error(browser.authorize(scope="openid orders/read"))["error_description"] == "invalid_scope"


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": "id_token"}, "unsupported_response_type"),
        ({"response_type": ""}, "invalid_request"),
        ({"code_challenge_method": "S512", "code_challenge": "a" * 43}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
        ({"prompt": "sometimes"}, "invalid_request"),
    ],
)
def test_invalid_requests_redirect(idp: Any, live: RunningServer, params: dict[str, str], error: str) -> None:
    app = make_app(idp, live)
    answer = _error(Browser(app).authorize(state="x", **params))
    assert answer["error"] == error and answer["state"] == "x"


def test_client_without_oauth_or_flow(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, AllowedOAuthFlows=["implicit"])
    assert _error(Browser(app).authorize())["error"] == "unauthorized_client"
    idp.update_user_pool_client(UserPoolId=app.pool_id, ClientId=app.client_id, CallbackURLs=[CALLBACK],
                                SupportedIdentityProviders=["COGNITO"])  # fmt: skip
    assert _error(Browser(app).authorize())["error"] == "unauthorized_client"  # OAuth switched off


def test_identity_provider_routing(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    idp.create_identity_provider(
        UserPoolId=app.pool_id, ProviderName="Upstream", ProviderType="OIDC", IdpIdentifiers=["corp"],
        ProviderDetails={"client_id": "c", "client_secret": "s", "authorize_scopes": "openid",
                         "oidc_issuer": "https://issuer.example.com", "attributes_request_method": "GET",
                         "authorize_url": "https://issuer.example.com/authorize",
                         "token_url": "https://issuer.example.com/token",
                         "attributes_url": "https://issuer.example.com/userinfo",
                         "jwks_uri": "https://issuer.example.com/jwks"},
    )  # fmt: skip
    browser = Browser(app)
    assert browser.open_login(identity_provider="COGNITO").status_code == 200
    not_enabled = _error(browser.authorize(identity_provider="Upstream"))
    assert not_enabled["error"] == "invalid_request" and "not enabled" in not_enabled["error_description"]
    assert _error(browser.authorize(idp_identifier="nobody"))["error"] == "invalid_request"
    idp.update_user_pool_client(
        UserPoolId=app.pool_id, ClientId=app.client_id, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO", "Upstream"],
    )  # fmt: skip
    for params in ({"identity_provider": "Upstream"}, {"idp_identifier": "corp"}):  # to the provider
        answer = browser.authorize(**params)
        assert answer.status_code == 302
        assert answer.headers["location"].startswith(
            "https://issuer.example.com/authorize?response_type=code&client_id=c&"
        )


def test_client_without_cognito_sign_in(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, SupportedIdentityProviders=[])
    _page(Browser(app).open_login(), 400, "invalid_request")
