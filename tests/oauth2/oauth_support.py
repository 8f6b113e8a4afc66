"""Helpers of the hosted UI / OAuth 2.0 tests (no tests here): apps, a cookie-keeping browser, PKCE.

``Browser`` is an httpx client that keeps cookies and never follows redirects, so each test sees every
``Location`` the server sends; ``sign_in`` walks authorize → /login → POST the form → the callback.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
import secrets
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from userpools.testing import RunningServer

PASSWORD = "Hosted-Passw0rd!"
CALLBACK = "https://app.example.com/callback"
LOCAL_CALLBACK = "http://localhost:3000/cb"
SIGNED_OUT = "https://app.example.com/signed-out"
_names = itertools.count()


def unique(prefix: str) -> str:
    """A domain prefix unique across the test run (domains are unique server-wide)."""
    return f"{prefix}{os.getpid()}x{next(_names)}"


@dataclass
class App:
    """A pool with a domain, one OAuth app client and a user ``alice``."""

    live: RunningServer
    pool_id: str
    domain: str
    client_id: str
    secret: str | None

    @property
    def base(self) -> str:
        return f"{self.live.url}/domain/{self.domain}"

    def url(self, path: str) -> str:
        return self.base + path


def make_app(
    idp: Any, live: RunningServer, *, secret: bool = False, pool: dict[str, Any] | None = None,
    alice: bool = True, **client: Any,
) -> App:  # fmt: skip
    pool_id = idp.create_user_pool(PoolName=unique("hosted"), **(pool or {}))["UserPool"]["Id"]
    domain = unique("login")
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    settings: dict[str, Any] = {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code", "implicit"],
        "AllowedOAuthScopes": ["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"],
        "CallbackURLs": [CALLBACK, LOCAL_CALLBACK],
        "LogoutURLs": [SIGNED_OUT],
        "SupportedIdentityProviders": ["COGNITO"],
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        **client,
    }
    created = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", GenerateSecret=secret, **settings
    )["UserPoolClient"]
    if alice:
        add_user(
            idp, pool_id, "alice", email="alice@example.com", email_verified="true", name="Alice Liddell"
        )
    return App(live, pool_id, domain, created["ClientId"], created.get("ClientSecret"))


def add_user(idp: Any, pool_id: str, username: str, *, permanent: bool = True, **attributes: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        **({} if permanent else {"TemporaryPassword": PASSWORD}),
    )
    if permanent:
        idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def pkce_pair(method: str = "S256") -> tuple[str, str]:
    """``(verifier, challenge)``."""
    verifier = secrets.token_urlsafe(48)
    if method == "plain":
        return verifier, verifier
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def fragment_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).fragment).items()}


@dataclass
class LoginForm:
    action: str  # absolute URL
    csrf: str
    username: str


def login_form(page: httpx.Response, server_url: str) -> LoginForm:
    assert page.status_code in (200, 400, 403), page.text  # the form, maybe with an error
    action = unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    csrf = re.search(r'name="_csrf" value="([^"]*)"', page.text).group(1)  # type: ignore[union-attr]
    username = unescape(re.search(r'name="username"[^>]*value="([^"]*)"', page.text, re.S).group(1))  # type: ignore[union-attr]
    return LoginForm(server_url + action if action.startswith("/") else action, csrf, username)


OPEN: list[httpx.Client] = []  # closed after each test (tests/oauth2/conftest.py)


class Browser:
    """Cookies kept, redirects not followed."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.http = httpx.Client(follow_redirects=False, timeout=30)
        OPEN.append(self.http)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(url if url.startswith("http") else self.app.live.url + url, **kwargs)

    def authorize(self, **params: str) -> httpx.Response:
        params = {
            "response_type": "code",
            "client_id": self.app.client_id,
            "redirect_uri": CALLBACK,
            **params,
        }
        return self.get(self.app.url("/oauth2/authorize") + "?" + urlencode(params))

    def open_login(self, **params: str) -> httpx.Response:
        """authorize → the /login page it redirects to."""
        first = self.authorize(**params)
        assert first.status_code == 302, first.text
        assert urlsplit(first.headers["location"]).path.endswith("/login"), first.headers["location"]
        return self.get(first.headers["location"])

    def submit(
        self, form: LoginForm, username: str = "alice", password: str = PASSWORD, **extra: str
    ) -> httpx.Response:
        data = {"_csrf": form.csrf, "username": username, "password": password, **extra}
        return self.http.post(form.action, data=data)

    def sign_in(self, username: str = "alice", password: str = PASSWORD, **params: str) -> str:
        """The callback Location of a full sign-in."""
        answer = self.submit(login_form(self.open_login(**params), self.app.live.url), username, password)
        assert answer.status_code == 302, answer.text
        return str(answer.headers["location"])

    def code(self, **params: str) -> str:
        return query_of(self.sign_in(**params))["code"]


def token(app: App, *, basic: bool = True, **form: str) -> httpx.Response:
    """POST /oauth2/token, the client authenticating with Basic (secret clients) or client_id."""
    data = dict(form)
    auth = None
    if app.secret is not None and basic:
        auth = (app.client_id, app.secret)
    else:
        data.setdefault("client_id", app.client_id)
        if app.secret is not None:
            data.setdefault("client_secret", app.secret)
    return httpx.post(app.url("/oauth2/token"), data=data, auth=auth, timeout=30)


def exchange(
    app: App, code: str, verifier: str | None = None, redirect_uri: str = CALLBACK
) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    if verifier is not None:
        form["code_verifier"] = verifier
    return token(app, **form)


def form_of(page: httpx.Response, name: str | None = None) -> dict[str, str]:
    """The hidden fields and ``action`` of a page's form (the one named ``name``, else the first)."""
    pattern = rf'<form name="{name}"[^>]*>.*?</form>' if name else r"<form[^>]*>.*?</form>"
    html = re.search(pattern, page.text, re.S).group(0)  # type: ignore[union-attr]
    fields = {n: unescape(v) for n, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html)}
    fields["action"] = unescape(re.search(r'<form[^>]*action="([^"]+)"', html).group(1))  # type: ignore[union-attr]
    return fields


def post_form(browser: Browser, page: httpx.Response, **values: str) -> httpx.Response:
    """Submits ``page``'s form with its hidden fields and ``values``."""
    fields = form_of(page)
    action = fields.pop("action")
    return browser.http.post(browser.app.live.url + action, data={**fields, **values})


def sent_message(live: RunningServer, pool_id: str, kind: str) -> dict[str, Any]:
    """The latest message of ``kind`` (``sign_up``, ``forgot_password``, ``mfa`` ...) sent in the pool."""
    sent = [json.loads(line) for line in live.outbox.read_text(encoding="utf-8").splitlines()]
    return dict([m for m in sent if m["pool_id"] == pool_id and m.get("kind") == kind][-1])


def sent_code(live: RunningServer, pool_id: str, kind: str) -> str:
    """The code in the latest message of ``kind`` sent in the pool."""
    return str(re.findall(r"\d{6}", sent_message(live, pool_id, kind)["body"])[-1])


def sibling(browser: Browser, page: httpx.Response, path: str, **extra: str) -> httpx.Response:
    """GET another hosted page (``/signup`` ...) with the authorize parameters of ``page``'s form."""
    query = urlsplit(form_of(page)["action"]).query
    more = f"&{urlencode(extra)}" if extra else ""
    return browser.get(f"{browser.app.url(path)}?{query}{more}")


SMS_CONFIG = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns-caller", "ExternalId": "ext"}


def sms_mfa(idp: Any, pool_id: str, mode: str = "OPTIONAL", *, totp: bool = False) -> None:
    """Turns on SMS MFA (messages "Hosted code {####}") and, with ``totp``, TOTP MFA in a pool created
    with ``SmsConfiguration=SMS_CONFIG``."""
    sms = {"SmsAuthenticationMessage": "Hosted code {####}", "SmsConfiguration": SMS_CONFIG}
    extra = {"SoftwareTokenMfaConfiguration": {"Enabled": True}} if totp else {}
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration=mode, SmsMfaConfiguration=sms, **extra)


def verified_phone(idp: Any, pool_id: str, username: str = "alice", phone: str = "+15555550123") -> None:
    attributes = {"phone_number": phone, "phone_number_verified": "true"}
    idp.admin_update_user_attributes(
        UserPoolId=pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
