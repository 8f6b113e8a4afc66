"""The trigger machinery (three backends, errors) and PreSignUp (SignUp, AdminCreateUser)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_triggers_support import (
    BACKENDS,
    arn,
    attributes,
    events,
    make_pool,
    tidp,
    trigger_live,
    user_names,
)

from userpools.config import Settings
from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # session fixtures

PASSWORD = "Passw0rd!long"


def _sign_up(tidp: Any, client_id: str, name: str = "alice", **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("UserAttributes", [{"Name": "email", "Value": f"{name}@example.com"}])
    return dict(tidp.sign_up(ClientId=client_id, Username=name, Password=PASSWORD, **kwargs))


def _outbox(live: RunningServer, pool_id: str) -> list[dict[str, Any]]:
    if not live.outbox.exists():
        return []
    lines = [json.loads(line) for line in live.outbox.read_text().splitlines() if line.strip()]
    return [m for m in lines if pool_id in json.dumps(m)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_pre_sign_up_auto_confirms_through_each_backend(tidp: Any, backend: str) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn(backend, "auto_confirm")})
    out = _sign_up(
        tidp, client_id, ValidationData=[{"Name": "invite", "Value": "X1"}], ClientMetadata={"source": "web"}
    )
    assert out["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in out
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    assert attributes(user)["email_verified"] == "true"
    [event] = events(pool_id)
    assert event == {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": "alice",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
        "triggerSource": "PreSignUp_SignUp",
        "request": {
            "userAttributes": {"email": "alice@example.com"},
            "validationData": {"invite": "X1"},
            "clientMetadata": {"source": "web"},
        },
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }
    # The confirmed user signs in at once, by the verified email too.
    auth = tidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    assert "AccessToken" in auth["AuthenticationResult"]


def test_pre_sign_up_that_changes_nothing_leaves_the_normal_flow(
    tidp: Any, trigger_live: RunningServer
) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn("py", "record")})
    out = _sign_up(tidp, client_id)
    assert out["UserConfirmed"] is False
    assert out["CodeDeliveryDetails"]["AttributeName"] == "email"
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert user["UserStatus"] == "UNCONFIRMED"
    assert "email_verified" not in attributes(user)
    [event] = events(pool_id, "PreSignUp_SignUp")
    assert event["request"]["validationData"] is None
    assert event["request"]["clientMetadata"] == {}


def test_pre_sign_up_async_function_and_one_argument_function(tidp: Any) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn("py", "async_auto_confirm")})
    assert _sign_up(tidp, client_id)["UserConfirmed"] is True
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn("py", "auto_verify_phone")})
    out = _sign_up(tidp, client_id, UserAttributes=[{"Name": "phone_number", "Value": "+15550001234"}])
    assert out["UserConfirmed"] is False
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert attributes(user)["phone_number_verified"] == "true"


def test_auto_verify_needs_the_attribute(tidp: Any) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn("py", "auto_verify_phone")})
    with pytest.raises(tidp.exceptions.InvalidParameterException, match="phone_number"):
        _sign_up(tidp, client_id)
    assert user_names(tidp, pool_id) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_refusing_function_is_a_validation_error_and_creates_nobody(
    tidp: Any, trigger_live: RunningServer, backend: str
) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn(backend, "refuse")})
    with pytest.raises(tidp.exceptions.UserLambdaValidationException) as caught:
        _sign_up(tidp, client_id)
    assert caught.value.response["Error"]["Message"] == "PreSignUp failed with error Sorry alice, not today."
    assert user_names(tidp, pool_id) == []
    assert _outbox(trigger_live, pool_id) == []


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("function", ["bad_response", "not_an_event"])
def test_malformed_response_is_invalid_lambda_response(tidp: Any, backend: str, function: str) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn(backend, function)})
    with pytest.raises(tidp.exceptions.InvalidLambdaResponseException, match="Unrecognizable lambda output"):
        _sign_up(tidp, client_id)
    assert user_names(tidp, pool_id) == []


@pytest.mark.parametrize(
    "function_arn",
    [
        arn("invoke", "no_such_function"),  # the Invoke API answers ResourceNotFoundException
        "arn:aws:lambda:us-east-1:000000000000:function:http-closed",  # nothing listens
        "arn:aws:lambda:us-east-1:000000000000:function:py-missing",  # the module doesn't import
        arn("py", "slow"),  # past the 5 s limit
    ],
)
def test_unreachable_or_slow_function_is_unexpected(tidp: Any, function_arn: str) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": function_arn})
    with pytest.raises(
        tidp.exceptions.UnexpectedLambdaException, match=": PreSignUp invocation failed due to error "
    ):
        _sign_up(tidp, client_id)
    assert user_names(tidp, pool_id) == []


def test_admin_create_user_runs_pre_sign_up_and_ignores_its_flags(tidp: Any) -> None:
    pool_id, _ = make_pool(tidp, {"PreSignUp": arn("invoke", "auto_confirm")})
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "bob@example.com"}],
        ValidationData=[{"Name": "k", "Value": "v"}], ClientMetadata={"by": "admin"},
    )  # fmt: skip
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="bob")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert "email_verified" not in attributes(user)
    [event] = events(pool_id)
    assert event["triggerSource"] == "PreSignUp_AdminCreateUser"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["userName"] == "bob"
    assert event["request"] == {
        "userAttributes": {"email": "bob@example.com"},
        "validationData": {"k": "v"},
        "clientMetadata": {"by": "admin"},
    }


def test_admin_create_user_refused_creates_nobody(tidp: Any) -> None:
    pool_id, _ = make_pool(tidp, {"PreSignUp": arn("http", "refuse")})
    with pytest.raises(tidp.exceptions.UserLambdaValidationException, match="failed with error Sorry bob"):
        tidp.admin_create_user(UserPoolId=pool_id, Username="bob")
    assert user_names(tidp, pool_id) == []


def test_username_attribute_pool_sends_the_internal_username(tidp: Any) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn("py", "record")}, UsernameAttributes=["email"])
    out = _sign_up(tidp, client_id, name="carol@example.com", UserAttributes=[])
    [event] = events(pool_id)
    assert event["userName"] == out["UserSub"]
    assert event["request"]["userAttributes"] == {"email": "carol@example.com"}


def test_trigger_routes_configuration() -> None:
    settings = Settings(triggers="a=python:m:f, arn:aws:lambda:r:1:function:b = http://h/x ,c=lambda")
    assert settings.trigger_routes == {
        "a": "python:m:f",
        "arn:aws:lambda:r:1:function:b": "http://h/x",
        "c": "lambda",
    }
    with pytest.raises(ValueError, match="USERPOOLS_TRIGGERS"):
        Settings(triggers="a=ftp://x").check()
    with pytest.raises(ValueError, match="USERPOOLS_TRIGGERS"):
        Settings(triggers="a=lambdas").check()
