"""amazon-cognito-identity-js custom authentication: customChallenge + sendCustomChallengeAnswer, with the
email-code examples of docs/triggers.md (custom_auth_examples.py) as the pool's trigger functions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clients_support import NodeClient, claims, confirmed_user, make_client, make_pool, step

from mail_inbox import Inbox, smtp_inbox
from trigger_server import triggers_server
from userpools.testing import RunningServer

TRIGGERS = {
    "DefineAuthChallenge": "define_code_after_password",
    "CreateAuthChallenge": "create_email_code",
    "VerifyAuthChallengeResponse": "verify_code",
}


@pytest.fixture(scope="module")
def trigger_live() -> Iterator[RunningServer]:
    with triggers_server() as srv:
        yield srv


@pytest.fixture
def inbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """The example functions' SMTP server; each code also lands in a file the Node script reads."""
    with smtp_inbox(code_file=tmp_path / "code.txt") as box:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(box.port))
        yield box


def _pool(idp: Any, define: str = TRIGGERS["DefineAuthChallenge"]) -> tuple[str, str]:
    """A pool wired to the examples (in process), ``define`` as DefineAuthChallenge, and user alice."""
    functions = {**TRIGGERS, "DefineAuthChallenge": define}
    config = {key: f"arn:aws:lambda:us-east-1:000000000000:function:py-{f}" for key, f in functions.items()}
    pool_id = make_pool(idp, LambdaConfig=config)
    client = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    confirmed_user(idp, pool_id, "alice", email="alice@example.com")
    return pool_id, str(client["ClientId"])


def _cij(live: RunningServer, tmp_path: Path, define: str = TRIGGERS["DefineAuthChallenge"]) -> NodeClient:
    """amazon-cognito-identity-js on a new pool of ``_pool``."""
    pool_id, client_id = _pool(live.client(), define)
    return NodeClient("cij.js", live, pool_id, client_id, tmp_path / "storage.json")


def test_srp_then_an_email_code(
    node_ready: None, trigger_live: RunningServer, inbox: Inbox, tmp_path: Path
) -> None:
    cij = _cij(trigger_live, tmp_path)
    answer_file = str(inbox.code_file)
    outcome = cij.must(
        step("signIn", username="alice", password="Corr3ct-Horse!", flow="CUSTOM_AUTH",
             answers=["not-the-code"], answerFile=answer_file),
        step("getSession"),
    )  # fmt: skip
    result = outcome.result("signIn")
    assert result["challenge"]["custom"] == [
        {"email": "a***@example.com", "USERNAME": "alice"},
        {"email": "a***@example.com", "USERNAME": "alice"},
    ]
    assert claims(result["idToken"])["cognito:username"] == "alice"
    assert outcome.result("getSession")["valid"] is True
    assert len(inbox.to("alice@example.com")) == 1  # the retry kept the code already sent
    operations = [c["operation"] for c in outcome.report["calls"]]
    assert operations[:4] == [
        "InitiateAuth",
        "RespondToAuthChallenge",  # PASSWORD_VERIFIER
        "RespondToAuthChallenge",  # the wrong code
        "RespondToAuthChallenge",  # the code
    ]
    first = outcome.calls_to("InitiateAuth")[0]["request"]
    assert first["AuthFlow"] == "CUSTOM_AUTH" and first["AuthParameters"]["CHALLENGE_NAME"] == "SRP_A"


def test_a_wrong_password_never_sends_a_code(
    node_ready: None, trigger_live: RunningServer, inbox: Inbox, tmp_path: Path
) -> None:
    cij = _cij(trigger_live, tmp_path)
    outcome = cij.run(
        step("signIn", username="alice", password="Wrong-Passw0rd!", flow="CUSTOM_AUTH", allow_error=True)
    )
    assert outcome.error("signIn")["code"] == "NotAuthorizedException"
    assert inbox.to("alice@example.com") == []


def test_passwordless_email_code(
    node_ready: None, trigger_live: RunningServer, inbox: Inbox, tmp_path: Path
) -> None:
    cij = _cij(trigger_live, tmp_path, "define_passwordless")
    outcome = cij.must(
        step("customSignIn", username="alice", answerFile=str(inbox.code_file)), step("refreshSession")
    )
    assert claims(outcome.result("customSignIn")["accessToken"])["username"] == "alice"
    assert outcome.result("refreshSession")["valid"] is True
