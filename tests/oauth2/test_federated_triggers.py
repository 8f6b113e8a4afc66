"""Lambda triggers of federated sign-ins, as Cognito runs them (first sign-in, later sign-ins)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from federation_support import UpstreamPool, connect, enable, federated_location, upstream_pool
from oauth_support import App, Browser, claims, exchange, make_app, query_of

import trigger_functions
from trigger_server import triggers_server
from userpools.testing import RunningServer


def arn(function: str) -> str:
    return f"arn:aws:lambda:us-east-1:000000000000:function:py-{function}"


def events(pool_id: str) -> list[dict[str, Any]]:
    return [e for e in trigger_functions.EVENTS if e.get("userPoolId") == pool_id]


@pytest.fixture(scope="module")
def up() -> Iterator[UpstreamPool]:
    with upstream_pool() as pool:
        yield pool


@pytest.fixture(scope="module")
def trig() -> Iterator[RunningServer]:
    with triggers_server() as srv:
        yield srv


def federated_app(trig: RunningServer, up: UpstreamPool, lambda_config: dict[str, Any]) -> App:
    app = make_app(trig.client(), trig)
    trig.client().update_user_pool(UserPoolId=app.pool_id, LambdaConfig=lambda_config)  # alice exists
    connect(up, app)
    enable(app, "COGNITO", "Corp")
    return app


def test_first_and_later_sign_ins_run_their_triggers(trig: RunningServer, up: UpstreamPool) -> None:
    record = arn("record")
    app = federated_app(trig, up, {
        "PreSignUp": record, "PostConfirmation": record, "PreAuthentication": record,
        "PostAuthentication": record, "PreTokenGeneration": record,
    })  # fmt: skip
    browser = Browser(app)
    exchange(app, query_of(federated_location(browser))["code"])
    first = [e["triggerSource"] for e in events(app.pool_id)]
    assert first == [
        "PreSignUp_ExternalProvider",
        "PostConfirmation_ConfirmSignUp",
        "TokenGeneration_HostedAuth",
    ]
    pre_sign_up = events(app.pool_id)[0]
    assert pre_sign_up["userName"] == f"Corp_{up.sub()}"
    assert pre_sign_up["callerContext"]["clientId"] == app.client_id
    assert pre_sign_up["request"]["userAttributes"]["email"] == "ann@example.com"
    body = exchange(app, query_of(federated_location(browser))["code"]).json()
    later = [e["triggerSource"] for e in events(app.pool_id)][3:]
    assert later == [
        "PreAuthentication_Authentication", "PostAuthentication_Authentication", "TokenGeneration_HostedAuth"
    ]  # fmt: skip
    post_authentication = events(app.pool_id)[4]
    assert post_authentication["request"]["userAttributes"]["cognito:user_status"] == "EXTERNAL_PROVIDER"
    assert claims(body["id_token"])["identities"][0]["providerName"] == "Corp"


def test_refusing_triggers_redirect_with_the_error(trig: RunningServer, up: UpstreamPool) -> None:
    app = federated_app(trig, up, {"PreSignUp": arn("refuse")})
    refused = query_of(federated_location(Browser(app), state="s"))
    assert refused["error"] == "invalid_request" and refused["state"] == "s"
    assert refused["error_description"].startswith("PreSignUp failed with error")
    assert [u["Username"] for u in trig.client().list_users(UserPoolId=app.pool_id)["Users"]] == ["alice"]
    app = federated_app(trig, up, {"PreAuthentication": arn("refuse")})
    browser = Browser(app)
    assert query_of(federated_location(browser))["code"]  # a first sign-in runs no PreAuthentication
    refused = query_of(federated_location(browser))
    assert refused["error_description"].startswith("PreAuthentication failed with error")
