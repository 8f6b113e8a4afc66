"""Helpers shared by the sign-up, recovery and self-service tests (no tests here)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from test_users_support import db, make_pool, messages

from userpools.crypto import code_digest
from userpools.ports import FakeClock
from userpools.testing import RunningServer, server

PASSWORD = "Corr3ct-Horse!"
EMAIL_POOL = {"AutoVerifiedAttributes": ["email"]}


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    """A server whose time the test moves (code expiry, hourly limits)."""
    with server(clock=clock, email_sender="file", sms_sender="file") as srv:
        yield srv


def new_client(idp: Any, pool_id: str, **settings: Any) -> str:
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="app", **settings)
    return str(created["UserPoolClient"]["ClientId"])


def app(idp: Any, **pool_settings: Any) -> tuple[str, str]:
    """A fresh pool (auto-verifying email unless told otherwise) and a public client of it."""
    pool_id = make_pool(idp, **({**EMAIL_POOL, **pool_settings}))
    return pool_id, new_client(idp, pool_id)


def sign_up(idp: Any, client_id: str, username: str = "alice", **attributes: str) -> dict[str, Any]:
    attributes.setdefault("email", f"{username}@example.com")
    return dict(
        idp.sign_up(
            ClientId=client_id,
            Username=username,
            Password=PASSWORD,
            UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items() if v],
        )
    )


def codes_sent(live: RunningServer, pool_id: str, username: str | None = None) -> list[str]:
    """The six-digit codes in the messages sent so far, oldest first."""
    out = []
    for message in messages(live, pool_id, username):
        found = re.findall(r"\b\d{6}\b", message["body"])
        out.extend(found[-1:])
    return out


def last_code(live: RunningServer, pool_id: str, username: str | None = None) -> str:
    sent = codes_sent(live, pool_id, username)
    assert sent, "no code was sent"
    return sent[-1]


def code_rows(live: RunningServer, pool_id: str, username: str) -> dict[str, Any]:
    """``{purpose: row}`` of a user's stored codes and counters."""
    with db(live) as conn:
        rows = conn.execute(
            "SELECT c.* FROM user_codes c JOIN users u ON u.id = c.user_id "
            "WHERE u.pool_id = ? AND u.username = ?",
            (pool_id, username),
        ).fetchall()
    return {row["purpose"]: dict(row) for row in rows}


def digest(live: RunningServer, purpose: str, sub: str, code: str) -> str:
    return code_digest(live.app.state.services.sealer.derive("codes"), purpose, sub, code)


def status(idp: Any, pool_id: str, username: str = "alice") -> str:
    return str(idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"])


def attributes(idp: Any, pool_id: str, username: str = "alice") -> dict[str, str]:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def user_count(idp: Any, pool_id: str) -> int:
    return len(idp.list_users(UserPoolId=pool_id)["Users"])
