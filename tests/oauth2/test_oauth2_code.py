"""authorize → /login → code → token: PKCE, nonce, state, sessions, prompt, implicit grant; code errors."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from oauth_support import (
    CALLBACK,
    LOCAL_CALLBACK,
    PASSWORD,
    Browser,
    claims,
    exchange,
    fragment_of,
    login_form,
    make_app,
    pkce_pair,
    query_of,
    token,
)

from userpools.testing import RunningServer


@pytest.mark.parametrize("method", ["S256", "plain"])
def test_code_flow_with_pkce(idp: Any, live: RunningServer, method: str) -> None:
    app = make_app(idp, live)
    verifier, challenge = pkce_pair(method)
    location = Browser(app).sign_in(
        code_challenge=challenge,
        code_challenge_method=method,
        state="st-1",
        nonce="n-0S6",
        scope="openid email",
    )
    assert location.startswith(CALLBACK + "?")
    answer = query_of(location)
    assert answer["state"] == "st-1"
    response = exchange(app, answer["code"], verifier)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"access_token", "id_token", "refresh_token", "expires_in", "token_type"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    id_token, access = claims(body["id_token"]), claims(body["access_token"])
    assert id_token["nonce"] == "n-0S6" and id_token["aud"] == app.client_id
    assert id_token["iss"] == f"{live.url}/{app.pool_id}" and id_token["email"] == "alice@example.com"
    assert access["scope"] == "openid email" and access["version"] == 2 and access["username"] == "alice"
    assert access["client_id"] == app.client_id and "nonce" not in access


def test_code_tokens_work_with_the_api(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    body = exchange(app, Browser(app).code(scope="openid aws.cognito.signin.user.admin")).json()
    assert idp.get_user(AccessToken=body["access_token"])["Username"] == "alice"
    refreshed = idp.initiate_auth(
        ClientId=app.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": body["refresh_token"]},
    )["AuthenticationResult"]
    assert claims(refreshed["AccessToken"])["scope"] == "openid aws.cognito.signin.user.admin"


def test_no_scope_means_every_allowed_scope(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, AllowedOAuthScopes=["openid", "profile"])
    body = exchange(app, Browser(app).code()).json()
    assert claims(body["access_token"])["scope"] == "openid profile"


def test_without_openid_there_is_no_id_token(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    body = exchange(app, Browser(app).code(scope="aws.cognito.signin.user.admin")).json()
    assert "id_token" not in body and "access_token" in body


def test_session_signs_in_again_without_the_form(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    browser.sign_in()
    again = browser.authorize(state="second")
    assert again.status_code == 302 and again.headers["location"].startswith(CALLBACK + "?")
    assert query_of(again.headers["location"])["state"] == "second"
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK}
    login_page = browser.get(app.url("/login") + "?" + urlencode(params))
    assert login_page.status_code == 302 and "code=" in login_page.headers["location"]  # /login too
    first, second = (
        claims(exchange(app, query_of(loc)["code"]).json()["id_token"])
        for loc in (browser.sign_in(prompt="login"), again.headers["location"])
    )
    assert first["auth_time"] >= second["auth_time"]


def test_prompt_none_and_login(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    refused = browser.authorize(prompt="none", state="s")
    assert refused.status_code == 302
    assert query_of(refused.headers["location"]) == {
        "error": "login_required", "error_description": "The user is not signed in.", "state": "s"
    }  # fmt: skip
    browser.sign_in()
    assert "code" in query_of(browser.authorize(prompt="none").headers["location"])
    forced = browser.authorize(prompt="login")
    assert urlsplit(forced.headers["location"]).path == f"/domain/{app.domain}/login"
    assert browser.get(forced.headers["location"]).status_code == 200  # the form, despite the session
    bad = browser.authorize(prompt="none login")
    assert query_of(bad.headers["location"])["error"] == "invalid_request"


def test_login_hint_fills_the_username(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    form = login_form(Browser(app).open_login(login_hint="alice@example.com"), live.url)
    assert form.username == "alice@example.com"


def test_implicit_grant(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    location = Browser(app).sign_in(response_type="token", redirect_uri=LOCAL_CALLBACK, state="i", nonce="nn")
    assert location.startswith(LOCAL_CALLBACK + "#") and "?" not in location
    answer = fragment_of(location)
    assert set(answer) == {"id_token", "access_token", "token_type", "expires_in", "state"}
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == "3600" and answer["state"] == "i"
    assert claims(answer["id_token"])["nonce"] == "nn"
    assert idp.get_user(AccessToken=answer["access_token"])["Username"] == "alice"


def test_implicit_needs_the_flow(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, AllowedOAuthFlows=["code"])
    answer = Browser(app).authorize(response_type="token", state="z")
    assert answer.status_code == 302
    assert fragment_of(answer.headers["location"])["error"] == "unauthorized_client"


def test_code_is_single_use_and_a_replay_revokes_its_tokens(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    code = Browser(app).code(scope="openid aws.cognito.signin.user.admin")
    body = exchange(app, code).json()
    replay = exchange(app, code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    refresh = token(app, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=body["access_token"])


def test_code_binding_errors(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    other = make_app(idp, live)
    verifier, challenge = pkce_pair()
    code = Browser(app).code(code_challenge=challenge, code_challenge_method="S256")
    cases = [
        (exchange(app, code, "x" * 43), "invalid_grant"),  # wrong verifier
        (exchange(app, code), "invalid_request"),  # no verifier
        (exchange(app, code, verifier, redirect_uri=LOCAL_CALLBACK), "invalid_grant"),  # other redirect_uri
        (exchange(other, code, verifier), "invalid_grant"),  # another app (on its own domain)
        (exchange(app, "not-a-code", verifier), "invalid_grant"),
    ]
    for response, error in cases:
        assert response.status_code == 400 and response.json()["error"] == error, response.text
    assert exchange(app, code, verifier).status_code == 200  # failed attempts did not spend it
    plain = Browser(app).code()
    assert exchange(app, plain, verifier).json()["error"] == "invalid_grant"  # verifier without challenge


def test_code_of_another_client_is_refused(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    second = idp.create_user_pool_client(
        UserPoolId=app.pool_id, ClientName="second", AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    code = Browser(app).code()
    stolen = token(app, client_id=second, grant_type="authorization_code", code=code, redirect_uri=CALLBACK)
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    assert exchange(app, code).status_code == 200


def test_secret_client_must_authenticate(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, secret=True)
    code = Browser(app).code()
    anonymous = token(app, basic=False, client_secret="", grant_type="authorization_code", code=code,
                      redirect_uri=CALLBACK)  # fmt: skip
    assert anonymous.status_code == 400 and anonymous.json()["error"] == "invalid_client"
    assert exchange(app, code).status_code == 200  # Basic


def test_wrong_password_and_lockout_on_the_form(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    form = login_form(browser.open_login(), live.url)
    for _ in range(5):
        answer = browser.submit(form, password="Wrong-passw0rd!")
        assert answer.status_code == 400 and "Incorrect username or password." in answer.text
        assert 'aria-invalid="true"' in answer.text and 'aria-describedby="loginErrorMessage"' in answer.text
    locked = browser.submit(form, password=PASSWORD)
    assert locked.status_code == 400 and "Password attempts exceeded" in locked.text
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="Password attempts exceeded"):
        idp.initiate_auth(ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
                          AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD})  # fmt: skip
