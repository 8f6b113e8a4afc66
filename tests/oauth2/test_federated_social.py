"""A social provider type (Google) pointed at a loopback OIDC provider by USERPOOLS_FEDERATION_ENDPOINTS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from federation_support import UpstreamPool, enable, federated_location, upstream_client, upstream_pool
from oauth_support import Browser, claims, exchange, make_app, query_of

from pg_support import store_server
from userpools.testing import RunningServer


@pytest.fixture(scope="module")
def up() -> Iterator[UpstreamPool]:
    with upstream_pool() as pool:
        yield pool


@pytest.fixture(scope="module")
def social_live(up: UpstreamPool) -> Iterator[RunningServer]:
    """A server (on the test store) whose Google is the upstream pool's issuer."""
    with store_server(federation_endpoints=f"Google={up.issuer}") as srv:
        yield srv


def test_google_signs_in_through_the_configured_issuer(social_live: RunningServer, up: UpstreamPool) -> None:
    idp = social_live.client()
    app = make_app(idp, social_live)
    connection = upstream_client(up, app)
    idp.create_identity_provider(
        UserPoolId=app.pool_id, ProviderName="Google", ProviderType="Google",
        ProviderDetails={"client_id": connection.client_id, "client_secret": connection.client_secret,
                         "authorize_scopes": "openid email profile"},
        AttributeMapping={"email": "email", "name": "name"},
    )  # fmt: skip
    enable(app, "COGNITO", "Google")
    assert "Continue with Google" in Browser(app).open_login().text
    started = Browser(app).authorize(identity_provider="Google")
    assert started.headers["location"].startswith(f"{up.live.url}/domain/{up.domain}/oauth2/authorize?")
    location = federated_location(Browser(app), provider="Google")
    id_claims = claims(exchange(app, query_of(location)["code"]).json()["id_token"])
    assert id_claims["cognito:username"] == f"Google_{up.sub()}"
    assert id_claims["email"] == "ann@example.com" and id_claims["name"] == "Ann Upstream"
    [identity] = id_claims["identities"]
    assert identity["providerType"] == "Google" and identity["userId"] == up.sub()
