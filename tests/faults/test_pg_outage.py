"""PostgreSQL going away under a running server: its connections terminated again and again, or the database
refusing new connections. Requests fail fast (well under 10 s) with Cognito's retryable
InternalErrorException (HTTP 500 with a ``__type``), ``/ready`` says the store is unreachable, and the
server serves again by itself once the database is back. The machine's PostgreSQL cluster keeps running:
only this test's database is cut off."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from botocore.exceptions import ClientError
from fault_support import PASSWORD, app_client, cognito, timed, user_with_password

from pg_support import PG_ADMIN, pg_database
from userpools.testing import RunningServer, server

BOUND = 10.0  # no request may take longer than this while the database is away
ADMIN_DSN = PG_ADMIN.replace("postgresql+asyncpg://", "postgresql://", 1)


def _admin(statement: str, *args: Any) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(ADMIN_DSN)
        try:
            await conn.execute(statement, *args)
        finally:
            await conn.close()

    asyncio.run(run())


def _terminate(database: str) -> None:
    _admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = $1 AND pid <> pg_backend_pid()",
        database,
    )


@pytest.fixture
def pg_server() -> Iterator[tuple[RunningServer, str]]:
    with pg_database("userpools_outage") as url, server(db=url, email_sender="file") as srv:
        yield srv, url.rsplit("/", 1)[1]


def _calls(srv: RunningServer) -> dict[str, Callable[[], Any]]:
    calls, _pool_id = _pool_calls(srv)
    return calls


def _pool_calls(srv: RunningServer) -> tuple[dict[str, Callable[[], Any]], str]:
    """One read, one write and one sign-in against a pool made for the test."""
    idp = cognito(srv.url, timeout=30)
    pool_id = idp.create_user_pool(PoolName="outage")["UserPool"]["Id"]
    client_id = app_client(idp, pool_id)
    user_with_password(idp, pool_id, "ann")
    fast = cognito(srv.url, timeout=BOUND + 5)
    auth = {"USERNAME": "ann", "PASSWORD": PASSWORD}
    return {
        "read": lambda: fast.admin_get_user(UserPoolId=pool_id, Username="ann"),
        "write": lambda: fast.admin_update_user_attributes(
            UserPoolId=pool_id, Username="ann", UserAttributes=[{"Name": "name", "Value": "Ann"}]
        ),
        "sign_in": lambda: fast.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth
        ),
    }, pool_id


def _assert_failed_well(name: str, took: float, outcome: Any) -> None:
    """A success, or Cognito's retryable InternalErrorException, within the bound: no hang, no bare 500."""
    assert took < BOUND, f"{name} took {took:.1f} s"
    if isinstance(outcome, Exception):
        assert isinstance(outcome, ClientError), f"{name}: {outcome!r}"
        error = outcome.response["Error"]
        assert error["Code"] == "InternalErrorException", (name, outcome.response)
        assert outcome.response["ResponseMetadata"]["HTTPStatusCode"] == 500
        assert "database" in error["Message"] and "retry" in error["Message"].lower(), error


def _recovers(calls: dict[str, Callable[[], Any]], within: float = 10) -> None:
    """Every call succeeds again, by itself, within ``within`` seconds."""
    deadline = time.monotonic() + within
    for name, call in calls.items():
        while True:
            took, outcome = timed(call)
            _assert_failed_well(name, took, outcome)
            if not isinstance(outcome, Exception):
                break
            assert time.monotonic() < deadline, f"{name} still fails: {outcome!r}"
            time.sleep(0.2)


def test_terminated_connections_fail_requests_fast_and_the_server_recovers(
    pg_server: tuple[RunningServer, str],
) -> None:
    srv, database = pg_server
    calls = _calls(srv)
    _recovers(calls)  # all good before the outage
    stop = threading.Event()
    outcomes: list[tuple[str, float, Any]] = []

    def load(name: str, call: Callable[[], Any]) -> None:
        while not stop.is_set():
            took, outcome = timed(call)
            outcomes.append((name, took, outcome))

    threads = [
        threading.Thread(target=load, args=item, daemon=True) for item in calls.items() for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    until = time.monotonic() + 4
    while time.monotonic() < until:  # the database's backends killed again and again, mid-request
        _terminate(database)
        time.sleep(0.1)
    stop.set()
    for thread in threads:
        thread.join(timeout=BOUND + 10)
    failures = [o for o in outcomes if isinstance(o[2], Exception)]
    assert failures, "terminating the backends failed no request: the test did not cut anything off"
    for name, took, outcome in outcomes:
        _assert_failed_well(name, took, outcome)
    _recovers(calls)


def test_a_database_refusing_connections_fails_requests_fast_and_ready_says_so(
    pg_server: tuple[RunningServer, str],
) -> None:
    srv, database = pg_server
    calls, pool_id = _pool_calls(srv)
    _recovers(calls)
    jwks_url = f"{srv.url}/{pool_id}/.well-known/jwks.json"
    assert httpx.get(jwks_url, timeout=BOUND).status_code == 200
    _admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    try:
        _terminate(database)
        for name, call in calls.items():
            for _ in range(2):
                took, outcome = timed(call)
                _assert_failed_well(name, took, outcome)
                assert isinstance(outcome, ClientError), f"{name} succeeded without its database"
        # The OIDC routes (JWKS, token, hosted pages) say so in OAuth's words (RFC 6749 5.2, 4.1.2.1).
        jwks = httpx.get(jwks_url, timeout=BOUND)
        assert jwks.status_code == 503 and jwks.headers["retry-after"] == "1"
        assert jwks.json()["error"] == "temporarily_unavailable", jwks.text
        ready = httpx.get(f"{srv.url}/ready", timeout=BOUND)
        assert ready.status_code == 503 and ready.json()["reason"].startswith("store unreachable")
        health = httpx.get(f"{srv.url}/health", timeout=BOUND)
        assert health.status_code == 200  # the process is fine: an orchestrator must not restart it
    finally:
        _admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    _recovers(calls)
    assert httpx.get(f"{srv.url}/ready", timeout=BOUND).status_code == 200
    assert httpx.get(jwks_url, timeout=BOUND).status_code == 200
