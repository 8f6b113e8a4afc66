"""Time in sign-in: challenge sessions expiring, lockout periods, temporary passwords (a FakeClock server)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from test_auth_support import (
    PASSWORD,
    Srp,
    error_of,
    make_client,
    make_pool,
    make_user,
    password_auth,
    timestamp_at,
)

from userpools.ports import FakeClock
from userpools.testing import RunningServer, server

WRONG = ("NotAuthorizedException", "Incorrect username or password.")
LOCKED = ("NotAuthorizedException", "Password attempts exceeded")
EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
TEMPORARY = "Temp-Passw0rd!"


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())  # near real time, so SigV4 and SRP timestamps stay plausible


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    with server(clock=clock, email_sender="file", sms_sender="file") as srv:
        yield srv


@pytest.fixture
def cidp(clocked: RunningServer) -> Any:
    return clocked.client()


def _invite(idp: Any, pool_id: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id, Username="alice", TemporaryPassword=TEMPORARY, MessageAction="SUPPRESS"
    )


def test_new_password_session_expires(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    short, long = make_client(cidp, pool_id), make_client(cidp, pool_id, AuthSessionValidity=10)
    _invite(cidp, pool_id)
    sessions = {
        c["ClientId"]: password_auth(cidp, c["ClientId"], "alice", TEMPORARY)["Session"]
        for c in (short, long)
    }
    clock.advance(180)

    def answer(client_id: str) -> Any:
        return cidp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=sessions[client_id],
            ChallengeResponses={"USERNAME": "alice", "NEW_PASSWORD": PASSWORD},
        )

    assert error_of(answer, client_id=short["ClientId"]) == EXPIRED
    clock.advance(419)
    assert "AuthenticationResult" in answer(long["ClientId"])


def test_secret_block_expires(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    client = make_client(cidp, pool_id)
    make_user(cidp, pool_id, "alice")
    srp = Srp(cidp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    clock.advance(179)
    assert "AuthenticationResult" in srp.respond(challenge, timestamp_at(clock.now()))
    challenge = srp.initiate()
    clock.advance(180)
    assert error_of(srp.respond, challenge=challenge, timestamp=timestamp_at(clock.now())) == EXPIRED


def test_lockout_after_five_failures_doubles_and_resets(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    client_id = make_client(cidp, pool_id)["ClientId"]
    make_user(cidp, pool_id, "alice")

    for _ in range(5):
        assert (
            error_of(password_auth, idp=cidp, client_id=client_id, username="alice", password="Nope-1234")
            == WRONG
        )
    # Locked for 1 s: even the right password is refused, and tries while locked do not extend it.
    for _ in range(3):
        assert error_of(password_auth, idp=cidp, client_id=client_id, username="alice") == LOCKED
    clock.advance(1.01)
    assert (
        error_of(password_auth, idp=cidp, client_id=client_id, username="alice", password="Nope-1234")
        == WRONG
    )
    clock.advance(1.5)  # the sixth failure locks for 2 s
    assert error_of(password_auth, idp=cidp, client_id=client_id, username="alice") == LOCKED
    clock.advance(0.6)
    assert "AuthenticationResult" in password_auth(cidp, client_id, "alice")
    # A success clears the counter: five more failures before the next lock.
    for _ in range(5):
        assert (
            error_of(password_auth, idp=cidp, client_id=client_id, username="alice", password="Nope-1234")
            == WRONG
        )
    assert error_of(password_auth, idp=cidp, client_id=client_id, username="alice") == LOCKED


def test_lockout_is_capped_at_fifteen_minutes(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    client_id = make_client(cidp, pool_id)["ClientId"]
    make_user(cidp, pool_id, "alice")
    for failure in range(16):
        if failure >= 5:
            clock.advance(min(2 ** (failure - 5), 900) + 0.01)
        assert (
            error_of(password_auth, idp=cidp, client_id=client_id, username="alice", password="Nope-1234")
            == WRONG
        )
    clock.advance(899)
    assert error_of(password_auth, idp=cidp, client_id=client_id, username="alice") == LOCKED
    clock.advance(1.01)
    assert "AuthenticationResult" in password_auth(cidp, client_id, "alice")


def test_srp_failures_count_and_locks_refuse_the_challenge(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    client_id = make_client(cidp, pool_id)["ClientId"]
    make_user(cidp, pool_id, "alice")
    wrong = Srp(cidp, pool_id, client_id, "alice", "Nope-1234")
    for _ in range(5):
        assert (
            error_of(wrong.respond, challenge=wrong.initiate(), timestamp=timestamp_at(clock.now())) == WRONG
        )
    right = Srp(cidp, pool_id, client_id, "alice")
    assert error_of(right.initiate) == LOCKED
    clock.advance(1.01)
    assert "AuthenticationResult" in right.respond(right.initiate(), timestamp_at(clock.now()))


def test_unknown_users_are_never_locked(cidp: Any) -> None:
    pool_id = make_pool(cidp)
    client_id = make_client(cidp, pool_id, PreventUserExistenceErrors="ENABLED")["ClientId"]
    for _ in range(7):
        assert error_of(password_auth, idp=cidp, client_id=client_id, username="ghost") == WRONG


def test_temporary_password_expires(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(
        cidp, Policies={"PasswordPolicy": {"MinimumLength": 8, "TemporaryPasswordValidityDays": 1}}
    )
    client_id = make_client(cidp, pool_id)["ClientId"]
    _invite(cidp, pool_id)
    clock.advance(86400 - 1)
    assert password_auth(cidp, client_id, "alice", TEMPORARY)["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    clock.advance(2)
    assert error_of(password_auth, idp=cidp, client_id=client_id, username="alice", password=TEMPORARY) == (
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )
    assert (
        error_of(password_auth, idp=cidp, client_id=client_id, username="alice", password="Nope-1234")
        == WRONG
    )
