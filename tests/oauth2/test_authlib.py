"""Authlib, an ordinary OAuth 2.0 / OIDC client library, against the hosted endpoints (issue 5 §5).

It reads the discovery document, runs authorization code + PKCE (the test plays the user on the
/login form), verifies the ID token with the published keys (joserfc, Authlib's JOSE library),
refreshes, calls userInfo, revokes; and fetches a client_credentials token.
"""

from __future__ import annotations

from typing import Any

import httpx
import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet
from oauth_support import CALLBACK, PASSWORD, Browser, login_form, make_app, query_of

from userpools.testing import RunningServer


def _discover(app: Any) -> dict[str, Any]:
    return dict(requests.get(app.url("/.well-known/openid-configuration"), timeout=30).json())


def test_code_with_pkce(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, secret=True)
    config = _discover(app)
    with OAuth2Session(
        app.client_id, app.secret, scope="openid email profile", redirect_uri=CALLBACK,
        code_challenge_method="S256",
    ) as client:  # fmt: skip
        verifier = "v" * 20 + "-" + "x" * 40
        url, state = client.create_authorization_url(
            config["authorization_endpoint"], code_verifier=verifier, nonce="authlib-nonce"
        )
        browser = Browser(app)
        first = browser.get(url)
        assert first.status_code == 302
        answer = browser.submit(
            login_form(browser.get(first.headers["location"]), live.url), "alice", PASSWORD
        )
        callback = answer.headers["location"]
        assert query_of(callback)["state"] == state
        tokens = client.fetch_token(
            config["token_endpoint"], authorization_response=callback, code_verifier=verifier
        )
        keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=30).json())
        decoded = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": config["issuer"]},
            aud={"essential": True, "value": app.client_id},
            nonce={"essential": True, "value": "authlib-nonce"},
        ).validate(decoded.claims)
        assert decoded.claims["cognito:username"] == "alice"
        info = client.get(config["userinfo_endpoint"]).json()
        assert info["email"] == "alice@example.com" and info["name"] == "Alice Liddell"
        refreshed = client.refresh_token(config["token_endpoint"], refresh_token=tokens["refresh_token"])
        assert refreshed["access_token"] != tokens["access_token"]
        revoked = client.revoke_token(config["revocation_endpoint"], token=tokens["refresh_token"],
                                      token_type_hint="refresh_token")  # fmt: skip
        assert revoked.status_code == 200
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    gone = httpx.post(config["token_endpoint"], auth=(app.client_id, app.secret or ""), data=form)
    assert gone.json()["error"] == "invalid_grant"


def test_client_credentials(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    idp.create_resource_server(UserPoolId=app.pool_id, Identifier="reports", Name="Reports",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}])  # fmt: skip
    machine = idp.create_user_pool_client(
        UserPoolId=app.pool_id, ClientName="batch", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["reports/read"],
    )["UserPoolClient"]  # fmt: skip
    config = _discover(app)
    for method in ("client_secret_basic", "client_secret_post"):
        with OAuth2Session(machine["ClientId"], machine["ClientSecret"], scope="reports/read",
                           token_endpoint_auth_method=method) as client:  # fmt: skip
            tokens = client.fetch_token(config["token_endpoint"], grant_type="client_credentials")
        assert tokens["token_type"] == "Bearer" and "refresh_token" not in tokens
        keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=30).json())
        claims = jwt.decode(tokens["access_token"], keys, algorithms=["RS256"]).claims
        assert claims["client_id"] == machine["ClientId"] and claims["scope"] == "reports/read"
