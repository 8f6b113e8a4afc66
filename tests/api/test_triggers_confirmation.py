"""The PostConfirmation trigger: ConfirmSignUp and ConfirmForgotPassword."""

from __future__ import annotations

from typing import Any

import pytest
from test_signup_support import last_code
from test_triggers_support import BACKENDS, arn, attributes, events, make_pool, tidp, trigger_live

import trigger_functions
from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # session fixtures

PASSWORD = "Passw0rd!long"
NEW = "N3w-Passw0rd!x"


def _signed_up(tidp: Any, client_id: str) -> None:
    tidp.sign_up(
        ClientId=client_id, Username="alice", Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
def test_confirm_sign_up_runs_post_confirmation(tidp: Any, trigger_live: RunningServer, backend: str) -> None:
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn(backend, "record")})
    _signed_up(tidp, client_id)
    assert events(pool_id) == []  # not at sign-up
    tidp.confirm_sign_up(
        ClientId=client_id, Username="alice", ConfirmationCode=last_code(trigger_live, pool_id, "alice"),
        ClientMetadata={"step": "confirm"},
    )  # fmt: skip
    [event] = events(pool_id)
    sub = attributes(tidp.admin_get_user(UserPoolId=pool_id, Username="alice"))["sub"]
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["userName"] == "alice"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"] == {
        "userAttributes": {
            "sub": sub,
            "email": "alice@example.com",
            "email_verified": "true",
            "cognito:user_status": "CONFIRMED",
        },
        "clientMetadata": {"step": "confirm"},
    }
    assert event["response"] == {}


def test_failing_post_confirmation_reports_the_error_but_the_user_stays_confirmed(
    tidp: Any, trigger_live: RunningServer
) -> None:
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn("invoke", "refuse")})
    _signed_up(tidp, client_id)
    code = last_code(trigger_live, pool_id, "alice")
    with pytest.raises(tidp.exceptions.UserLambdaValidationException) as caught:
        tidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    assert caught.value.response["Error"]["Message"] == (
        "PostConfirmation failed with error Sorry alice, not today."
    )
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"


def test_post_confirmation_does_not_run_when_the_code_is_wrong(tidp: Any) -> None:
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn("py", "record")})
    _signed_up(tidp, client_id)
    with pytest.raises(tidp.exceptions.CodeMismatchException):
        tidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode="000000")
    assert events(pool_id) == []


def _confirmed_with_reset_code(tidp: Any, live: RunningServer, pool_id: str, client_id: str) -> str:
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"}, {"Name": "email_verified", "Value": "true"}
        ],
    )  # fmt: skip
    tidp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    tidp.forgot_password(ClientId=client_id, Username="alice")
    return last_code(live, pool_id, "alice")


@pytest.mark.parametrize("backend", BACKENDS)
def test_confirm_forgot_password_runs_post_confirmation(
    tidp: Any, trigger_live: RunningServer, backend: str
) -> None:
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn(backend, "record")})
    code = _confirmed_with_reset_code(tidp, trigger_live, pool_id, client_id)
    tidp.confirm_forgot_password(
        ClientId=client_id, Username="alice", ConfirmationCode=code, Password=NEW, ClientMetadata={"k": "v"}
    )
    [event] = events(pool_id)
    assert event["triggerSource"] == "PostConfirmation_ConfirmForgotPassword"
    assert event["request"]["clientMetadata"] == {"k": "v"}
    assert event["request"]["userAttributes"]["email"] == "alice@example.com"


def test_failing_post_confirmation_after_reset_keeps_the_new_password(
    tidp: Any, trigger_live: RunningServer
) -> None:
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn("py", "refuse")})
    code = _confirmed_with_reset_code(tidp, trigger_live, pool_id, client_id)
    with pytest.raises(
        tidp.exceptions.UserLambdaValidationException, match="PostConfirmation failed with error"
    ):
        tidp.confirm_forgot_password(
            ClientId=client_id, Username="alice", ConfirmationCode=code, Password=NEW
        )
    auth = tidp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": NEW},
    )
    assert "AccessToken" in auth["AuthenticationResult"]


def test_auto_confirmed_sign_up_runs_post_confirmation(tidp: Any) -> None:
    pool_id, client_id = make_pool(
        tidp, {"PreSignUp": arn("py", "auto_confirm"), "PostConfirmation": arn("http", "record")}
    )
    _signed_up(tidp, client_id)
    assert [e["triggerSource"] for e in events(pool_id)] == [
        "PreSignUp_SignUp",
        "PostConfirmation_ConfirmSignUp",
    ]
    [event] = events(pool_id, "PostConfirmation_ConfirmSignUp")
    assert event["request"]["userAttributes"]["email_verified"] == "true"
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_auto_confirmed_sign_up_with_failing_post_confirmation_stays_confirmed(tidp: Any) -> None:
    pool_id, client_id = make_pool(
        tidp, {"PreSignUp": arn("py", "auto_confirm"), "PostConfirmation": arn("py", "refuse")}
    )
    with pytest.raises(tidp.exceptions.UserLambdaValidationException, match="PostConfirmation failed"):
        _signed_up(tidp, client_id)
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"


@pytest.mark.parametrize("backend", BACKENDS)
def test_post_confirmation_may_call_back_into_the_server(
    tidp: Any, trigger_live: RunningServer, backend: str
) -> None:
    trigger_functions.SERVER_URL = trigger_live.url  # each test module has its own server
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn(backend, "add_to_group")})
    tidp.create_group(UserPoolId=pool_id, GroupName="members")
    _signed_up(tidp, client_id)
    code = last_code(trigger_live, pool_id, "alice")
    tidp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=code)
    groups = tidp.admin_list_groups_for_user(UserPoolId=pool_id, Username="alice")["Groups"]
    assert [g["GroupName"] for g in groups] == ["members"]


def test_admin_confirm_sign_up_runs_post_confirmation(tidp: Any) -> None:
    pool_id, client_id = make_pool(tidp, {"PostConfirmation": arn("py", "record")})
    _signed_up(tidp, client_id)
    tidp.admin_confirm_sign_up(UserPoolId=pool_id, Username="alice", ClientMetadata={"by": "admin"})
    [event] = events(pool_id)
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp"
    assert event["callerContext"]["clientId"] == "CLIENT_ID_NOT_APPLICABLE"
    assert event["request"]["clientMetadata"] == {"by": "admin"}
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
