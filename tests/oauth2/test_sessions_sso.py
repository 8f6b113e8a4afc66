"""Session tracking on the hosted pages: SSO sessions, the token sessions they lead to, revocation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError
from federation_support import UpstreamPool, connect, enable, federated_location, upstream_pool
from oauth_support import App, Browser, exchange, make_app, query_of

from userpools.testing import RunningServer


def _tracked_app(idp: Any, live: RunningServer) -> App:
    app = make_app(idp, live)
    idp.set_user_pool_session_configuration(
        UserPoolId=app.pool_id, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 20}
    )
    return app


def _tokens(app: App, code: str) -> dict[str, Any]:
    answer = exchange(app, code)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _sessions(idp: Any, app: App) -> list[dict[str, Any]]:
    return list(idp.admin_list_user_sessions(UserPoolId=app.pool_id, Username="alice")["Sessions"])


def _goes_to_login(browser: Browser) -> bool:
    answer = browser.authorize()
    assert answer.status_code == 302, answer.text
    return urlsplit(answer.headers["location"]).path.endswith("/login")


def _revoked(idp: Any, access_token: str) -> bool:
    with pytest.raises(ClientError) as err:
        idp.get_user(AccessToken=access_token)
    return bool(err.value.response["Error"]["Message"] == "Access Token has been revoked")


def test_hosted_sign_in_is_an_sso_session(idp: Any, live: RunningServer) -> None:
    app = _tracked_app(idp, live)
    browser = Browser(app)
    first = _tokens(app, browser.code())
    assert not _goes_to_login(browser)  # the SSO session is reused silently ...
    second = _tokens(app, query_of(browser.authorize().headers["location"])["code"])
    sessions = _sessions(idp, app)
    (sso,) = [s for s in sessions if s["SessionType"] == "SSO"]
    tokens = [s for s in sessions if s["SessionType"] == "TOKEN"]
    assert sso["SessionId"].startswith("sso") and sso["ClientId"] == app.client_id
    assert len(tokens) == 2 and all(s["OriginSessionId"] == sso["SessionId"] for s in tokens)
    assert "OriginSessionId" not in sso
    mine = idp.list_user_sessions(AccessToken=first["access_token"])["Sessions"]
    assert [s["SessionType"] for s in mine if s["IsCurrentSession"]] == ["TOKEN"]
    # ... until it is revoked with its linked token sessions.
    idp.admin_revoke_user_session(
        UserPoolId=app.pool_id,
        Username="alice",
        SessionId=sso["SessionId"],
        RevokeAssociatedSessions="LINKED",
    )
    assert _sessions(idp, app) == []
    assert _revoked(idp, first["access_token"]) and _revoked(idp, second["access_token"])
    assert _goes_to_login(browser)


def test_revoking_a_token_session_with_its_sso_session(idp: Any, live: RunningServer) -> None:
    app = _tracked_app(idp, live)
    browser = Browser(app)
    tokens = _tokens(app, browser.code())
    (token_session,) = [s for s in _sessions(idp, app) if s["SessionType"] == "TOKEN"]
    # NONE (the default) leaves the SSO session alone.
    idp.admin_revoke_user_session(
        UserPoolId=app.pool_id, Username="alice", SessionId=token_session["SessionId"]
    )
    assert [s["SessionType"] for s in _sessions(idp, app)] == ["SSO"]
    assert _revoked(idp, tokens["access_token"]) and not _goes_to_login(browser)
    code = query_of(browser.authorize().headers["location"])["code"]
    _tokens(app, code)
    (token_session,) = [s for s in _sessions(idp, app) if s["SessionType"] == "TOKEN"]
    idp.admin_revoke_user_session(
        UserPoolId=app.pool_id,
        Username="alice",
        SessionId=token_session["SessionId"],
        RevokeAssociatedSessions="LINKED",
    )
    assert _sessions(idp, app) == [] and _goes_to_login(browser)


def test_client_sso_validity(idp: Any, live: RunningServer) -> None:
    app = _tracked_app(idp, live)
    browser = Browser(app)
    browser.code()
    assert not _goes_to_login(browser)
    idp.set_user_pool_client_session_configuration(
        UserPoolId=app.pool_id, ClientId=app.client_id, SSOSession={"MaxValidityMinutes": 0}
    )
    assert _goes_to_login(browser)  # 0: this client never reuses the session silently
    # With tracking disabled the client setting is dormant: the cookie alone decides again.
    idp.set_user_pool_session_configuration(
        UserPoolId=app.pool_id, UserSessionTracking="DISABLED", TokenSession={"MaxPerUser": 20}
    )
    assert not _goes_to_login(browser)


@pytest.fixture(scope="module")
def up() -> Iterator[UpstreamPool]:
    with upstream_pool() as pool:
        yield pool


def test_federated_sign_in_is_an_sso_session(idp: Any, live: RunningServer, up: UpstreamPool) -> None:
    app = _tracked_app(idp, live)
    connect(up, app)
    enable(app, "COGNITO", "Corp")
    browser = Browser(app)
    tokens = _tokens(app, query_of(federated_location(browser))["code"])
    username = idp.get_user(AccessToken=tokens["access_token"])["Username"]
    sessions = idp.admin_list_user_sessions(UserPoolId=app.pool_id, Username=username)["Sessions"]
    (sso,) = [s for s in sessions if s["SessionType"] == "SSO"]
    (token_session,) = [s for s in sessions if s["SessionType"] == "TOKEN"]
    assert token_session["OriginSessionId"] == sso["SessionId"]
    assert not _goes_to_login(browser)
    idp.admin_revoke_user_session(UserPoolId=app.pool_id, Username=username, SessionId=sso["SessionId"])
    assert _goes_to_login(browser)
    idp.get_user(AccessToken=tokens["access_token"])  # NONE: the token session stays
