"""pycognito (pinned in requirements.lock) against a live server: boto3 with `endpoint_url`, nothing else.

pycognito verifies every token it receives: RS256 with a key from `{endpoint_url}/{poolId}/.well-known/
jwks.json` (fetched with requests) and `iss == {endpoint_url}/{poolId}`, so each successful call here
also proves the server's JWKS and issuer. Its SRP sends no Session (state lives in SECRET_BLOCK).
"""

from __future__ import annotations

import base64
import datetime
import json
import types
from typing import Any

import pycognito
import pytest
from clients_support import PASSWORD, claims, confirmed_user, make_client, make_pool, unique
from pycognito import Cognito

from userpools.testing import DUMMY_KEY, RunningServer

NEW_PASSWORD = "N3w-Passw0rd!"


@pytest.fixture(autouse=True)
def _no_jwks_override(monkeypatch: pytest.MonkeyPatch) -> None:
    # pycognito prefers a JWKS from the environment; these tests want the server's.
    monkeypatch.delenv("COGNITO_JWKS", raising=False)


def cognito(live: RunningServer, pool_id: str, client_id: str, username: str, **kwargs: Any) -> Cognito:
    return Cognito(
        pool_id,
        client_id,
        username=username,
        access_key=DUMMY_KEY[0],
        secret_key=DUMMY_KEY[1],
        boto3_client_kwargs={"endpoint_url": live.url},
        **kwargs,
    )


@pytest.fixture
def user(idp: Any, live: RunningServer) -> Cognito:
    pool_id = make_pool(idp)
    client = make_client(idp, pool_id)
    username = unique("pyc")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true")
    return cognito(live, pool_id, client["ClientId"], username)


def test_srp_authenticate_and_verify_tokens_against_the_jwks(live: RunningServer, user: Cognito) -> None:
    user.authenticate(password=PASSWORD)

    assert user.id_claims["cognito:username"] == user.access_claims["username"] == user.username
    assert user.id_claims["aud"] == user.access_claims["client_id"] == user.client_id
    assert user.id_claims["iss"] == f"{live.url}/{user.user_pool_id}" == user.user_pool_url
    assert user.refresh_token and user.token_type == "Bearer"
    kids = {key["kid"] for key in user.pool_jwk["keys"]}
    header = pycognito.jwt.get_unverified_header(user.id_token)
    assert header["kid"] in kids and header["alg"] == "RS256"
    user.verify_tokens()  # both again, explicitly


def test_tampered_token_fails_verification(user: Cognito) -> None:
    user.authenticate(password=PASSWORD)
    head, _, sig = user.id_token.split(".")
    forged = claims(user.id_token) | {"cognito:username": "mallory"}
    forged_body = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")

    with pytest.raises(pycognito.TokenVerificationException):
        user.verify_token(f"{head}.{forged_body}.{sig}", "id_token", "id")


def test_srp_with_a_client_secret(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp)
    client = make_client(idp, pool_id, GenerateSecret=True)
    username = unique("pyc")
    confirmed_user(idp, pool_id, username)
    user = cognito(live, pool_id, client["ClientId"], username, client_secret=client["ClientSecret"])

    user.authenticate(password=PASSWORD)
    assert user.access_claims["username"] == username
    first = user.access_token
    user.renew_access_token()  # REFRESH_TOKEN_AUTH with SECRET_HASH
    assert user.access_token != first
    assert user.access_claims["username"] == username

    no_secret = cognito(live, pool_id, client["ClientId"], username)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        no_secret.authenticate(password=PASSWORD)
    wrong_secret = cognito(live, pool_id, client["ClientId"], username, client_secret="x" * 52)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        wrong_secret.authenticate(password=PASSWORD)


def test_check_token_and_renew_access_token(monkeypatch: pytest.MonkeyPatch, user: Cognito) -> None:
    user.authenticate(password=PASSWORD)
    first, refresh = user.access_token, user.refresh_token

    assert user.check_token() is False, "a fresh token is not renewed"
    assert user.access_token == first

    class Later(datetime.datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # pycognito compares naive local times
            return datetime.datetime.now(tz) + datetime.timedelta(hours=2)

    # Only pycognito's view of the clock moves (its module global), not the server's or botocore's.
    monkeypatch.setattr(pycognito, "datetime", types.SimpleNamespace(datetime=Later))
    assert user.check_token() is True, "an expired token is renewed with the refresh token"
    assert user.access_token != first
    assert user.refresh_token == refresh, "no rotation: the refresh token stays"
    assert user.access_claims["username"] == user.username


def test_get_user_and_change_password(live: RunningServer, user: Cognito) -> None:
    user.authenticate(password=PASSWORD)

    profile = user.get_user()
    assert profile.username == user.username
    assert profile.email == f"{user.username}@example.com"
    assert profile.email_verified is True  # pycognito turns "true" into a bool
    assert profile.sub == user.access_claims["sub"]

    user.change_password(PASSWORD, NEW_PASSWORD)

    again = cognito(live, user.user_pool_id, user.client_id, user.username)
    again.authenticate(password=NEW_PASSWORD)
    with pytest.raises(again.client.exceptions.NotAuthorizedException):
        again.authenticate(password=PASSWORD)


def test_srp_with_an_email_alias_and_a_client_secret(idp: Any, live: RunningServer) -> None:
    """SECRET_HASH over the alias on InitiateAuth, over USER_ID_FOR_SRP (the real username) on the answer."""
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client = make_client(idp, pool_id, GenerateSecret=True)
    username, email = unique("pyc"), f"{unique('alias')}@example.com"
    confirmed_user(idp, pool_id, username, email=email, email_verified="true")
    user = cognito(live, pool_id, client["ClientId"], email, client_secret=client["ClientSecret"])

    user.authenticate(password=PASSWORD)

    assert user.id_claims["cognito:username"] == username
    assert user.id_claims["email"] == email
