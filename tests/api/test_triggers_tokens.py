"""The PreTokenGeneration trigger, V1 and V2, on sign-in, new-password and refresh."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from test_triggers_support import BACKENDS, arn, events, make_pool, tidp, trigger_live

import trigger_functions

__all__ = ["tidp", "trigger_live"]  # session fixtures

PASSWORD = "Passw0rd!long"


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _pool(tidp: Any, function: str, version: str = "V1_0", backend: str = "py") -> tuple[str, str]:
    pool_id, client_id = make_pool(
        tidp, {"PreTokenGenerationConfig": {"LambdaVersion": version, "LambdaArn": arn(backend, function)}}
    )
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="alice", MessageAction="SUPPRESS",
        UserAttributes=[
            {"Name": "email", "Value": "alice@example.com"}, {"Name": "phone_number", "Value": "+15550001234"}
        ],
    )  # fmt: skip
    tidp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    tidp.create_group(UserPoolId=pool_id, GroupName="admins", Precedence=1)
    tidp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="admins")
    return pool_id, client_id


def _sign_in(tidp: Any, client_id: str) -> dict[str, Any]:
    return dict(
        tidp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD}, ClientMetadata={"app": "web"},
        )["AuthenticationResult"]
    )  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
def test_v1_changes_the_id_token_and_groups(tidp: Any, backend: str) -> None:
    pool_id, client_id = _pool(tidp, "pre_token_v1", backend=backend)
    result = _sign_in(tidp, client_id)
    id_token, access = _claims(result["IdToken"]), _claims(result["AccessToken"])
    assert id_token["tier"] == "gold"
    assert id_token["email"] == "other@example.com"
    assert "phone_number" not in id_token
    assert id_token["token_use"] == "id" and id_token["sub"] != "not-allowed"  # protected claims stay
    assert id_token["cognito:groups"] == ["virtual"]
    assert id_token["cognito:roles"] == [trigger_functions.ROLE]
    assert id_token["cognito:preferred_role"] == trigger_functions.ROLE
    # V1 leaves the access token alone, except for the group override.
    assert access["cognito:groups"] == ["virtual"]
    assert "tier" not in access
    [event] = events(pool_id)
    assert event["version"] == "1"
    assert event["triggerSource"] == "TokenGeneration_Authentication"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["groupConfiguration"] == {
        "groupsToOverride": ["admins"], "iamRolesToOverride": [], "preferredRole": None
    }  # fmt: skip
    assert event["request"]["userAttributes"]["email"] == "alice@example.com"
    assert event["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert "scopes" not in event["request"]
    assert event["response"] == {"claimsOverrideDetails": None}


def test_v1_suppress_wins_and_empty_group_override_removes_groups(tidp: Any) -> None:
    _, client_id = _pool(tidp, "pre_token_v1_suppress")
    result = _sign_in(tidp, client_id)
    id_token, access = _claims(result["IdToken"]), _claims(result["AccessToken"])
    assert "tier" not in id_token
    assert "cognito:groups" not in id_token
    assert "cognito:groups" not in access


def test_v1_non_string_claim_is_invalid(tidp: Any) -> None:
    _, client_id = _pool(tidp, "pre_token_v1_not_string")
    with pytest.raises(tidp.exceptions.InvalidLambdaResponseException):
        _sign_in(tidp, client_id)


@pytest.mark.parametrize("backend", BACKENDS)
def test_v2_changes_both_tokens_and_scopes(tidp: Any, backend: str) -> None:
    pool_id, client_id = _pool(tidp, "pre_token_v2", "V2_0", backend)
    result = _sign_in(tidp, client_id)
    id_token, access = _claims(result["IdToken"]), _claims(result["AccessToken"])
    assert id_token["tier"] == "gold" and id_token["level"] == 5
    assert "email" not in id_token
    assert id_token["cognito:groups"] == ["admins"]
    assert access["plan"] == ["a", "b"]
    assert access["client_id"] == client_id
    assert "cognito:groups" not in access
    assert access["scope"] == "orders/read"
    [event] = events(pool_id)
    assert event["version"] == "2"
    assert event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    assert event["response"] == {"claimsAndScopeOverrideDetails": None}


def test_refresh_and_new_password_sources(tidp: Any) -> None:
    pool_id, client_id = _pool(tidp, "record")
    refresh = _sign_in(tidp, client_id)["RefreshToken"]
    renewed = tidp.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
    )
    assert "AccessToken" in renewed["AuthenticationResult"]
    tidp.admin_create_user(UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp0rary!pass",
                           MessageAction="SUPPRESS")  # fmt: skip
    challenge = tidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "bob", "PASSWORD": "Temp0rary!pass"},
    )  # fmt: skip
    tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "bob", "NEW_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert [e["triggerSource"] for e in events(pool_id)] == [
        "TokenGeneration_Authentication",
        "TokenGeneration_RefreshTokens",
        "TokenGeneration_NewPasswordChallenge",
    ]


def test_refusing_function_blocks_sign_in(tidp: Any) -> None:
    _, client_id = _pool(tidp, "refuse", backend="http")
    with pytest.raises(tidp.exceptions.UserLambdaValidationException) as caught:
        _sign_in(tidp, client_id)
    assert caught.value.response["Error"]["Message"] == (
        "PreTokenGeneration failed with error Sorry alice, not today."
    )
