"""Issued ID and access tokens: claims, signatures against the served JWKS, validity."""

from __future__ import annotations

import uuid
from typing import Any

import jwt as pyjwt
from test_tokens_support import issue, make_client, make_user, unverified, verify

from userpools.testing import RunningServer


def test_tokens_verify_against_served_jwks(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id, email="alice@example.com", email_verified="true")
    client = make_client(idp, pool_id)
    result = issue(live, pool_id, client["ClientId"])
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert set(result) == {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}
    id_claims = verify(live, pool_id, result["IdToken"], audience=client["ClientId"])
    access = verify(live, pool_id, result["AccessToken"])
    assert id_claims["iss"] == access["iss"] == f"{live.url}/{pool_id}"
    id_header = pyjwt.get_unverified_header(result["IdToken"])
    access_header = pyjwt.get_unverified_header(result["AccessToken"])
    assert set(id_header) == {"kid", "alg"} and id_header["alg"] == "RS256"
    assert id_header["kid"] != access_header["kid"]
    assert len(id_header["kid"]) == 44 and id_header["kid"].endswith("=")


def test_id_token_claims(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id, email="alice@example.com", email_verified="true", name="Alice")
    client = make_client(idp, pool_id)
    user = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    claims = unverified(issue(live, pool_id, client["ClientId"], auth_time=1_700_000_000.5)["IdToken"])
    assert claims["sub"] == sub
    assert claims["aud"] == client["ClientId"]
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == "alice"
    assert claims["email"] == "alice@example.com" and claims["email_verified"] is True
    assert claims["name"] == "Alice"
    assert claims["auth_time"] == 1_700_000_000
    assert claims["exp"] - claims["iat"] == 3600
    for name in ("jti", "origin_jti", "event_id"):
        uuid.UUID(claims[name])
    assert "cognito:groups" not in claims and "scope" not in claims and "client_id" not in claims


def test_access_token_claims(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client = make_client(idp, pool_id)
    result = issue(
        live, pool_id, client["ClientId"], device_key="us-east-1_3f6a1b2c-0000-4000-8000-000000000000"
    )
    access = unverified(result["AccessToken"])
    id_claims = unverified(result["IdToken"])
    assert access["token_use"] == "access"
    assert access["client_id"] == client["ClientId"] and "aud" not in access
    assert access["username"] == "alice" and access["sub"] == id_claims["sub"]
    assert access["scope"] == "aws.cognito.signin.user.admin"
    assert access["device_key"] == "us-east-1_3f6a1b2c-0000-4000-8000-000000000000"
    assert access["origin_jti"] == id_claims["origin_jti"] and access["event_id"] == id_claims["event_id"]
    assert access["jti"] != id_claims["jti"]
    assert access["iat"] == id_claims["iat"] and access["exp"] - access["iat"] == 3600
    assert "email" not in access and "cognito:username" not in access


def test_groups_roles_and_preferred_role(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    role = "arn:aws:iam::000000000000:role/{}"
    for name, precedence, arn in (
        ("zeta", 1, role.format("z")),
        ("beta", 5, role.format("b")),
        ("plain", None, None),
    ):
        extra: dict[str, Any] = {"Precedence": precedence} if precedence is not None else {}
        if arn:
            extra["RoleArn"] = arn
        idp.create_group(UserPoolId=pool_id, GroupName=name, **extra)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName=name)
    client = make_client(idp, pool_id)
    result = issue(live, pool_id, client["ClientId"])
    id_claims, access = unverified(result["IdToken"]), unverified(result["AccessToken"])
    assert id_claims["cognito:groups"] == ["zeta", "beta", "plain"] == access["cognito:groups"]
    assert id_claims["cognito:roles"] == [role.format("z"), role.format("b")]
    assert id_claims["cognito:preferred_role"] == role.format("z")
    assert "cognito:roles" not in access


def test_tie_on_precedence_has_no_preferred_role(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    for name in ("a", "b"):
        idp.create_group(
            UserPoolId=pool_id, GroupName=name, Precedence=3, RoleArn=f"arn:aws:iam::000000000000:role/{name}"
        )
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName=name)
    claims = unverified(issue(live, pool_id, make_client(idp, pool_id)["ClientId"])["IdToken"])
    assert len(claims["cognito:roles"]) == 2 and "cognito:preferred_role" not in claims


def test_read_attributes_custom_and_dev(idp: Any, live: RunningServer) -> None:
    pool_id = idp.create_user_pool(
        PoolName="claims",
        Schema=[
            {"Name": "tier", "AttributeDataType": "Number", "Mutable": True},
            {
                "Name": "secret",
                "AttributeDataType": "String",
                "Mutable": True,
                "DeveloperOnlyAttribute": True,
            },
        ],
    )["UserPool"]["Id"]
    make_user(
        idp,
        pool_id,
        email="a@example.com",
        email_verified="false",
        phone_number="+15555550100",
        phone_number_verified="true",
        **{"custom:tier": "7", "dev:custom:secret": "x"},
    )
    everything = unverified(issue(live, pool_id, make_client(idp, pool_id)["ClientId"])["IdToken"])
    assert everything["custom:tier"] == "7"
    assert everything["email_verified"] is False and everything["phone_number_verified"] is True
    assert not any(name.startswith("dev:") for name in everything)
    limited = make_client(idp, pool_id, ReadAttributes=["email", "custom:tier"])
    claims = unverified(issue(live, pool_id, limited["ClientId"])["IdToken"])
    assert claims["email"] == "a@example.com" and claims["custom:tier"] == "7"
    for absent in ("phone_number", "phone_number_verified", "email_verified"):
        assert absent not in claims
    assert claims["sub"] and claims["cognito:username"] == "alice"


def test_validity_follows_client_units(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client = make_client(
        idp,
        pool_id,
        AccessTokenValidity=10,
        IdTokenValidity=2,
        RefreshTokenValidity=90,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "hours", "RefreshToken": "minutes"},
    )
    result = issue(live, pool_id, client["ClientId"])
    access, id_claims = unverified(result["AccessToken"]), unverified(result["IdToken"])
    assert result["ExpiresIn"] == 600 and access["exp"] - access["iat"] == 600
    assert id_claims["exp"] - id_claims["iat"] == 7200


def test_oauth_scopes(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    with_openid = issue(live, pool_id, client_id, scopes=["openid", "email", "aws.cognito.signin.user.admin"])
    assert unverified(with_openid["AccessToken"])["scope"] == "openid email aws.cognito.signin.user.admin"
    assert "IdToken" in with_openid
    custom_only = issue(live, pool_id, client_id, scopes=["rs/read"], with_refresh=False)
    assert set(custom_only) == {"AccessToken", "ExpiresIn", "TokenType"}


def test_revocation_disabled_client_has_no_origin_jti(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client = make_client(idp, pool_id, EnableTokenRevocation=False)
    result = issue(live, pool_id, client["ClientId"])
    for token in (result["IdToken"], result["AccessToken"]):
        claims = unverified(token)
        assert "origin_jti" not in claims and "jti" in claims


def test_each_sign_in_is_a_new_family(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    first, second = issue(live, pool_id, client_id), issue(live, pool_id, client_id)
    assert unverified(first["AccessToken"])["origin_jti"] != unverified(second["AccessToken"])["origin_jti"]
    assert first["RefreshToken"] != second["RefreshToken"] and len(first["RefreshToken"]) >= 43
