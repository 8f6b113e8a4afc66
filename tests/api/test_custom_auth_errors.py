"""CUSTOM_AUTH failures: failAuthentication, bad or failing trigger functions, missing triggers, the client's
allowed flows, and Sessions expiring (a FakeClock server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from test_auth_support import error_of
from test_custom_auth_support import (
    INVALID,
    NOT_CONFIGURED,
    QUESTION,
    UNRECOGNIZABLE,
    WRONG,
    SrpFirst,
    custom_pool,
    initiate,
    make_user,
    respond,
)
from test_triggers_support import events, tidp, trigger_live

from trigger_server import triggers_server
from userpools.ports import FakeClock
from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # fixtures

EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")


def test_fail_authentication(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("define_fail", "create_question", "verify_answer"))
    make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == WRONG
    assert [e["triggerSource"] for e in events(pool_id)] == ["DefineAuthChallenge_Authentication"]


def test_issue_tokens_at_once(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("define_issue_at_once", None, None))
    make_user(tidp, pool_id, "alice")
    assert "AccessToken" in initiate(tidp, client_id, "alice")["AuthenticationResult"]


@pytest.mark.parametrize(
    "define", ["define_undecided", "define_sms_mfa", "define_flag_as_text", "not_an_event"]
)
def test_invalid_define_responses(tidp: Any, define: str) -> None:
    pool_id, client_id = custom_pool(tidp, (define, "create_question", "verify_answer"))
    make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == UNRECOGNIZABLE


def test_invalid_create_response(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("define_passwordless", "create_nested", "verify_answer"))
    make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == UNRECOGNIZABLE


def test_state_too_large_for_a_session(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("define_passwordless", "create_huge", "verify_answer"))
    make_user(tidp, pool_id, "alice")
    code, message = error_of(initiate, idp=tidp, client_id=client_id, username="alice")
    assert code == "InvalidLambdaResponseException" and "2,048" in message


def test_invalid_verify_response_spends_the_session(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("define_passwordless", "create_question", "verify_as_text"))
    make_user(tidp, pool_id, "alice")
    challenge = initiate(tidp, client_id, "alice")
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5") == UNRECOGNIZABLE
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5") == INVALID


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_failing_function(tidp: Any, which: int) -> None:
    functions = list(QUESTION)
    functions[which] = "refuse"
    pool_id, client_id = custom_pool(tidp, tuple(functions))
    make_user(tidp, pool_id, "alice")
    trigger = ("DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse")[which]
    expected = ("UserLambdaValidationException", f"{trigger} failed with error Sorry alice, not today.")
    if which < 2:
        assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == expected
        return
    challenge = initiate(tidp, client_id, "alice")
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5") == expected
    # The Session is spent even so: it can't be replayed to guess again.
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5") == INVALID


def test_an_unreachable_function(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("closed", None, None), backend="http")
    make_user(tidp, pool_id, "alice")
    code, message = error_of(initiate, idp=tidp, client_id=client_id, username="alice")
    assert code == "UnexpectedLambdaException"
    assert message.startswith("DefineAuthChallenge invocation failed due to error")


def test_missing_triggers(tidp: Any) -> None:
    nothing, client_id = custom_pool(tidp, (None, None, None))
    make_user(tidp, nothing, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == NOT_CONFIGURED
    no_create, client_id = custom_pool(tidp, ("define_passwordless", None, "verify_answer"))
    make_user(tidp, no_create, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == NOT_CONFIGURED
    no_verify, client_id = custom_pool(tidp, ("define_passwordless", "create_question", None))
    make_user(tidp, no_verify, "alice")
    challenge = initiate(tidp, client_id, "alice")
    assert error_of(respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5") == NOT_CONFIGURED


def test_the_client_must_allow_custom_auth(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION, client={"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH"]})
    make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == (
        "InvalidParameterException",
        "CUSTOM_AUTH flow not enabled for this client",
    )
    assert events(pool_id) == []
    # A client created without ExplicitAuthFlows allows it (Cognito's default list includes it).
    default = tidp.create_user_pool_client(UserPoolId=pool_id, ClientName="default")["UserPoolClient"]
    assert "AuthenticationResult" in respond(
        tidp, default["ClientId"], initiate(tidp, default["ClientId"]), "5"
    )


def test_a_custom_auth_only_client(tidp: Any) -> None:
    """The legacy CUSTOM_AUTH_FLOW_ONLY: custom authentication (and refresh) only, in Cognito's words."""
    pool_id, client_id = custom_pool(tidp, QUESTION, client={"ExplicitAuthFlows": ["CUSTOM_AUTH_FLOW_ONLY"]})
    make_user(tidp, pool_id, "alice")
    result = respond(tidp, client_id, initiate(tidp, client_id, "alice"), "5")["AuthenticationResult"]
    refreshed = tidp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )
    assert "AccessToken" in refreshed["AuthenticationResult"]
    srp = SrpFirst(tidp, pool_id, client_id)
    assert error_of(
        tidp.initiate_auth,
        ClientId=client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.client.auth_parameters(),
    ) == ("InvalidParameterException", "Only custom auth (lambda driven) is enabled for this client.")
    # SRP inside CUSTOM_AUTH is custom authentication: allowed (this pool's Define then refuses it).
    assert error_of(srp.initiate) == WRONG
    define = events(pool_id, "DefineAuthChallenge_Authentication")[-1]
    assert define["request"]["session"] == [
        {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
    ]


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    with triggers_server(clock=clock) as srv:
        yield srv


def test_sessions_expire(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id, short = custom_pool(idp, QUESTION)
    long = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="long", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"], AuthSessionValidity=10
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "alice")
    first, other = initiate(idp, short, "alice"), initiate(idp, long, "alice")
    clock.advance(179)
    second = respond(idp, short, first, "4")  # in time: a new round, with 3 minutes of its own
    clock.advance(179)
    assert "AuthenticationResult" in respond(idp, short, second, "5")
    third = respond(idp, short, initiate(idp, short, "alice"), "4")
    clock.advance(180)
    assert error_of(respond, idp=idp, client_id=short, challenge=third, answer="5") == EXPIRED
    clock.advance(599 - 538)  # the long client's Session lives 10 minutes
    assert "AuthenticationResult" in respond(idp, long, other, "5")
