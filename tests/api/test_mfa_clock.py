"""MFA over time (a FakeClock server): expired challenge Sessions and the TOTP ±1 step window."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from test_auth_support import error_of, make_client, make_user, password_auth
from test_mfa_support import PHONE, WRONG_CODE, code_in, last_mfa_message, mfa_pool, respond

from userpools.ports import FakeClock
from userpools.testing import RunningServer, server

EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    with server(clock=clock, email_sender="file", sms_sender="file") as srv:
        yield srv


@pytest.fixture
def cidp(clocked: RunningServer) -> Any:
    return clocked.client()


def test_expired_sms_session(cidp: Any, clocked: RunningServer, clock: FakeClock) -> None:
    pool_id = mfa_pool(cidp, "ON", sms=True)
    client_id = make_client(cidp, pool_id)["ClientId"]
    make_user(cidp, pool_id, "alice", phone_number=PHONE)
    challenge = password_auth(cidp, client_id, "alice")
    code = code_in(last_mfa_message(clocked, pool_id, "alice"))
    clock.advance(181)  # default AuthSessionValidity: 3 minutes
    assert error_of(respond, idp=cidp, client_id=client_id, challenge=challenge, USERNAME="alice",
                    SMS_MFA_CODE=code) == EXPIRED  # fmt: skip


def test_totp_window(cidp: Any, clock: FakeClock) -> None:
    pool_id = mfa_pool(cidp, "OPTIONAL", totp=True)
    client_id = make_client(cidp, pool_id)["ClientId"]
    make_user(cidp, pool_id, "bob")
    access = password_auth(cidp, client_id, "bob")["AuthenticationResult"]["AccessToken"]
    secret = cidp.associate_software_token(AccessToken=access)["SecretCode"]
    totp = pyotp.TOTP(secret)
    cidp.verify_software_token(AccessToken=access, UserCode=totp.at(clock.now()))
    cidp.set_user_mfa_preference(AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True})
    clock.advance(120)
    # Two steps old is outside the ±1 window; one step old is inside it.
    challenge = password_auth(cidp, client_id, "bob")
    old = totp.at(clock.now() - 60)
    if old not in (totp.at(clock.now() - 30), totp.at(clock.now()), totp.at(clock.now() + 30)):
        assert error_of(respond, idp=cidp, client_id=client_id, challenge=challenge, USERNAME="bob",
                        SOFTWARE_TOKEN_MFA_CODE=old) == WRONG_CODE  # fmt: skip
        challenge = password_auth(cidp, client_id, "bob")
    tokens = respond(
        cidp, client_id, challenge, USERNAME="bob", SOFTWARE_TOKEN_MFA_CODE=totp.at(clock.now() - 30)
    )
    assert "AccessToken" in tokens["AuthenticationResult"]
    # Having accepted the previous step's code, neither it nor an older step's is accepted again.
    challenge = password_auth(cidp, client_id, "bob")
    assert error_of(respond, idp=cidp, client_id=client_id, challenge=challenge, USERNAME="bob",
                    SOFTWARE_TOKEN_MFA_CODE=totp.at(clock.now() - 30)) == WRONG_CODE  # fmt: skip
