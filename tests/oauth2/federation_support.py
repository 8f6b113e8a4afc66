"""Helpers of the federated sign-in tests (no tests here): a second Userpools as the upstream OIDC provider.

``upstream_pool`` starts another Userpools on loopback with a pool, a domain and the user ``ann``; its
pool's issuer is a real OpenID provider (discovery, JWKS, authorize, token, userInfo). ``connect`` gives
it an app client whose callback is the downstream domain's ``/oauth2/idpresponse`` and registers it as
an OIDC identity provider of the downstream pool. ``follow`` walks a browser through both servers,
signing in on the upstream's /login form when it shows, until a redirect leaves them (the app's callback).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from oauth_support import PASSWORD, App, Browser, add_user, login_form, unique

from userpools.testing import RunningServer, server

MAPPING = {"email": "email", "name": "name", "email_verified": "email_verified"}
SCOPES = "openid email profile"


@dataclass
class UpstreamPool:
    live: RunningServer
    pool_id: str
    domain: str

    @property
    def idp(self) -> Any:
        return self.live.client()

    @property
    def issuer(self) -> str:
        return f"{self.live.url}/{self.pool_id}"

    def sub(self, username: str = "ann") -> str:
        user = self.idp.admin_get_user(UserPoolId=self.pool_id, Username=username)
        return next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")


@contextmanager
def upstream_pool() -> Iterator[UpstreamPool]:
    """Another Userpools (SQLite) whose pool has a domain and the user ``ann`` (PASSWORD)."""
    with server(email_sender="file", sms_sender="file") as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(PoolName=unique("upstream"))["UserPool"]["Id"]
        domain = unique("upstream")
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
        add_user(idp, pool_id, "ann", email="ann@example.com", email_verified="true", name="Ann Upstream")
        yield UpstreamPool(srv, pool_id, domain)


@dataclass(frozen=True)
class Connection:
    client_id: str  # the upstream app client the downstream pool signs in with
    client_secret: str


def upstream_client(up: UpstreamPool, downstream: App) -> Connection:
    """An upstream app client (code flow, a secret) whose callback is ``downstream``'s /oauth2/idpresponse."""
    client = up.idp.create_user_pool_client(
        UserPoolId=up.pool_id, ClientName=f"for-{downstream.domain}", GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email", "profile"], SupportedIdentityProviders=["COGNITO"],
        CallbackURLs=[downstream.url("/oauth2/idpresponse")],
    )["UserPoolClient"]  # fmt: skip
    return Connection(client["ClientId"], client["ClientSecret"])


def connect(
    up: UpstreamPool, downstream: App, name: str = "Corp", *, scopes: str = SCOPES,
    mapping: dict[str, str] | None = None, **details: str,
) -> Connection:  # fmt: skip
    """The upstream pool as the OIDC provider ``name`` of ``downstream``'s pool (found by discovery)."""
    connection = upstream_client(up, downstream)
    provider_details = {
        "client_id": connection.client_id, "client_secret": connection.client_secret,
        "authorize_scopes": scopes, "oidc_issuer": up.issuer, "attributes_request_method": "GET", **details,
    }  # fmt: skip
    downstream.live.client().create_identity_provider(
        UserPoolId=downstream.pool_id, ProviderName=name, ProviderType="OIDC",
        ProviderDetails=provider_details, AttributeMapping=MAPPING if mapping is None else mapping,
    )  # fmt: skip
    return connection


def enable(app: App, *providers: str) -> None:
    """Sets the app client's SupportedIdentityProviders, keeping the rest of its settings."""
    idp = app.live.client()
    current = idp.describe_user_pool_client(UserPoolId=app.pool_id, ClientId=app.client_id)["UserPoolClient"]
    accepted = idp.meta.service_model.operation_model("UpdateUserPoolClient").input_shape.members
    settings = {k: v for k, v in current.items() if k in accepted}
    idp.update_user_pool_client(**{**settings, "SupportedIdentityProviders": list(providers)})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def follow(browser: Browser, location: str, *, username: str = "ann", password: str = PASSWORD,
           stop: str = "") -> str | httpx.Response:  # fmt: skip
    """Follows redirects from ``location`` (signing in at a /login form on the way) until one leads off
    the loopback servers, or to ``stop``: that Location; a page that is no redirect is returned."""
    for _ in range(12):
        if not location.startswith("http://127.0.0.1") or (stop and location.startswith(stop)):
            return location
        answer = browser.get(location)
        if answer.status_code == 200 and 'name="cognitoSignInForm"' in answer.text:
            answer = browser.submit(login_form(answer, _origin(location)), username, password)
        if answer.status_code != 302:
            return answer
        location = urljoin(location, answer.headers["location"])  # /login redirects are relative
    raise AssertionError("too many redirects")


def federated_location(browser: Browser, provider: str = "Corp", **params: str) -> str:
    """authorize with ``identity_provider`` → upstream → back: the app's callback Location."""
    first = browser.authorize(identity_provider=provider, **params)
    assert first.status_code == 302, first.text
    final = follow(browser, first.headers["location"])
    assert isinstance(final, str), final.text
    return final
