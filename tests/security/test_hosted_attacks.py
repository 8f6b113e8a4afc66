"""The hosted pages against open redirects and cross-site request forgery.

No response ever sends the browser to a URL the app client did not register (redirect_uri of authorize,
logout_uri and redirect_uri of logout, a tampered login form), however the URL is disguised; the sign-in
form refuses a POST without the CSRF token, with a wrong one, or with another browser's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from oauth_support import CALLBACK, PASSWORD, SIGNED_OUT, App, Browser, login_form, make_app

from userpools.testing import RunningServer

DISGUISES = (
    "https://evil.example.com/callback",
    "//evil.example.com/callback",
    "///evil.example.com/callback",
    "/\\evil.example.com/callback",
    "\\\\evil.example.com\\callback",
    "https:\\\\evil.example.com",
    "https://app.example.com.evil.example.com/callback",
    "https://app.example.com@evil.example.com/callback",
    "https://evil.example.com\\@app.example.com/callback",
    "https://evil.example.com#https://app.example.com/callback",
    "https://app.example.com/callback/../../evil",
    "https://app.example.com/callback?next=https://evil.example.com",
    "https://app.example.com/callbackx",
    "http://app.example.com/callback",
    "https://APP.example.com/callback%2F..%2F..%2Fevil",
    "javascript:alert(1)//https://app.example.com/callback",
    "data:text/html,<script>alert(1)</script>",
    " https://app.example.com/callback",
    "https://app.example.com/callback\r\nLocation: https://evil.example.com",
)


def assert_stays(response: httpx.Response, *allowed: str) -> None:
    """The response sends the browser nowhere, or to this server, or exactly to a registered URL."""
    location = response.headers.get("location")
    if location is None:
        return
    if any(
        location == url or location.startswith(url + "?") or location.startswith(url + "#") for url in allowed
    ):
        return
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, f"redirected off-site to {location!r}"
    assert location.startswith("/") and not location.startswith(("//", "/\\")), f"redirected to {location!r}"


@pytest.fixture
def app(idp: Any, live: RunningServer) -> App:
    return make_app(idp, live)


@pytest.mark.parametrize("target", DISGUISES)
def test_authorize_never_redirects_to_an_unregistered_uri(app: App, target: str) -> None:
    response = Browser(app).authorize(redirect_uri=target)
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert_stays(response)


@pytest.mark.parametrize("target", DISGUISES)
def test_logout_never_redirects_to_an_unregistered_uri(app: App, target: str) -> None:
    browser = Browser(app)
    for params in ({"logout_uri": target}, {"redirect_uri": target, "response_type": "code"}):
        response = browser.get(app.url("/logout"), params={"client_id": app.client_id, **params})
        assert response.status_code == 400, (params, response.headers.get("location"))
        assert_stays(response)


def test_registered_uris_still_redirect(app: App) -> None:
    browser = Browser(app)
    assert browser.sign_in().startswith(CALLBACK + "?code=")
    out = browser.get(app.url("/logout"), params={"client_id": app.client_id, "logout_uri": SIGNED_OUT})
    assert out.status_code == 302 and out.headers["location"] == SIGNED_OUT


@pytest.mark.parametrize("target", DISGUISES[:8])
def test_a_tampered_login_form_never_redirects_off_site(app: App, target: str) -> None:
    browser = Browser(app)
    form = login_form(browser.open_login(), app.live.url)
    parts = urlsplit(form.action)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query.get("redirect_uri") == CALLBACK  # the form carries the authorize request
    tampered = urlunsplit(parts._replace(query=urlencode({**query, "redirect_uri": target})))
    response = browser.http.post(
        tampered, data={"_csrf": form.csrf, "username": "alice", "password": PASSWORD}
    )
    assert_stays(response, CALLBACK)
    assert not response.headers.get("location", "").startswith(CALLBACK + "?code="), "signed in anyway"


def test_sign_in_form_refuses_forged_requests(app: App) -> None:
    victim, attacker = Browser(app), Browser(app)
    form = login_form(victim.open_login(), app.live.url)
    theirs = login_form(attacker.open_login(), app.live.url)
    attempts = {
        "no token": {"username": "alice", "password": PASSWORD},
        "empty token": {"_csrf": "", "username": "alice", "password": PASSWORD},
        "wrong token": {"_csrf": form.csrf[:-2] + "xx", "username": "alice", "password": PASSWORD},
        "another browser's token": {"_csrf": theirs.csrf, "username": "alice", "password": PASSWORD},
    }
    for name, data in attempts.items():
        response = victim.http.post(form.action, data=data)
        assert response.status_code in (400, 403), f"{name}: {response.status_code}"
        assert "code=" not in response.headers.get("location", ""), name
    # Without the victim's cookies at all (a cross-site form post from the attacker's page).
    bare = httpx.post(form.action, data={"_csrf": form.csrf, "username": "alice", "password": PASSWORD})
    assert bare.status_code in (400, 403) and "code=" not in bare.headers.get("location", "")
    # The real form still works.
    assert victim.submit(form).headers["location"].startswith(CALLBACK + "?code=")


def test_nul_characters_are_refused_not_a_500(app: App) -> None:
    """PostgreSQL text can't hold NUL: each of these answered 500 there before it was refused up front."""
    browser, live = Browser(app), app.live
    authorize, token = app.url("/oauth2/authorize"), app.url("/oauth2/token")
    query = {"client_id": app.client_id, "response_type": "code", "redirect_uri": CALLBACK}
    form = login_form(browser.open_login(), live.url)
    answers = {
        "authorize client_id": browser.get(authorize, params={**query, "client_id": "a\x00"}),
        "authorize state": browser.get(authorize, params={**query, "state": "\x00"}),
        "token client_id": httpx.post(token, data={"grant_type": "authorization_code", "client_id": "a\x00"}),
        "token code": httpx.post(token, data={"grant_type": "authorization_code", "code": "x\x00",
                                              "client_id": app.client_id}),
        "revoke": httpx.post(app.url("/oauth2/revoke"), data={"client_id": app.client_id, "token": "x\x00"}),
        "logout": browser.get(app.url("/logout"), params={"client_id": "a\x00", "logout_uri": SIGNED_OUT}),
        "domain": httpx.get(live.url + "/domain/a%00b/login"),
        "login username": browser.http.post(form.action, data={"_csrf": form.csrf, "username": "a\x00",
                                                                "password": PASSWORD}),
        "jwks": httpx.get(live.url + "/us-east-1_a%00/.well-known/jwks.json"),
        "discovery": httpx.get(live.url + "/us-east-1_a%00/.well-known/openid-configuration"),
    }  # fmt: skip
    for name, response in answers.items():
        assert 400 <= response.status_code < 500, f"{name}: {response.status_code}"
