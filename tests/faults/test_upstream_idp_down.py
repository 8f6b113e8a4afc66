"""An upstream OIDC identity provider that hangs, or goes away in the middle of a sign-in, fails only the
federated sign-ins that need it (an OAuth error back to the app, or an error page), never with a bare 500
or a hang; the hosted sign-in page, the API and sign-ins of the pool's own users keep their latency."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from fault_support import FLOWS, PASSWORD, app_client, cognito, timed, user_with_password

from upstream_oidc import upstream_oidc
from userpools.testing import RunningServer, server

CALLBACK = "https://app.example.com/callback"
FAST = 3.0  # seconds: far above an unloaded request, well below a stuck dependency
BOUND = 12.0  # the federation HTTP timeout (10 s) and some slack


def _oauth(providers: list[str]) -> dict[str, Any]:
    return {
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email"],
        "CallbackURLs": [CALLBACK],
        "SupportedIdentityProviders": providers,
    }


def _app(srv: RunningServer) -> dict[str, str]:
    """A pool with a domain, an OAuth client and a user of its own (``ann``)."""
    idp = cognito(srv.url)
    pool_id = idp.create_user_pool(PoolName="federated")["UserPool"]["Id"]
    domain = f"fed{pool_id.split('_')[1].lower()}"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    client_id = app_client(idp, pool_id, **_oauth(["COGNITO"]))
    user_with_password(idp, pool_id, "ann")
    return {"pool_id": pool_id, "client_id": client_id, "base": f"{srv.url}/domain/{domain}"}


def _provider(srv: RunningServer, app: dict[str, str], name: str, issuer: str, **details: str) -> None:
    idp = cognito(srv.url)
    idp.create_identity_provider(
        UserPoolId=app["pool_id"], ProviderName=name, ProviderType="OIDC",
        ProviderDetails={"client_id": "c", "client_secret": "s", "authorize_scopes": "openid",
                         "oidc_issuer": issuer, "attributes_request_method": "GET", **details},
    )  # fmt: skip
    idp.update_user_pool_client(
        UserPoolId=app["pool_id"],
        ClientId=app["client_id"],
        ExplicitAuthFlows=FLOWS,
        **_oauth(["COGNITO", name]),
    )


def _authorize(app: dict[str, str], **params: str) -> str:
    query = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": CALLBACK, **params}
    return f"{app['base']}/oauth2/authorize?{urlencode(query)}"


def _bystanders(srv: RunningServer, app: dict[str, str]) -> dict[str, Callable[[], Any]]:
    idp = cognito(srv.url)
    auth = {"USERNAME": "ann", "PASSWORD": PASSWORD}
    return {
        "login page": lambda: httpx.get(
            _authorize(app), follow_redirects=True, timeout=30
        ).raise_for_status(),
        "jwks": lambda: httpx.get(
            f"{srv.url}/{app['pool_id']}/.well-known/jwks.json", timeout=30
        ).raise_for_status(),
        "AdminGetUser": lambda: idp.admin_get_user(UserPoolId=app["pool_id"], Username="ann"),
        "InitiateAuth": lambda: idp.initiate_auth(
            ClientId=app["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth
        ),
    }


def _oauth_error(answer: httpx.Response) -> dict[str, str]:
    """The error the app's callback receives (a redirect), or the error page's status and text."""
    if answer.status_code == 302:
        location = answer.headers["location"]
        assert location.startswith(CALLBACK), location
        return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert answer.status_code in (400, 502, 503) and "text/html" in answer.headers["content-type"], answer
    return {"error": "page", "error_description": answer.text}


def test_a_hung_provider_fails_only_its_sign_ins() -> None:
    with socket.socket() as hole, server(email_sender="file") as srv:
        hole.bind(("127.0.0.1", 0))
        hole.listen(16)  # accepts connections into the backlog and never answers: a hung provider
        app = _app(srv)
        _provider(srv, app, "Hung", f"http://127.0.0.1:{hole.getsockname()[1]}")
        calls = _bystanders(srv, app)
        outcome: list[tuple[float, Any]] = []
        url = _authorize(app, identity_provider="Hung", state="s1")
        stuck = threading.Thread(target=lambda: outcome.append(timed(lambda: httpx.get(url, timeout=30))))
        stuck.start()
        time.sleep(0.5)
        slowest = dict.fromkeys(calls, 0.0)
        while stuck.is_alive():
            for name, call in calls.items():
                took, result = timed(call)
                assert not isinstance(result, Exception), (name, result)
                slowest[name] = max(slowest[name], took)
        assert all(took < FAST for took in slowest.values()), slowest
        ((took, answer),) = outcome
        assert isinstance(answer, httpx.Response) and took < BOUND, (took, answer)
        error = _oauth_error(answer)
        assert error["error"] == "server_error" and error["state"] == "s1", error


def test_a_provider_gone_in_the_middle_of_a_sign_in_is_an_error_for_that_sign_in_only() -> None:
    with server(email_sender="file") as srv, httpx.Client(timeout=30) as browser:
        app = _app(srv)
        with upstream_oidc() as upstream:
            _provider(
                srv, app, "Upstream", upstream.issuer,
                client_id=upstream.client_id, client_secret=upstream.client_secret,
            )  # fmt: skip
            started = browser.get(_authorize(app, identity_provider="Upstream", state="s2"))
            assert started.status_code == 302, started.text
            back = browser.get(started.headers["location"])  # the provider signs the user in at once
            assert back.status_code in (302, 303), back.text
            answer_url = back.headers["location"]
        # The provider is gone before its code can be redeemed at its token endpoint.
        took, answer = timed(lambda: browser.get(answer_url))
        assert isinstance(answer, httpx.Response) and took < BOUND, (took, answer)
        error = _oauth_error(answer)
        assert error["error"] in ("server_error", "page"), error
        assert (
            "could not be reached" in error["error_description"]
            or "unavailable" in error["error_description"]
        )
        for name, call in _bystanders(srv, app).items():
            took, result = timed(call)
            assert not isinstance(result, Exception) and took < FAST, (name, took, result)
        users = cognito(srv.url).list_users(UserPoolId=app["pool_id"])["Users"]
        assert [u["Username"] for u in users] == ["ann"]  # the failed sign-in created nobody
