"""Lambda triggers on the hosted sign-in and the OAuth grants (in-process Python functions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from oauth_support import (
    PASSWORD,
    Browser,
    claims,
    exchange,
    login_form,
    make_app,
    post_form,
    sent_code,
    sibling,
    token,
)

import trigger_functions
from trigger_server import triggers_server
from userpools.testing import RunningServer


def arn(backend: str, function: str) -> str:
    """A function of tests/trigger_functions.py (``py``: in process), as in tests/api's trigger tests."""
    return f"arn:aws:lambda:us-east-1:000000000000:function:{backend}-{function}"


def events(pool_id: str, source: str | None = None) -> list[dict[str, Any]]:
    return [
        e for e in trigger_functions.EVENTS
        if e.get("userPoolId") == pool_id and (source is None or e.get("triggerSource") == source)
    ]  # fmt: skip


@pytest.fixture(scope="module")
def trig() -> Iterator[RunningServer]:
    with triggers_server() as srv:
        yield srv


def _app(trig: RunningServer, lambda_config: dict[str, Any], **client: Any) -> Any:
    return make_app(trig.client(), trig, pool={"LambdaConfig": lambda_config}, **client)


def test_sign_in_triggers_and_hosted_token_source(trig: RunningServer) -> None:
    config = {
        "PreAuthentication": arn("py", "record"),
        "PostAuthentication": arn("py", "record"),
        "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": arn("py", "pre_token_v2")},
    }
    app = _app(trig, config)
    body = exchange(app, Browser(app).code(scope="openid email")).json()
    sources = [e["triggerSource"] for e in events(app.pool_id)]
    assert sources == [
        "PreAuthentication_Authentication", "PostAuthentication_Authentication", "TokenGeneration_HostedAuth"
    ]  # fmt: skip
    pre_token = events(app.pool_id, "TokenGeneration_HostedAuth")[0]
    assert pre_token["request"]["scopes"] == ["openid", "email"]
    assert claims(body["id_token"])["tier"] == "gold"
    assert claims(body["access_token"])["scope"] == "openid email orders/read"
    refreshed = token(app, grant_type="refresh_token", refresh_token=body["refresh_token"])
    assert refreshed.status_code == 200
    assert events(app.pool_id)[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"


def test_pre_authentication_refusal_is_shown(trig: RunningServer) -> None:
    app = _app(trig, {"PreAuthentication": arn("py", "refuse")})
    browser = Browser(app)
    answer = browser.submit(login_form(browser.open_login(), trig.url))
    assert answer.status_code == 400 and "PreAuthentication failed with error" in answer.text


@pytest.mark.parametrize("version", ["V2_0", "V3_0"])
def test_client_credentials_runs_only_a_v3_trigger(trig: RunningServer, version: str) -> None:
    idp = trig.client()
    config = {"PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": arn("py", "pre_token_v2")}}
    app = _app(trig, config)
    idp.create_resource_server(UserPoolId=app.pool_id, Identifier="orders", Name="Orders",
                               Scopes=[{"ScopeName": "read", "ScopeDescription": "r"},
                                       {"ScopeName": "write", "ScopeDescription": "w"}])  # fmt: skip
    machine = idp.create_user_pool_client(
        UserPoolId=app.pool_id, ClientName="m", GenerateSecret=True, AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"], AllowedOAuthScopes=["orders/write"],
    )["UserPoolClient"]  # fmt: skip
    app.client_id, app.secret = machine["ClientId"], machine["ClientSecret"]
    access = claims(token(app, grant_type="client_credentials").json()["access_token"])
    seen = events(app.pool_id, "TokenGeneration_ClientCredentials")
    if version == "V2_0":
        assert seen == [] and access["scope"] == "orders/write"
        return
    assert len(seen) == 1 and seen[0]["request"]["scopes"] == ["orders/write"]
    assert (
        seen[0]["request"]["userAttributes"] == {} and seen[0]["callerContext"]["clientId"] == app.client_id
    )
    assert access["scope"] == "orders/write orders/read" and access["plan"] == ["a", "b"]
    assert access["client_id"] == app.client_id  # protected


EMAIL = {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}


def _sign_up(browser: Browser, username: str, **values: str) -> Any:
    page = sibling(browser, browser.open_login(), "/signup")
    return post_form(browser, page, username=username, password=PASSWORD, **values)


def test_auto_confirmed_sign_up_signs_in_at_once(trig: RunningServer) -> None:
    config = {name: arn("py", "record") for name in ("PreAuthentication", "PostAuthentication")}
    pool = {"LambdaConfig": {"PreSignUp": arn("py", "auto_confirm"), **config}, "Schema": [EMAIL]}
    app = make_app(trig.client(), trig, pool=pool, alice=False)
    done = _sign_up(Browser(app), "frank", **{"attribute.email": "frank@example.com"})
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text
    sources = [e["triggerSource"] for e in events(app.pool_id)]
    assert sources == [
        "PreSignUp_SignUp",
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
    ]
    assert trig.client().admin_get_user(UserPoolId=app.pool_id, Username="frank")["UserStatus"] == "CONFIRMED"


def test_sign_in_after_confirmation_runs_the_sign_in_triggers(trig: RunningServer) -> None:
    config = {"PostConfirmation": arn("py", "record"), "PreAuthentication": arn("py", "refuse")}
    pool = {"LambdaConfig": config, "AutoVerifiedAttributes": ["email"], "Schema": [EMAIL]}
    app = make_app(trig.client(), trig, pool=pool, alice=False)
    browser = Browser(app)
    confirm = _sign_up(browser, "gina", **{"attribute.email": "g@example.com"})
    done = post_form(browser, confirm, code=sent_code(trig, app.pool_id, "sign_up"))
    # Confirmed (PostConfirmation ran), then the sign-in is refused by PreAuthentication, as at /login.
    assert done.status_code == 400 and "PreAuthentication failed with error" in done.text
    assert 'name="password"' in done.text
    sources = [e["triggerSource"] for e in events(app.pool_id)]
    assert sources == ["PostConfirmation_ConfirmSignUp", "PreAuthentication_Authentication"]
    assert trig.client().admin_get_user(UserPoolId=app.pool_id, Username="gina")["UserStatus"] == "CONFIRMED"
