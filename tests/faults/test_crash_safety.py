"""SIGKILL of ``userpools serve`` under concurrent writes: after a restart on the same store, every write a
client saw acknowledged is there in full (status, attributes, alias, password), and no user is half-written.
Checked through the API and with raw SQL, on SQLite and on a fresh PostgreSQL database."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from fault_support import PASSWORD, Serve, app_client, cognito

from pg_support import pg_database
from store_sql import store_sql

WORKERS = 6
LOAD_SECONDS = 3.0


@dataclass
class Acked:
    """What the server acknowledged before it died: username → the last acknowledged step, its attributes."""

    steps: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    sign_ins: int = 0
    errors: list[str] = field(default_factory=list)  # failures seen before the kill
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, username: str, step: str, attributes: dict[str, str]) -> None:
        with self.lock:
            self.steps[username] = step
            self.attributes[username] = attributes


def _setup(url: str) -> tuple[str, str]:
    idp = cognito(url)
    pool_id = idp.create_user_pool(PoolName="crash", AliasAttributes=["email"])["UserPool"]["Id"]
    client_id = app_client(idp, pool_id)
    return pool_id, client_id


def _attributes(username: str) -> dict[str, str]:
    return {"email": f"{username}@example.com", "name": f"Name of {username}", "locale": "fr"}


def _sign_in(idp: Any, client_id: str, username: str, password: str = PASSWORD) -> dict[str, Any]:
    return dict(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
    )


def _worker(url: str, pool_id: str, client_id: str, worker: int, acked: Acked, stop: threading.Event) -> None:
    idp = cognito(url)
    confirmed: list[str] = []
    step = 0
    while not stop.is_set():
        step += 1
        username = f"w{worker}n{step}"
        attrs = _attributes(username)
        wire = [{"Name": k, "Value": v} for k, v in attrs.items()]
        try:
            if step % 3 == 0:
                idp.sign_up(ClientId=client_id, Username=username, Password=PASSWORD, UserAttributes=wire)
                acked.record(username, "signed_up", attrs)
            elif step % 3 == 1:
                wire.append({"Name": "email_verified", "Value": "true"})
                idp.admin_create_user(
                    UserPoolId=pool_id, Username=username, UserAttributes=wire,
                    TemporaryPassword="Temp-0rary!", MessageAction="SUPPRESS",
                )  # fmt: skip
                acked.record(username, "created", attrs)
                idp.admin_set_user_password(
                    UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
                )
                acked.record(username, "confirmed", attrs)
                confirmed.append(username)
            elif confirmed:
                _sign_in(idp, client_id, confirmed[step % len(confirmed)])
                with acked.lock:
                    acked.sign_ins += 1
        except (ClientError, BotoCoreError) as exc:
            if not stop.is_set():
                acked.errors.append(f"{username}: {exc!r}")
            return


def _check_user(
    idp: Any, pool_id: str, client_id: str, username: str, step: str, attrs: dict[str, str]
) -> None:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    got = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert {k: got.get(k) for k in attrs} == attrs, username
    assert got.get("sub"), username
    if step == "signed_up":
        assert user["UserStatus"] == "UNCONFIRMED", username
        idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=username)
        assert "AuthenticationResult" in _sign_in(idp, client_id, username)
        return
    # An acknowledged create may also have had its unacknowledged password change committed.
    expected = ("CONFIRMED",) if step == "confirmed" else ("CONFIRMED", "FORCE_CHANGE_PASSWORD")
    assert user["UserStatus"] in expected, (username, user["UserStatus"])
    if user["UserStatus"] == "CONFIRMED":
        # Through the email alias: the alias row was written with the user.
        assert "AuthenticationResult" in _sign_in(idp, client_id, attrs["email"])
    else:
        answer = _sign_in(idp, client_id, username, "Temp-0rary!")
        assert answer["ChallengeName"] == "NEW_PASSWORD_REQUIRED", username


def _check_store(db_url: str, pool_id: str) -> int:
    """No half-written user in the tables; the number of users."""
    with store_sql(db_url) as sql:
        users = sql.execute(
            "SELECT id, username, status, attributes, f_email FROM users WHERE pool_id = ?", (pool_id,)
        ).fetchall()
        missing = sql.execute(
            "SELECT u.username FROM users u LEFT JOIN user_credentials c ON c.user_id = u.id "
            "WHERE u.pool_id = ? AND c.user_id IS NULL",
            (pool_id,),
        ).fetchall()
        assert not missing, f"users without their password verifier: {[r['username'] for r in missing]}"
        for row in users:
            attrs = row["attributes"]
            if isinstance(attrs, str):
                import json

                attrs = json.loads(attrs)
            assert attrs.get("sub") and attrs.get("email") and attrs.get("name"), row["username"]
            assert row["f_email"] == attrs["email"].lower(), row["username"]
            assert row["status"] in ("UNCONFIRMED", "CONFIRMED", "FORCE_CHANGE_PASSWORD"), row["username"]
        if db_url.startswith("sqlite"):
            assert sql.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert sql.execute("PRAGMA foreign_key_check").fetchall() == []
        return len(users)


def _crash_and_recover(db: str, db_url: str, data_dir: Path) -> None:
    first = Serve(db, data_dir)
    try:
        pool_id, client_id = _setup(first.url)
        acked, stop = Acked(), threading.Event()
        threads = [
            threading.Thread(
                target=_worker, args=(first.url, pool_id, client_id, n, acked, stop), daemon=True
            )
            for n in range(WORKERS)
        ]
        for thread in threads:
            thread.start()
        time.sleep(LOAD_SECONDS)
        deadline = time.monotonic() + 15  # a loaded machine: wait for some of each kind of write
        while (len(acked.steps) < 3 * WORKERS or not acked.sign_ins) and time.monotonic() < deadline:
            time.sleep(0.2)
        stop.set()  # failures from here on are the kill's; workers have requests in flight
        first.kill()
        for thread in threads:
            thread.join(timeout=20)
    finally:
        if first.proc.poll() is None:
            first.kill()
    assert not acked.errors, (acked.errors, first.output())
    assert len(acked.steps) >= WORKERS and acked.sign_ins > 0, first.output()
    second = Serve(db, data_dir)
    try:
        idp = cognito(second.url)
        for username, step in sorted(acked.steps.items()):
            _check_user(idp, pool_id, client_id, username, step, acked.attributes[username])
        stored = _check_store(db_url, pool_id)
        assert stored >= len(acked.steps)
        # Users created by requests that were in flight at the kill are whole too, through the API.
        listed = idp.get_paginator("list_users").paginate(UserPoolId=pool_id).build_full_result()["Users"]
        assert len(listed) == stored
        for user in listed:
            got = {a["Name"]: a["Value"] for a in user["Attributes"]}
            assert got.get("sub") and got.get("email") and user["UserStatus"], user
    finally:
        second.stop()


def test_sigkill_under_load_loses_no_acknowledged_write_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    _crash_and_recover(str(path), f"sqlite:///{path}", tmp_path)


def test_sigkill_under_load_loses_no_acknowledged_write_on_postgresql(tmp_path: Path) -> None:
    with pg_database("userpools_crash") as url:
        _crash_and_recover(url, url, tmp_path)
