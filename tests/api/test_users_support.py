"""Helpers shared by the user API tests (no tests here): errors, pools, the outbox and the store."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from store_sql import store_sql
from userpools.testing import RunningServer

_names = itertools.count()


def error_of(call: Callable[..., Any], **kwargs: Any) -> tuple[str, str]:
    """Calls and expects a 400 service error; returns (code, message)."""
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def make_pool(idp: Any, **settings: Any) -> str:
    name = f"users{next(_names)}"
    return str(idp.create_user_pool(PoolName=name, **settings)["UserPool"]["Id"])


def attrs(user: dict[str, Any], key: str = "Attributes") -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user[key]}


def messages(live: RunningServer, pool_id: str, username: str | None = None) -> list[dict[str, Any]]:
    if not live.outbox.exists():
        return []
    out = []
    for line in live.outbox.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["pool_id"] == pool_id and (username is None or item["username"] == username):
            out.append(item)
    return out


def db(live: RunningServer) -> AbstractContextManager[Any]:
    """Raw SQL on the server's store, SQLite or PostgreSQL (tests/store_sql.py)."""
    return store_sql(live.settings.database_url)


def user_row(live: RunningServer, pool_id: str, username: str) -> Any:
    with db(live) as conn:
        row = conn.execute(
            "SELECT * FROM users WHERE pool_id = ? AND username = ?", (pool_id, username)
        ).fetchone()
    assert row is not None
    return row


def credentials(live: RunningServer, pool_id: str, username: str) -> Any:
    with db(live) as conn:
        row: Any = conn.execute(
            "SELECT c.* FROM user_credentials c JOIN users u ON u.id = c.user_id "
            "WHERE u.pool_id = ? AND u.username = ?",
            (pool_id, username),
        ).fetchone()
    return row


def set_status(live: RunningServer, pool_id: str, username: str, status: str) -> None:
    """Puts a user in a state no admin operation produces (UNCONFIRMED comes from SignUp)."""
    with db(live) as conn:
        conn.execute(
            "UPDATE users SET status = ? WHERE pool_id = ? AND username = ?", (status, pool_id, username)
        )
