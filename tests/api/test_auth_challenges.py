"""NEW_PASSWORD_REQUIRED (users with a temporary password), challenge sessions, and REFRESH_TOKEN_AUTH."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_auth_support import (
    Srp,
    claims,
    error_of,
    make_client,
    make_pool,
    make_user,
    password_auth,
    secret_hash,
)
from test_users_support import db

from userpools.testing import RunningServer

TEMPORARY = "Temp-Passw0rd!"
NEW = "Brand-New-Passw0rd!"
INVALID_SESSION = ("NotAuthorizedException", "Invalid session for the user.")


def invite(idp: Any, pool_id: str, username: str = "alice", **attributes: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword=TEMPORARY,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )


def answer(idp: Any, client_id: str, challenge: dict[str, Any], password: str = NEW, **responses: str) -> Any:
    responses = {
        "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
        "NEW_PASSWORD": password,
        **responses,
    }
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )


def test_temporary_password_leads_to_new_password_required(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    invite(idp, pool_id, email="alice@example.com", email_verified="true", name="Alice")
    challenge = password_auth(idp, client["ClientId"], "alice", TEMPORARY)
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED" and "AuthenticationResult" not in challenge
    params = challenge["ChallengeParameters"]
    assert params["USER_ID_FOR_SRP"] == "alice"
    assert json.loads(params["userAttributes"]) == {
        "email": "alice@example.com",
        "email_verified": "true",
        "name": "Alice",
    }
    assert json.loads(params["requiredAttributes"]) == []
    assert 20 <= len(challenge["Session"]) <= 2048
    out = answer(idp, client["ClientId"], challenge)
    assert claims(out["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"
    assert out["ChallengeParameters"] == {}
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"
    assert "AuthenticationResult" in password_auth(idp, client["ClientId"], "alice", NEW)
    assert error_of(
        password_auth, idp=idp, client_id=client["ClientId"], username="alice", password=TEMPORARY
    ) == (
        "NotAuthorizedException",
        "Incorrect username or password.",
    )


def test_srp_and_admin_paths_reach_the_challenge(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    invite(idp, pool_id)
    challenge = Srp(idp, pool_id, client["ClientId"], "alice", TEMPORARY).sign_in()
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    out = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": NEW},
    )
    assert "AccessToken" in out["AuthenticationResult"]


def test_required_attributes_are_listed_and_writable_ones_applied(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(
        idp,
        Schema=[
            {"Name": "name", "Required": True, "AttributeDataType": "String"},
            {"Name": "team", "AttributeDataType": "String"},
        ],
    )
    client = make_client(idp, pool_id)
    invite(idp, pool_id, name="Al")
    sqlite = live.settings.database_url.startswith("sqlite")
    without_name = "json_remove(attributes, '$.name')" if sqlite else "(attributes::jsonb - 'name')::json"
    with db(live) as conn:  # an imported user may lack a required attribute; the API can't produce one
        conn.execute(f"UPDATE users SET attributes = {without_name} WHERE pool_id = ?", (pool_id,))
    challenge = password_auth(idp, client["ClientId"], "alice", TEMPORARY)
    assert json.loads(challenge["ChallengeParameters"]["requiredAttributes"]) == ["userAttributes.name"]
    assert "name" not in json.loads(challenge["ChallengeParameters"]["userAttributes"])
    got = error_of(answer, idp=idp, client_id=client["ClientId"], challenge=challenge)
    assert got == ("InvalidParameterException", "Invalid attributes given, name is missing")
    out = answer(
        idp,
        client["ClientId"],
        challenge,
        **{"userAttributes.custom:team": "blue", "userAttributes.name": "Alice"},
    )
    token = claims(out["AuthenticationResult"]["IdToken"])
    assert token["name"] == "Alice" and token["custom:team"] == "blue"


def test_missing_required_attribute(idp: Any) -> None:
    pool_id = make_pool(idp, Schema=[{"Name": "name", "Required": True, "AttributeDataType": "String"}])
    client = make_client(idp, pool_id)
    invite(idp, pool_id, name="Al")
    challenge = password_auth(idp, client["ClientId"], "alice", TEMPORARY)
    got = error_of(
        answer, idp=idp, client_id=client["ClientId"], challenge=challenge, **{"userAttributes.name": ""}
    )
    assert got == ("InvalidParameterException", "Invalid attributes given, name is missing")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert "AuthenticationResult" in answer(
        idp, client["ClientId"], challenge
    )  # the session survives a failed try


def test_new_password_must_satisfy_the_policy(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    invite(idp, pool_id)
    challenge = password_auth(idp, client["ClientId"], "alice", TEMPORARY)
    code, message = error_of(
        answer, idp=idp, client_id=client["ClientId"], challenge=challenge, password="short"
    )
    assert code == "InvalidPasswordException" and message.startswith("Password did not conform with policy")
    got = error_of(
        idp.respond_to_auth_challenge,
        ClientId=client["ClientId"],
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice"},
    )
    assert got == ("InvalidParameterException", "Missing required parameter NEW_PASSWORD")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_attribute_writes_follow_client_permissions(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, WriteAttributes=["name", "email"])
    invite(idp, pool_id, email="alice@example.com", email_verified="true")
    challenge = password_auth(idp, client["ClientId"], "alice", TEMPORARY)
    for name in ("email_verified", "family_name"):
        got = error_of(
            answer,
            idp=idp,
            client_id=client["ClientId"],
            challenge=challenge,
            **{f"userAttributes.{name}": "x" if name != "email_verified" else "true"},
        )
        assert got[0] == "NotAuthorizedException", name
    got = error_of(
        answer, idp=idp, client_id=client["ClientId"], challenge=challenge, **{"userAttributes.nosuch": "x"}
    )
    assert got[0] == "InvalidParameterException"
    answer(idp, client["ClientId"], challenge, **{"userAttributes.email": "new@example.com"})
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    values = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert values["email"] == "new@example.com" and values["email_verified"] == "false"


def test_session_is_single_use_and_bound(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    other = make_client(idp, pool_id)
    invite(idp, pool_id)
    invite(idp, pool_id, "bob")
    challenge = password_auth(idp, client["ClientId"], "alice", TEMPORARY)
    assert error_of(answer, idp=idp, client_id=other["ClientId"], challenge=challenge) == INVALID_SESSION
    bob = {**challenge, "ChallengeParameters": {"USER_ID_FOR_SRP": "bob"}}
    assert error_of(answer, idp=idp, client_id=client["ClientId"], challenge=bob) == INVALID_SESSION
    forged = {**challenge, "Session": challenge["Session"][:-4] + "AAAA"}
    assert error_of(answer, idp=idp, client_id=client["ClientId"], challenge=forged) == INVALID_SESSION
    answer(idp, client["ClientId"], challenge)
    assert error_of(answer, idp=idp, client_id=client["ClientId"], challenge=challenge) == INVALID_SESSION
    got = error_of(
        idp.respond_to_auth_challenge,
        ClientId=client["ClientId"],
        ChallengeName="SMS_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": "1"},
    )
    assert got == INVALID_SESSION


def test_secret_hash_on_the_challenge_answer(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    invite(idp, pool_id)
    challenge = password_auth(
        idp, client_id, "alice", TEMPORARY, SECRET_HASH=secret_hash(secret, "alice", client_id)
    )
    assert error_of(answer, idp=idp, client_id=client_id, challenge=challenge)[1] == (
        f"Client {client_id} is configured with secret but SECRET_HASH was not received"
    )
    out = answer(idp, client_id, challenge, SECRET_HASH=secret_hash(secret, "alice", client_id))
    assert "AccessToken" in out["AuthenticationResult"]


@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
def test_refresh_flows(idp: Any, pool_id: str, flow: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    first = password_auth(idp, client["ClientId"], "alice")["AuthenticationResult"]
    params = {"REFRESH_TOKEN": first["RefreshToken"]}
    out = idp.initiate_auth(ClientId=client["ClientId"], AuthFlow=flow, AuthParameters=params)
    result = out["AuthenticationResult"]
    assert "RefreshToken" not in result and out["ChallengeParameters"] == {}
    assert claims(result["AccessToken"])["auth_time"] == claims(first["AccessToken"])["auth_time"]
    admin = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow=flow,
        AuthParameters={**params, "DEVICE_KEY": "us-east-1_0000-aaaa"},
    )
    assert claims(admin["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"


def test_refresh_errors(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    no_refresh = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    make_user(idp, pool_id, "alice")
    token = password_auth(idp, client["ClientId"], "alice")["AuthenticationResult"]["RefreshToken"]
    got = error_of(
        idp.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": "bogus"},
    )
    assert got == ("NotAuthorizedException", "Invalid Refresh Token.")
    got = error_of(
        idp.initiate_auth,
        ClientId=no_refresh["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": token},
    )
    assert got == ("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
    got = error_of(
        idp.initiate_auth, ClientId=client["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={}
    )
    assert got == ("InvalidParameterException", "Missing required parameter REFRESH_TOKEN")
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    got = error_of(
        idp.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": token},
    )
    assert got == ("NotAuthorizedException", "User is disabled.")


def test_refresh_with_a_secret_client(idp: Any) -> None:
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    client = make_client(idp, pool_id, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    make_user(idp, pool_id, "dan@example.com")
    first = password_auth(
        idp, client_id, "dan@example.com", SECRET_HASH=secret_hash(secret, "dan@example.com", client_id)
    )["AuthenticationResult"]
    sub = claims(first["IdToken"])["sub"]
    params = {"REFRESH_TOKEN": first["RefreshToken"]}
    got = error_of(
        idp.initiate_auth, ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=params
    )
    assert got[0] == "NotAuthorizedException"
    got = error_of(
        idp.initiate_auth,
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={**params, "SECRET_HASH": secret_hash(secret, "eve", client_id)},
    )
    assert got == ("NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    for name in (sub, "dan@example.com"):
        out = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={**params, "SECRET_HASH": secret_hash(secret, name, client_id)},
        )
        assert "AccessToken" in out["AuthenticationResult"]


def test_answer_may_name_the_user_by_alias(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client = make_client(idp, pool_id)
    invite(idp, pool_id, email="alice@example.com", email_verified="true")
    challenge = password_auth(idp, client["ClientId"], "alice@example.com", TEMPORARY)
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "alice"
    out = answer(idp, client["ClientId"], challenge, USERNAME="alice@example.com")
    assert claims(out["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"
