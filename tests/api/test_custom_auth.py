"""CUSTOM_AUTH without a password: the passwordless email-code example, rounds, sessions, admin, secrets."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_auth_support import error_of, secret_hash
from test_custom_auth_support import (
    INVALID,
    PASSWORDLESS,
    QUESTION,
    WRONG,
    claims,
    custom_pool,
    inbox,
    initiate,
    make_user,
    respond,
)
from test_triggers_support import BACKENDS, arn, events, tidp, trigger_live

from mail_inbox import Inbox

__all__ = ["inbox", "tidp", "trigger_live"]  # fixtures


@pytest.mark.parametrize("backend", BACKENDS)
def test_passwordless_email_code_sign_in(tidp: Any, inbox: Inbox, backend: str) -> None:
    pool_id, client_id = custom_pool(tidp, PASSWORDLESS, backend)
    email = make_user(tidp, pool_id, "alice")
    challenge = initiate(tidp, client_id, "alice")
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"email": "a***@example.com", "USERNAME": "alice"}
    assert len(challenge["Session"]) <= 2048
    [mail] = inbox.to(email)
    assert mail["Subject"] == "Your sign-in code"
    result = respond(tidp, client_id, challenge, inbox.code_for(email))["AuthenticationResult"]
    assert result["TokenType"] == "Bearer" and result["RefreshToken"]
    assert claims(result["IdToken"])["cognito:username"] == "alice"
    assert claims(result["AccessToken"])["token_use"] == "access"
    # The refresh token works like any other.
    refreshed = tidp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )
    assert "AccessToken" in refreshed["AuthenticationResult"]
    sources = [e["triggerSource"] for e in events(pool_id)]
    assert sources == [
        "DefineAuthChallenge_Authentication",
        "CreateAuthChallenge_Authentication",
        "VerifyAuthChallengeResponse_Authentication",
        "DefineAuthChallenge_Authentication",
    ]


def test_the_events_have_cognitos_shape(tidp: Any, inbox: Inbox) -> None:
    pool_id, client_id = custom_pool(tidp, PASSWORDLESS)
    email = make_user(tidp, pool_id, "alice")
    sub = {
        a["Name"]: a["Value"]
        for a in tidp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserAttributes"]
    }
    challenge = initiate(tidp, client_id, "alice")
    code = inbox.code_for(email)
    respond(tidp, client_id, challenge, code, ClientMetadata={"app": "web"})
    define, create, verify, define_again = events(pool_id)
    attributes = {**sub, "cognito:user_status": "CONFIRMED"}
    common = {
        "version": "1",
        "region": "us-east-1",
        "userPoolId": pool_id,
        "userName": "alice",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id},
    }
    assert define == {
        **common,
        "triggerSource": "DefineAuthChallenge_Authentication",
        "request": {"userAttributes": attributes, "session": [], "clientMetadata": {}, "userNotFound": False},
        "response": {"challengeName": None, "issueTokens": False, "failAuthentication": False},
    }
    assert create == {
        **common,
        "triggerSource": "CreateAuthChallenge_Authentication",
        "request": {
            "userAttributes": attributes,
            "challengeName": "CUSTOM_CHALLENGE",
            "session": [],
            "clientMetadata": {},
            "userNotFound": False,
        },
        "response": {
            "publicChallengeParameters": {},
            "privateChallengeParameters": {},
            "challengeMetadata": None,
        },
    }
    assert verify == {
        **common,
        "triggerSource": "VerifyAuthChallengeResponse_Authentication",
        "request": {
            "userAttributes": attributes,
            "privateChallengeParameters": {"code": code},
            "challengeAnswer": code,
            "clientMetadata": {"app": "web"},
            "userNotFound": False,
        },
        "response": {"answerCorrect": False},
    }
    assert define_again["request"]["session"] == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": f"CODE-{code}"}
    ]
    assert define_again["request"]["clientMetadata"] == {"app": "web"}


def test_a_wrong_answer_gets_a_new_round_with_the_same_code(tidp: Any, inbox: Inbox) -> None:
    pool_id, client_id = custom_pool(tidp, PASSWORDLESS)
    email = make_user(tidp, pool_id, "alice")
    first = initiate(tidp, client_id, "alice")
    code = inbox.code_for(email)
    second = respond(tidp, client_id, first, "000000" if code != "000000" else "111111")
    assert second["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert second["Session"] != first["Session"]
    assert "AuthenticationResult" not in second
    # The first Session is spent; the new one takes the code mailed once.
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=first, answer=code) == INVALID
    assert len(inbox.to(email)) == 1
    assert "AuthenticationResult" in respond(tidp, client_id, second, code)
    rounds = events(pool_id, "DefineAuthChallenge_Authentication")[-1]["request"]["session"]
    assert [r["challengeResult"] for r in rounds] == [False, True]


def test_three_wrong_answers_fail_the_sign_in(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    make_user(tidp, pool_id, "alice")
    challenge = initiate(tidp, client_id, "alice")
    assert challenge["ChallengeParameters"] == {"question": "2 + 3?", "round": "0", "USERNAME": "alice"}
    challenge = respond(tidp, client_id, challenge, "4")
    assert challenge["ChallengeParameters"]["round"] == "1"
    challenge = respond(tidp, client_id, challenge, "6")
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="7") == WRONG
    last = events(pool_id, "DefineAuthChallenge_Authentication")[-1]["request"]["session"]
    assert last == [
        {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False, "challengeMetadata": f"QUESTION-{n}"}
        for n in range(3)
    ]


def test_a_session_is_answered_once(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    make_user(tidp, pool_id, "alice")
    challenge = initiate(tidp, client_id, "alice")
    assert "AuthenticationResult" in respond(tidp, client_id, challenge, "5")
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5") == INVALID


def test_a_session_belongs_to_its_user_client_and_challenge(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    make_user(tidp, pool_id, "alice")
    make_user(tidp, pool_id, "bob")
    other_client = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="other", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"]
    )["UserPoolClient"]["ClientId"]
    challenge = initiate(tidp, client_id, "alice")
    assert (
        error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5", username="bob")
        == INVALID
    )
    assert error_of(respond, idp=tidp, client_id=other_client, challenge=challenge, answer="5") == INVALID
    forged = {"Session": challenge["Session"][:-4] + "AAAA"}
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=forged, answer="5") == INVALID
    # Another challenge's answer can't take the Session either.
    assert (
        error_of(
            tidp.respond_to_auth_challenge,
            ClientId=client_id,
            ChallengeName="SMS_MFA",
            Session=challenge["Session"],
            ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": "123456"},
        )
        == INVALID
    )
    # The mismatches spent nothing: the rightful answer still signs in.
    assert "AuthenticationResult" in respond(tidp, client_id, challenge, "5")


def test_the_answer_may_name_the_user_by_alias(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION, AliasAttributes=["email"])
    make_user(tidp, pool_id, "alice", email_verified="true")
    challenge = initiate(tidp, client_id, "alice@example.com")
    assert challenge["ChallengeParameters"]["USERNAME"] == "alice"  # the internal username
    result = respond(tidp, client_id, challenge, "5", username="alice@example.com")
    assert "AuthenticationResult" in result


def test_missing_answer_and_username(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    make_user(tidp, pool_id, "alice")
    challenge = initiate(tidp, client_id, "alice")
    missing = error_of(
        tidp.respond_to_auth_challenge,
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice"},
    )
    assert missing == ("InvalidParameterException", "Missing required parameter ANSWER")
    assert error_of(tidp.initiate_auth, ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={}) == (
        "InvalidParameterException",
        "Missing required parameter USERNAME",
    )
    assert "AuthenticationResult" in respond(tidp, client_id, challenge, "5")


def test_admin_variant(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    make_user(tidp, pool_id, "alice")
    challenge = tidp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "alice"}
    )
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    wrong = tidp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"], ChallengeResponses={"USERNAME": "alice", "ANSWER": "4"},
    )  # fmt: skip
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE"
    result = tidp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="CUSTOM_CHALLENGE", Session=wrong["Session"],
        ChallengeResponses={"USERNAME": "alice", "ANSWER": "5"}, ClientMetadata={"admin": "yes"},
    )["AuthenticationResult"]  # fmt: skip
    assert claims(result["AccessToken"])["username"] == "alice"
    assert "NewDeviceMetadata" not in result
    [_, _, verify, *_] = events(pool_id)
    assert verify["callerContext"]["clientId"] == client_id
    assert events(pool_id, "VerifyAuthChallengeResponse_Authentication")[-1]["request"]["clientMetadata"] == {
        "admin": "yes"
    }
    # Another pool's id doesn't reach this client.
    other_pool, _ = custom_pool(tidp, QUESTION)
    code, _ = error_of(
        tidp.admin_initiate_auth,
        UserPoolId=other_pool, ClientId=client_id, AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "alice"},
    )  # fmt: skip
    assert code == "ResourceNotFoundException"


def test_secret_hash_clients(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION, client={"GenerateSecret": True})
    secret = tidp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"][
        "ClientSecret"
    ]
    make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == (
        "NotAuthorizedException",
        f"Client {client_id} is configured with secret but SECRET_HASH was not received",
    )
    challenge = initiate(tidp, client_id, "alice", SECRET_HASH=secret_hash(secret, "alice", client_id))
    bad = secret_hash(secret, "bob", client_id)
    assert error_of(
        respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5", SECRET_HASH=bad
    ) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client_id}",
    )
    good = secret_hash(secret, "alice", client_id)
    assert "AuthenticationResult" in respond(tidp, client_id, challenge, "5", SECRET_HASH=good)


def test_unknown_users(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    assert error_of(initiate, idp=tidp, client_id=client_id, username="nobody") == (
        "UserNotFoundException",
        "User does not exist.",
    )
    assert events(pool_id) == []
    # A client hiding user existence runs the triggers with userNotFound, then fails like a wrong password.
    hidden = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="hidden", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    challenge = initiate(tidp, hidden, "nobody")
    again = initiate(tidp, hidden, "nobody")
    shown = challenge["ChallengeParameters"]["USERNAME"]
    assert shown == again["ChallengeParameters"]["USERNAME"] != "nobody"  # stable, UUID-like
    assert len(shown) == 36
    assert (
        error_of(respond, idp=tidp, client_id=hidden, challenge=challenge, answer="5", username=shown)
        == WRONG
    )
    assert (
        error_of(respond, idp=tidp, client_id=hidden, challenge=again, answer="5", username="nobody") == WRONG
    )
    define = events(pool_id, "DefineAuthChallenge_Authentication")[0]
    assert define["userName"] == "nobody"
    assert define["request"]["userNotFound"] is True and define["request"]["userAttributes"] == {}


def test_the_docs_show_the_functions_the_tests_run() -> None:
    """docs/triggers.md's custom authentication examples are custom_auth_examples.py, verbatim."""
    root = Path(__file__).resolve().parents[2]
    docs = (root / "docs" / "triggers.md").read_text(encoding="utf-8")
    section = docs[docs.index("### Custom authentication") : docs.index("### Custom email and SMS senders")]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    source = (root / "tests" / "custom_auth_examples.py").read_text(encoding="utf-8")
    shown = [b for b in blocks if not b.startswith("import boto3")]
    assert len(shown) == 7
    for block in shown:
        assert block in source, block
    for name in ("define_code_after_password", "define_passwordless", "create_email_code", "verify_code"):
        assert f"def {name}(" in "".join(shown)


def test_pre_and_post_authentication_run_around_a_custom_sign_in(tidp: Any) -> None:
    record = {"PreAuthentication": arn("py", "record"), "PostAuthentication": arn("py", "record")}
    pool_id, client_id = custom_pool(tidp, QUESTION, LambdaConfig=record)
    make_user(tidp, pool_id, "alice")
    challenge = initiate(tidp, client_id, "alice")
    [pre] = events(pool_id, "PreAuthentication_Authentication")
    assert pre["userName"] == "alice" and not events(pool_id, "PostAuthentication_Authentication")
    assert "AuthenticationResult" in respond(tidp, client_id, challenge, "5")
    sources = [e["triggerSource"] for e in events(pool_id)]
    assert sources.index("PreAuthentication_Authentication") < sources.index(
        "DefineAuthChallenge_Authentication"
    )
    assert sources[-1] == "PostAuthentication_Authentication"


def test_pre_authentication_refusal_stops_before_any_challenge(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION, LambdaConfig={"PreAuthentication": arn("py", "refuse")})
    make_user(tidp, pool_id, "alice")
    code, message = error_of(initiate, idp=tidp, client_id=client_id, username="alice")
    assert code == "UserLambdaValidationException"
    assert message == "PreAuthentication failed with error Sorry alice, not today."
    assert not events(pool_id, "DefineAuthChallenge_Authentication")
