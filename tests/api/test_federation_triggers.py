"""PreSignUp_ExternalProvider and PostConfirmation_ConfirmSignUp around a federated user's first sign-in."""

from __future__ import annotations

from typing import Any

import pytest
from test_federation_support import add_oidc_provider, attributes, federate
from test_triggers_support import arn, events, make_pool, tidp, trigger_live

import trigger_functions
from userpools.errors import UserLambdaValidationException
from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # session fixtures

CLAIMS = {"sub": "u-1", "email": "ann@example.com", "name": "Ann"}


@pytest.fixture(autouse=True)
def _callback_url(trigger_live: RunningServer) -> None:
    trigger_functions.SERVER_URL = trigger_live.url  # each test module has its own server


def test_pre_sign_up_and_post_confirmation_run_at_the_first_sign_in_only(
    trigger_live: RunningServer, tidp: Any
) -> None:
    pool_id, client_id = make_pool(
        tidp, {"PreSignUp": arn("http", "verify_external_email"), "PostConfirmation": arn("py", "record")}
    )
    add_oidc_provider(tidp, pool_id)
    result = federate(trigger_live, pool_id, CLAIMS, client_id=client_id)
    assert result.created
    [pre] = events(pool_id, "PreSignUp_ExternalProvider")
    assert pre["userName"] == "Corp_u-1"
    assert pre["callerContext"]["clientId"] == client_id
    assert pre["request"]["userAttributes"] == {"email": "ann@example.com", "name": "Ann"}
    [post] = events(pool_id, "PostConfirmation_ConfirmSignUp")
    assert post["userName"] == "Corp_u-1"
    assert post["request"]["userAttributes"]["cognito:user_status"] == "EXTERNAL_PROVIDER"
    user = tidp.admin_get_user(UserPoolId=pool_id, Username="Corp_u-1")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER"  # autoConfirmUser means nothing here
    assert attributes(user)["email_verified"] == "true"  # autoVerifyEmail is honoured
    federate(trigger_live, pool_id, CLAIMS, client_id=client_id)
    assert len(events(pool_id)) == 2


def test_a_refusing_pre_sign_up_creates_nobody(trigger_live: RunningServer, tidp: Any) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn("py", "refuse")})
    add_oidc_provider(tidp, pool_id)
    with pytest.raises(UserLambdaValidationException, match="PreSignUp failed with error Sorry Corp_u-1"):
        federate(trigger_live, pool_id, CLAIMS, client_id=client_id)
    assert tidp.list_users(UserPoolId=pool_id)["Users"] == []


@pytest.mark.parametrize("backend", ["py", "http"])
def test_pre_sign_up_may_link_the_identity_to_a_local_user(
    trigger_live: RunningServer, tidp: Any, backend: str
) -> None:
    pool_id, client_id = make_pool(tidp, {"PreSignUp": arn(backend, "link_to_local_user")})
    add_oidc_provider(tidp, pool_id)
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": "ann@example.com"}],
    )  # fmt: skip
    result = federate(trigger_live, pool_id, CLAIMS, client_id=client_id)
    assert not result.created and result.user.username == "alice"
    assert [u["Username"] for u in tidp.list_users(UserPoolId=pool_id)["Users"]] == ["alice"]
    assert federate(trigger_live, pool_id, CLAIMS, client_id=client_id).user.username == "alice"
    assert len(events(pool_id, "PreSignUp_ExternalProvider")) == 1
