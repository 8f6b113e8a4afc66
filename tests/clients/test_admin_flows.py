"""boto3 and the AWS CLI, unchanged, for the admin sign-in flows: ADMIN_USER_PASSWORD_AUTH and
NEW_PASSWORD_REQUIRED answered with AdminRespondToAuthChallenge."""

from __future__ import annotations

import json
from typing import Any

import pytest
from clients_support import PASSWORD, confirmed_user, make_client, make_pool, secret_hash, unique

from awscli_support import aws
from userpools.testing import RunningServer

TEMPORARY = "Temp-Passw0rd!"
NEW_PASSWORD = "N3w-Passw0rd!"
ADMIN_FLOWS = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def invited(idp: Any, pool_id: str, **attrs: str) -> str:
    username = unique("adm")
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword=TEMPORARY,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
    )
    return username


def test_admin_user_password_auth_with_boto3(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=ADMIN_FLOWS)["ClientId"]
    username = unique("adm")
    confirmed_user(idp, pool_id, username)

    result = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]

    assert (result["TokenType"], result["ExpiresIn"]) == ("Bearer", 3600)
    assert result["RefreshToken"] and result["IdToken"]
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == username
    refreshed = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )["AuthenticationResult"]
    assert "RefreshToken" not in refreshed
    assert idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == username

    with pytest.raises(idp.exceptions.NotAuthorizedException) as wrong:
        idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": "Wr0ng-Passw0rd!"},
        )
    assert wrong.value.response["Error"]["Message"] == "Incorrect username or password."


def test_new_password_required_with_boto3(idp: Any) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=ADMIN_FLOWS)["ClientId"]
    username = invited(idp, pool_id, email="neo@example.com")

    challenge = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": TEMPORARY},
    )

    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in challenge
    params = challenge["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == username
    assert json.loads(params["userAttributes"])["email"] == "neo@example.com"
    assert json.loads(params["requiredAttributes"]) == []
    assert challenge["Session"]

    result = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD, "userAttributes.name": "Neo"},
    )["AuthenticationResult"]

    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == username
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["name"] == "Neo"
    # The Session is single-use.
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.admin_respond_to_auth_challenge(
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": "Other-Passw0rd!"},
        )


def test_admin_flows_with_a_client_secret(idp: Any) -> None:
    pool_id = make_pool(idp)
    client = make_client(idp, pool_id, ExplicitAuthFlows=ADMIN_FLOWS, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    username = invited(idp, pool_id)
    hashed = secret_hash(username, client_id, secret)

    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": TEMPORARY},
        )
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": TEMPORARY, "SECRET_HASH": hashed},
    )
    result = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD, "SECRET_HASH": hashed},
    )["AuthenticationResult"]
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == username


def test_admin_flow_not_enabled_for_the_client(idp: Any) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(idp, pool_id)["ClientId"]  # defaults: SRP, refresh, custom
    username = unique("adm")
    confirmed_user(idp, pool_id, username)

    with pytest.raises(idp.exceptions.InvalidParameterException) as err:
        idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        )
    # Cognito words it "<FLOW> flow not enabled for this client" (older answers: "Auth flow ...").
    assert err.value.response["Error"]["Message"].endswith("flow not enabled for this client")


def test_new_password_required_with_the_aws_cli(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=ADMIN_FLOWS)["ClientId"]
    username = invited(idp, pool_id)

    challenge = aws(
        live, "admin-initiate-auth", "--user-pool-id", pool_id, "--client-id", client_id,
        "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
        "--auth-parameters", json.dumps({"USERNAME": username, "PASSWORD": TEMPORARY}),
    )  # fmt: skip
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"

    result = aws(
        live, "admin-respond-to-auth-challenge", "--user-pool-id", pool_id, "--client-id", client_id,
        "--challenge-name", "NEW_PASSWORD_REQUIRED", "--session", challenge["Session"],
        "--challenge-responses", json.dumps({"USERNAME": username, "NEW_PASSWORD": NEW_PASSWORD}),
    )["AuthenticationResult"]  # fmt: skip
    assert result["TokenType"] == "Bearer"
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == username

    signed_in = aws(
        live, "admin-initiate-auth", "--user-pool-id", pool_id, "--client-id", client_id,
        "--auth-flow", "ADMIN_USER_PASSWORD_AUTH",
        "--auth-parameters", json.dumps({"USERNAME": username, "PASSWORD": NEW_PASSWORD}),
    )  # fmt: skip
    assert set(signed_in["AuthenticationResult"]) >= {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn"}
