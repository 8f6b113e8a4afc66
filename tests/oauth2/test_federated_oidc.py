"""Federated sign-in through an OIDC provider: a second Userpools on loopback is the upstream provider."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urlencode

import pytest
from federation_support import UpstreamPool, connect, enable, federated_location, follow, upstream_pool
from oauth_support import CALLBACK, App, Browser, claims, exchange, fragment_of, make_app, pkce_pair, query_of

from upstream_oidc import upstream_oidc
from userpools.oauth2.federated_state import BROWSER_COOKIE, PendingFederation, binding_hash, seal
from userpools.testing import RunningServer


@pytest.fixture(scope="module")
def up() -> Iterator[UpstreamPool]:
    with upstream_pool() as pool:
        yield pool


def federated_app(idp: Any, live: RunningServer, up: UpstreamPool, **client: Any) -> App:
    app = make_app(idp, live, **client)
    connect(up, app)
    enable(app, "COGNITO", "Corp")
    return app


def provider_answer(app: App, **params: str) -> tuple[Browser, str]:
    """authorize → the provider: the browser and the URL of the provider's answer (not opened yet)."""
    browser = Browser(app)
    started = browser.authorize(identity_provider="Corp", **params)
    back = follow(browser, started.headers["location"], stop=app.url("/oauth2/idpresponse"))
    assert isinstance(back, str)
    return browser, back


def code_of(location: str) -> str:
    assert location.startswith(CALLBACK), location
    return query_of(location)["code"]


def test_a_first_sign_in_creates_an_external_provider_user(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    app = federated_app(idp, live, up)
    browser = Browser(app)
    verifier, challenge = pkce_pair()
    location = federated_location(
        browser, scope="openid email profile", state="app-state", nonce="n-1", code_challenge=challenge,
        code_challenge_method="S256",
    )  # fmt: skip
    assert query_of(location)["state"] == "app-state", location
    body = exchange(app, code_of(location), verifier).json()
    sub = up.sub()
    id_claims = claims(body["id_token"])
    assert id_claims["cognito:username"] == f"Corp_{sub}" and id_claims["nonce"] == "n-1"
    assert id_claims["email"] == "ann@example.com" and id_claims["name"] == "Ann Upstream"
    assert id_claims["email_verified"] is True
    [identity] = id_claims["identities"]
    assert identity["providerName"] == "Corp" and identity["providerType"] == "OIDC"
    assert identity["userId"] == sub and identity["issuer"] == up.issuer and identity["primary"] == "true"
    assert claims(body["access_token"])["scope"] == "openid email profile"
    user = idp.admin_get_user(UserPoolId=app.pool_id, Username=f"Corp_{sub}")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"
    again = browser.authorize()  # the hosted session of the domain is set
    assert again.status_code == 302 and code_of(again.headers["location"])


def test_a_later_sign_in_reuses_the_user_and_updates_its_attributes(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    app = federated_app(idp, live, up)
    browser = Browser(app)
    exchange(app, code_of(federated_location(browser)))
    up.idp.admin_update_user_attributes(
        UserPoolId=up.pool_id, Username="ann", UserAttributes=[{"Name": "name", "Value": "Ann Renamed"}]
    )
    try:
        body = exchange(app, code_of(federated_location(browser))).json()  # signed in upstream already
    finally:
        up.idp.admin_update_user_attributes(
            UserPoolId=up.pool_id, Username="ann", UserAttributes=[{"Name": "name", "Value": "Ann Upstream"}]
        )
    assert claims(body["id_token"])["name"] == "Ann Renamed"
    names = sorted(u["Username"] for u in idp.list_users(UserPoolId=app.pool_id)["Users"])
    assert names == ["Corp_" + up.sub(), "alice"]


def test_a_linked_identity_signs_in_as_the_existing_user(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    app = federated_app(idp, live, up)
    idp.admin_link_provider_for_user(
        UserPoolId=app.pool_id,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "alice"},
        SourceUser={"ProviderName": "Corp", "ProviderAttributeName": "Cognito_Subject",
                    "ProviderAttributeValue": up.sub()},
    )  # fmt: skip
    body = exchange(app, code_of(federated_location(Browser(app)))).json()
    id_claims = claims(body["id_token"])
    assert id_claims["cognito:username"] == "alice"
    assert [(i["providerName"], i["userId"]) for i in id_claims["identities"]] == [("Corp", up.sub())]
    assert [u["Username"] for u in idp.list_users(UserPoolId=app.pool_id)["Users"]] == ["alice"]


def test_the_implicit_grant_through_a_provider(idp: Any, live: RunningServer, up: UpstreamPool) -> None:
    app = federated_app(idp, live, up)
    location = federated_location(Browser(app), response_type="token", scope="openid email")
    answer = fragment_of(location)
    assert location.startswith(CALLBACK + "#") and answer["token_type"] == "Bearer"
    assert claims(answer["id_token"])["identities"][0]["providerName"] == "Corp"


def test_the_sign_in_page_links_the_clients_providers(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    app = federated_app(idp, live, up)
    browser = Browser(app)
    page = browser.open_login(scope="openid email", state="s")
    assert "Continue with Corp" in page.text
    link = unescape(re.search(r'href="([^"]*identity_provider=Corp[^"]*)"', page.text).group(1))  # type: ignore[union-attr]
    location = follow(browser, live.url + link)
    assert isinstance(location, str) and code_of(location) and query_of(location)["state"] == "s"
    enable(app, "Corp")  # external providers only: their links, no password form
    only = Browser(app).open_login()
    assert (
        only.status_code == 200 and "Continue with Corp" in only.text and "cognitoSignInForm" not in only.text
    )


def test_the_providers_refusal_goes_to_the_apps_callback(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    app = make_app(idp, live)
    connect(up, app, "Corp", scopes="openid phone")  # the upstream client may not have phone
    enable(app, "COGNITO", "Corp")
    answer = query_of(federated_location(Browser(app), state="s1"))
    assert answer["error"] == "invalid_request" and answer["state"] == "s1"
    assert "invalid_scope" in answer["error_description"]
    with upstream_oidc(refuse=True) as refusing:
        idp.create_identity_provider(
            UserPoolId=app.pool_id, ProviderName="Refuses", ProviderType="OIDC",
            ProviderDetails={"client_id": refusing.client_id, "client_secret": refusing.client_secret,
                             "authorize_scopes": "openid", "oidc_issuer": refusing.issuer,
                             "attributes_request_method": "GET"},
        )  # fmt: skip
        enable(app, "COGNITO", "Corp", "Refuses")
        denied = query_of(federated_location(Browser(app), provider="Refuses", state="s2"))
    assert denied["error"] == "access_denied" and "The user said no" in denied["error_description"]
    assert denied["state"] == "s2"
    assert [u["Username"] for u in idp.list_users(UserPoolId=app.pool_id)["Users"]] == ["alice"]


def test_a_tampered_replayed_or_moved_state_is_refused(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    app = federated_app(idp, live, up)
    browser, back = provider_answer(app, state="s")
    params = query_of(back)
    state = params["state"]
    middle = len(state) // 2
    forged = state[:middle] + ("A" if state[middle] != "A" else "B") + state[middle + 1 :]
    tampered = browser.get(app.url("/oauth2/idpresponse?") + urlencode({**params, "state": forged}))
    assert tampered.status_code == 400 and "does not belong" in unescape(tampered.text)
    other = federated_app(idp, live, up)
    moved = browser.get(other.url("/oauth2/idpresponse?") + urlencode(params))  # another domain
    assert moved.status_code == 400
    binding = browser.http.cookies[BROWSER_COOKIE]  # a forged or foreign state leaves the cookie
    assert code_of(browser.get(back).headers["location"])
    assert BROWSER_COOKIE not in browser.http.cookies  # the sign-in is over: cleared
    again = browser.get(back)  # this browser's binding is gone
    assert again.status_code == 400 and "another browser" in unescape(again.text)
    browser.http.cookies.set(BROWSER_COOKIE, binding)  # even with the cookie copied, once only
    replayed = query_of(browser.get(back).headers["location"])
    assert replayed["error"] == "invalid_request" and "already used" in replayed["error_description"]
    assert replayed["state"] == "s"


def test_the_answer_is_bound_to_the_browser_that_started_the_sign_in(
    idp: Any, live: RunningServer, up: UpstreamPool
) -> None:
    """Login CSRF: a state started in one browser and handed to another (no cookie, or its own) is refused."""
    app = federated_app(idp, live, up)
    attacker = Browser(app)
    started = attacker.authorize(identity_provider="Corp", state="s")
    cookie = started.headers["set-cookie"]
    assert cookie.startswith(f"{BROWSER_COOKIE}=") and "HttpOnly" in cookie and "Max-Age=300" in cookie
    assert f"Path=/domain/{app.domain}/" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    back = follow(attacker, started.headers["location"], stop=app.url("/oauth2/idpresponse"))
    assert isinstance(back, str)
    victim = Browser(app)
    refused = victim.get(back)  # no binding cookie
    assert refused.status_code == 400 and "another browser" in unescape(refused.text)
    assert "location" not in refused.headers
    victim.authorize(identity_provider="Corp")  # the victim's own sign-in: another binding
    assert victim.get(back).status_code == 400
    assert victim.http.cookies.get(BROWSER_COOKIE)  # not cleared by a foreign answer
    assert [u["Username"] for u in idp.list_users(UserPoolId=app.pool_id)["Users"]] == ["alice"]
    assert code_of(attacker.get(back).headers["location"])  # its own browser still completes it


def test_the_provider_must_be_one_of_the_clients(idp: Any, live: RunningServer, up: UpstreamPool) -> None:
    app = federated_app(idp, live, up)
    browser, back = provider_answer(app)
    enable(app, "COGNITO")  # the app client stops offering the provider meanwhile
    refused = query_of(browser.get(back).headers["location"])
    assert refused["error"] == "invalid_request" and "not enabled" in refused["error_description"]
    refused = query_of(browser.authorize(identity_provider="Corp").headers["location"])
    assert refused["error"] == "invalid_request" and "not enabled" in refused["error_description"]


def test_an_answer_after_five_minutes_is_refused(idp: Any, live: RunningServer, up: UpstreamPool) -> None:
    app = federated_app(idp, live, up)
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK,
              "identity_provider": "Corp", "state": "late"}  # fmt: skip
    oidc = {"provider_name": "Corp", "nonce": "n", "code_verifier": "v" * 43,
            "redirect_uri": app.url("/oauth2/idpresponse")}  # fmt: skip
    late = PendingFederation(
        "0" * 32, "Corp", params, time.time() - 1, oidc=oidc, browser=binding_hash("this-browser")
    )
    sealed = seal(live.app.state.services.sealer, app.domain, late)
    browser = Browser(app)
    browser.http.cookies.set(BROWSER_COOKIE, "this-browser")
    answer = browser.get(app.url("/oauth2/idpresponse?") + urlencode({"code": "c", "state": sealed}))
    refused = query_of(answer.headers["location"])
    assert refused["error"] == "invalid_request" and "5 minutes" in refused["error_description"]
    assert refused["state"] == "late"


def test_an_unreachable_provider_is_a_server_error(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    idp.create_identity_provider(
        UserPoolId=app.pool_id, ProviderName="Gone", ProviderType="OIDC",
        ProviderDetails={"client_id": "c", "client_secret": "s", "authorize_scopes": "openid",
                         "oidc_issuer": "http://127.0.0.1:9", "attributes_request_method": "GET"},
    )  # fmt: skip
    enable(app, "COGNITO", "Gone")
    refused = query_of(Browser(app).authorize(identity_provider="Gone", state="s").headers["location"])
    assert refused["error"] == "server_error" and "could not be reached" in refused["error_description"]
    assert refused["state"] == "s"
