"""Helpers for the sign-in tests (no tests here): pools, clients, users, and an SRP client.

The SRP client is the independent implementation in ../shared/bench/cognito_srp.py (written from
the protocol description, like pycognito's), so the server is never checked against itself.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from reference import reference_srp

PASSWORD = "Corr3ct-Horse!"
_names = itertools.count()


def error_of(call: Callable[..., Any], **kwargs: Any) -> tuple[str, str]:
    """Calls and expects a 400 service error; returns (code, message)."""
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def make_pool(idp: Any, **settings: Any) -> str:
    return str(idp.create_user_pool(PoolName=f"auth{next(_names)}", **settings)["UserPool"]["Id"])


ALL_FLOWS = [
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]


def make_client(idp: Any, pool_id: str, **settings: Any) -> dict[str, Any]:
    settings.setdefault("ExplicitAuthFlows", ALL_FLOWS)
    made = idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{next(_names)}", **settings)
    return dict(made["UserPoolClient"])


def make_user(
    idp: Any, pool_id: str, username: str = "alice", password: str = PASSWORD, **attributes: str
) -> None:
    """A CONFIRMED user with a permanent password."""
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def secret_hash(secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT (signature checks are the token tests' business)."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def timestamp_at(epoch: float) -> str:
    ref = reference_srp()
    return str(ref.cognito_timestamp(dt.datetime.fromtimestamp(epoch, dt.UTC)))


def password_auth(idp: Any, client_id: str, username: str, password: str = PASSWORD, **extra: str) -> Any:
    return idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password, **extra},
    )


class Srp:
    """One USER_SRP_AUTH sign-in driven through boto3 with the reference client."""

    def __init__(self, idp: Any, pool_id: str, client_id: str, username: str, password: str = PASSWORD):
        self.idp, self.pool_id, self.client_id = idp, pool_id, client_id
        self.client = reference_srp().SrpClient(pool_id, username, password)
        self.username = username

    def initiate(self, **extra: str) -> dict[str, Any]:
        params = {**self.client.auth_parameters(), **extra}
        return dict(
            self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
        )

    def responses(self, challenge: dict[str, Any], timestamp: str | None = None) -> dict[str, str]:
        return dict(self.client.challenge_responses(challenge["ChallengeParameters"], timestamp))

    def respond(
        self, challenge: dict[str, Any], timestamp: str | None = None, **extra: str
    ) -> dict[str, Any]:
        responses = {**self.responses(challenge, timestamp), **extra}
        return dict(
            self.idp.respond_to_auth_challenge(
                ClientId=self.client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=responses
            )
        )

    def sign_in(self, timestamp: str | None = None) -> dict[str, Any]:
        return self.respond(self.initiate(), timestamp)
