"""Reaching a domain by Host header (prefix and custom domains) and by path; discovery documents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt as pyjwt
import pytest
from oauth_support import CALLBACK, App, Browser, claims, login_form, make_app, query_of, unique

from userpools.testing import RunningServer, server


def _host_browser(app: App, host: str) -> httpx.Client:
    """A browser that reaches the server under another Host name (no DNS needed)."""
    return httpx.Client(base_url=app.live.url, headers={"host": host}, follow_redirects=False, timeout=30)


def _sign_in_by_host(app: App, host: str) -> str:
    with _host_browser(app, host) as http:
        params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK}
        first = http.get("/oauth2/authorize", params=params)
        assert first.status_code == 302 and first.headers["location"].startswith("/login?")
        page = http.get(first.headers["location"])
        form = login_form(page, "")
        assert form.action.startswith("/login?")  # the domain's own paths
        assert 'href="/static/hosted.css"' in page.text
        session_cookie_path = "Path=/;"
        answer = http.post(
            form.action, data={"_csrf": form.csrf, "username": "alice", "password": "Hosted-Passw0rd!"}
        )
        assert answer.status_code == 302, answer.text
        assert any(session_cookie_path in c for c in answer.headers.get_list("set-cookie"))
        return query_of(answer.headers["location"])["code"]


def test_prefix_domain_by_host(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    host = f"{app.domain}.auth.us-east-1.amazoncognito.com"
    code = _sign_in_by_host(app, host)
    with _host_browser(app, host) as http:
        response = http.post("/oauth2/token", data={"grant_type": "authorization_code", "code": code,
                             "redirect_uri": CALLBACK, "client_id": app.client_id})  # fmt: skip
        assert response.status_code == 200
        assert claims(response.json()["id_token"])["iss"] == f"{live.url}/{app.pool_id}"
        assert http.get("/.well-known/openid-configuration").json()["issuer"] == f"{live.url}/{app.pool_id}"
        wrong_region = http.get(
            "/oauth2/authorize", headers={"host": f"{app.domain}.auth.eu-west-1.amazoncognito.com"}
        )
        assert wrong_region.status_code == 404
        nope = {"host": "nope.auth.us-east-1.amazoncognito.com"}
        assert http.get("/.well-known/openid-configuration", headers=nope).status_code == 404


def test_custom_domain_by_host(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    custom = f"{unique('auth')}.example.com"
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    idp.create_user_pool_domain(
        UserPoolId=app.pool_id, Domain=custom, CustomDomainConfig={"CertificateArn": cert}
    )
    assert _sign_in_by_host(app, f"{custom}:8443")
    config = httpx.get(f"{live.url}/{app.pool_id}/.well-known/openid-configuration").json()
    port = urlsplit(live.url).port
    assert (
        config["authorization_endpoint"] == f"http://{custom}:{port}/oauth2/authorize"
    )  # the custom domain wins
    assert httpx.get(f"{live.url}/domain/{custom}/.well-known/openid-configuration").status_code == 200


def test_other_host_names_are_the_server(idp: Any, live: RunningServer, pool_id: str) -> None:
    response = httpx.get(
        f"{live.url}/{pool_id}/.well-known/jwks.json", headers={"host": "userpools.internal"}
    )
    assert response.status_code == 200 and response.json()["keys"]


def test_discovery_on_issuer_and_domain(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    issuer_doc = httpx.get(f"{live.url}/{app.pool_id}/.well-known/openid-configuration").json()
    domain_doc = httpx.get(app.url("/.well-known/openid-configuration")).json()
    assert issuer_doc == domain_doc
    assert issuer_doc["authorization_endpoint"] == app.url("/oauth2/authorize")
    assert issuer_doc["token_endpoint"] == app.url("/oauth2/token")
    assert issuer_doc["userinfo_endpoint"] == app.url("/oauth2/userInfo")
    assert issuer_doc["end_session_endpoint"] == app.url("/logout")
    assert issuer_doc["revocation_endpoint"] == app.url("/oauth2/revoke")
    keys = httpx.get(issuer_doc["jwks_uri"]).json()["keys"]
    code = Browser(app).code()
    tokens = httpx.post(issuer_doc["token_endpoint"], data={"grant_type": "authorization_code", "code": code,
                        "redirect_uri": CALLBACK, "client_id": app.client_id}).json()  # fmt: skip
    header = pyjwt.get_unverified_header(tokens["id_token"])
    key = next(k for k in keys if k["kid"] == header["kid"])
    verified = pyjwt.decode(
        tokens["id_token"], pyjwt.PyJWK(key).key, algorithms=["RS256"], audience=app.client_id,
        issuer=issuer_doc["issuer"],
    )  # fmt: skip
    assert verified["cognito:username"] == "alice"


@pytest.fixture(scope="module")
def own_base_host() -> Iterator[RunningServer]:
    with server(domain_base_host="auth.test") as srv:
        yield srv


def test_own_base_host_is_reported_and_served(own_base_host: RunningServer) -> None:
    idp = own_base_host.client()
    app = make_app(idp, own_base_host)
    port = urlsplit(own_base_host.url).port
    config = httpx.get(f"{own_base_host.url}/{app.pool_id}/.well-known/openid-configuration").json()
    base = f"http://{app.domain}.auth.us-east-1.auth.test:{port}"
    assert config["authorization_endpoint"] == f"{base}/oauth2/authorize"
    assert _sign_in_by_host(app, urlsplit(base).netloc)
    aws_named = httpx.get(f"{own_base_host.url}/oauth2/authorize",
                          headers={"host": f"{app.domain}.auth.us-east-1.amazoncognito.com"})  # fmt: skip
    assert aws_named.status_code == 404  # only the configured base host names domains now
    assert (
        httpx.get(f"{app.base}/.well-known/openid-configuration").status_code == 200
    )  # the path still works
