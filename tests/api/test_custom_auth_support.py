"""Helpers of the custom authentication tests (no tests here): pools wired to the challenge triggers,
users, the SMTP inbox the example functions mail their codes to, and the sign-in calls."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest
from test_auth_support import claims
from test_auth_support import make_user as confirmed_user
from test_triggers_support import arn

from mail_inbox import Inbox, smtp_inbox
from reference import reference_srp

PASSWORD = "Corr3ct-Horse!"
WRONG = ("NotAuthorizedException", "Incorrect username or password.")
INVALID = ("NotAuthorizedException", "Invalid session for the user.")
UNRECOGNIZABLE = ("InvalidLambdaResponseException", "Unrecognizable lambda output")
NOT_CONFIGURED = (
    "InvalidParameterException",
    "Custom auth lambda trigger is not configured for the user pool.",
)
FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# The docs' examples: a code after the password, and a passwordless code.
SECOND_FACTOR = ("define_code_after_password", "create_email_code", "verify_code")
PASSWORDLESS = ("define_passwordless", "create_email_code", "verify_code")
QUESTION = ("define_passwordless", "create_question", "verify_answer")
_names = itertools.count()
__all__ = ["claims"]


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """The SMTP server the example functions (custom_auth_examples.py) send their codes through."""
    with smtp_inbox() as box:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(box.port))
        yield box


def lambda_config(functions: tuple[str | None, ...], backend: str = "py") -> dict[str, str]:
    """LambdaConfig for (define, create, verify) functions of trigger_functions.py; None leaves one out."""
    keys = ("DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse")
    return {key: arn(backend, name) for key, name in zip(keys, functions, strict=True) if name}


def custom_pool(
    idp: Any,
    functions: tuple[str | None, ...] = PASSWORDLESS,
    backend: str = "py",
    client: dict[str, Any] | None = None,
    **pool: Any,
) -> tuple[str, str]:
    """A pool with the challenge triggers and an app client allowing CUSTOM_AUTH; (pool id, client id)."""
    config = {**lambda_config(functions, backend), **pool.pop("LambdaConfig", {})}
    name = f"custom{os.getpid()}x{next(_names)}"
    pool_id = str(idp.create_user_pool(PoolName=name, LambdaConfig=config, **pool)["UserPool"]["Id"])
    settings = {"ExplicitAuthFlows": FLOWS, **(client or {})}
    made = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **settings)["UserPoolClient"]
    return pool_id, str(made["ClientId"])


def make_user(
    idp: Any, pool_id: str, name: str = "alice", password: str = PASSWORD, **attributes: str
) -> str:
    """A CONFIRMED user with a permanent password and an email (``name``@example.com); returns the email."""
    attributes.setdefault("email", f"{name}@example.com")
    confirmed_user(idp, pool_id, name, password, **attributes)
    return attributes["email"]


def initiate(idp: Any, client_id: str, username: str = "alice", **params: str) -> dict[str, Any]:
    return dict(
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": username, **params}
        )
    )


def respond(
    idp: Any, client_id: str, challenge: dict[str, Any], answer: str, username: str = "alice", **extra: Any
) -> dict[str, Any]:
    """Answers a CUSTOM_CHALLENGE (``extra``: more ChallengeResponses, or ClientMetadata=...)."""
    metadata = extra.pop("ClientMetadata", None)
    call: dict[str, Any] = {"ClientMetadata": metadata} if metadata is not None else {}
    return dict(
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": username, "ANSWER": answer, **extra},
            **call,
        )
    )


class SrpFirst:
    """CUSTOM_AUTH with SRP first (CHALLENGE_NAME=SRP_A), driven with the reference SRP client."""

    def __init__(
        self, idp: Any, pool_id: str, client_id: str, username: str = "alice", password: str = PASSWORD
    ):
        self.idp, self.client_id = idp, client_id
        self.client = reference_srp().SrpClient(pool_id, username, password)

    def initiate(self, **extra: str) -> dict[str, Any]:
        params = {**self.client.auth_parameters(), "CHALLENGE_NAME": "SRP_A", **extra}
        return dict(
            self.idp.initiate_auth(ClientId=self.client_id, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
        )

    def respond(
        self, challenge: dict[str, Any], metadata: dict[str, str] | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Answers the PASSWORD_VERIFIER, forwarding its Session if any, as CIJ and Amplify do."""
        responses = {**self.client.challenge_responses(challenge["ChallengeParameters"], None), **extra}
        call: dict[str, Any] = {"Session": challenge["Session"]} if challenge.get("Session") else {}
        if metadata is not None:
            call["ClientMetadata"] = metadata
        return dict(
            self.idp.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="PASSWORD_VERIFIER",
                ChallengeResponses=responses,
                **call,
            )
        )
