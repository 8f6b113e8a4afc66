"""Degradation: a trigger past its 5 s limit or an SMTP server that is down fails only the requests that need
it (UnexpectedLambdaException / CodeDeliveryFailureException, the write staying committed as with Cognito),
while every other request keeps its latency, measured concurrently."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError
from fault_support import PASSWORD, app_client, cognito, timed, user_with_password

from pg_support import pg_database
from store_sql import store_sql
from trigger_server import triggers_server
from userpools.testing import RunningServer, server

FAST = 3.0  # seconds: far above an unloaded request, well below the 5 s a stuck dependency costs
SLOW_ARN = "arn:aws:lambda:us-east-1:000000000000:function:py-slow"


@contextmanager
def _store(kind: str) -> Iterator[dict[str, Any]]:
    if kind == "sqlite":
        yield {}
        return
    with pg_database("userpools_degrade") as url:
        yield {"db": url}


def _unaffected(srv: RunningServer) -> dict[str, Callable[[], Any]]:
    """Reads, writes and sign-ins on a pool with no trigger and no message to send."""
    idp = cognito(srv.url)
    pool_id = idp.create_user_pool(PoolName="bystander")["UserPool"]["Id"]
    client_id = app_client(idp, pool_id)
    user_with_password(idp, pool_id, "ann")
    names = iter(range(10**6))
    return {
        "AdminGetUser": lambda: idp.admin_get_user(UserPoolId=pool_id, Username="ann"),
        "AdminCreateUser": lambda: idp.admin_create_user(
            UserPoolId=pool_id, Username=f"bob{next(names)}", MessageAction="SUPPRESS"
        ),
        "SignUp": lambda: idp.sign_up(ClientId=client_id, Username=f"carl{next(names)}", Password=PASSWORD),
        "InitiateAuth": lambda: idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
        ),
    }


def _while(stuck: list[threading.Thread], calls: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """The slowest time of each call, made again and again while the ``stuck`` requests are in flight."""
    for thread in stuck:
        thread.start()
    time.sleep(0.5)  # the stuck requests are waiting on their dependency now
    slowest = dict.fromkeys(calls, 0.0)
    rounds = 0
    while any(t.is_alive() for t in stuck) and rounds < 40:
        rounds += 1
        for name, call in calls.items():
            took, outcome = timed(call)
            assert not isinstance(outcome, Exception), (name, outcome)
            slowest[name] = max(slowest[name], took)
    assert rounds >= 1
    for thread in stuck:
        thread.join(timeout=30)
    return slowest


def _slow_pool(idp: Any, trigger: str) -> tuple[str, str]:
    """A pool whose ``trigger`` runs past the limit, its client, and its user ``slow`` (for sign-ins)."""
    pool_id = idp.create_user_pool(PoolName="slow", LambdaConfig={trigger: SLOW_ARN})["UserPool"]["Id"]
    client_id = app_client(idp, pool_id)
    if trigger != "PreSignUp":
        user_with_password(idp, pool_id, "slow")
    return pool_id, client_id


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
@pytest.mark.parametrize("trigger", ["PreSignUp", "PreTokenGeneration"])
def test_a_slow_trigger_fails_only_its_requests(store: str, trigger: str) -> None:
    with _store(store) as db, triggers_server(**db) as srv:
        idp = cognito(srv.url)
        pool_id, client_id = _slow_pool(idp, trigger)
        calls = _unaffected(srv)
        outcomes: list[tuple[float, Any]] = []

        def needs_the_trigger(n: int) -> None:
            if trigger == "PreSignUp":
                call = lambda: idp.sign_up(ClientId=client_id, Username=f"slow{n}", Password=PASSWORD)  # noqa: E731
            else:
                auth = {"USERNAME": "slow", "PASSWORD": PASSWORD}
                call = lambda: idp.initiate_auth(  # noqa: E731
                    ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth
                )
            outcomes.append(timed(call))

        slowest = _while([threading.Thread(target=needs_the_trigger, args=(n,)) for n in range(3)], calls)
        assert all(took < FAST for took in slowest.values()), slowest
        assert len(outcomes) == 3
        for took, outcome in outcomes:
            assert isinstance(outcome, ClientError), outcome
            assert outcome.response["Error"]["Code"] == "UnexpectedLambdaException", outcome.response
            assert trigger in outcome.response["Error"]["Message"]
            assert 4.5 < took < 8, took
        # The failed requests wrote nothing: no user, no refresh token.
        users = [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]]
        assert users == ([] if trigger == "PreSignUp" else ["slow"])
        with store_sql(srv.settings.database_url) as sql:
            tokens = sql.execute("SELECT COUNT(*) AS n FROM refresh_tokens WHERE pool_id = ?", (pool_id,))
            assert tokens.fetchone()["n"] == 0


def _black_hole() -> socket.socket:
    """A port that accepts TCP connections (into its backlog) and never says a word: a hung SMTP server."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


def _verifying_pool(idp: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName="mail", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = app_client(idp, pool_id)
    return pool_id, client_id


def _sign_up(idp: Any, client_id: str, username: str) -> Any:
    return idp.sign_up(
        ClientId=client_id,
        Username=username,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )


def _assert_committed_without_delivery(idp: Any, pool_id: str, username: str, outcome: Any) -> None:
    assert isinstance(outcome, ClientError), outcome
    assert outcome.response["Error"]["Code"] == "CodeDeliveryFailureException", outcome.response
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)  # the sign-up itself is committed
    assert user["UserStatus"] == "UNCONFIRMED"


def test_an_smtp_server_that_refuses_fails_only_message_sending_requests() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket is closed
    with server(email_sender="smtp", smtp_host="127.0.0.1", smtp_port=port) as srv:
        idp = cognito(srv.url)
        pool_id, client_id = _verifying_pool(idp)
        took, outcome = timed(lambda: _sign_up(idp, client_id, "dora"))
        assert took < FAST
        _assert_committed_without_delivery(idp, pool_id, "dora", outcome)
        # Asking for the code again is a message-sending request too; the rest works.
        with pytest.raises(ClientError) as resend:
            idp.resend_confirmation_code(ClientId=client_id, Username="dora")
        assert resend.value.response["Error"]["Code"] == "CodeDeliveryFailureException"
        for name, call in _unaffected(srv).items():
            took, result = timed(call)
            assert not isinstance(result, Exception) and took < FAST, (name, took, result)


def test_a_hung_smtp_server_fails_only_message_sending_requests() -> None:
    with _black_hole() as hole:
        port = hole.getsockname()[1]
        with server(email_sender="smtp", smtp_host="127.0.0.1", smtp_port=port) as srv:
            idp = cognito(srv.url, timeout=30)
            pool_id, client_id = _verifying_pool(idp)
            outcomes: list[tuple[float, Any]] = []
            stuck = threading.Thread(
                target=lambda: outcomes.append(timed(lambda: _sign_up(idp, client_id, "eve")))
            )
            slowest = _while([stuck], _unaffected(srv))
            assert all(took < FAST for took in slowest.values()), slowest
            ((took, outcome),) = outcomes
            assert took < 12, took  # the SMTP timeout bounds it
            _assert_committed_without_delivery(idp, pool_id, "eve", outcome)
