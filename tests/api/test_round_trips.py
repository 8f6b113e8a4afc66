"""Database round trips and rows touched per operation, on PostgreSQL (docs/scaling.md).

Every statement the server sends while one API call runs is recorded (asyncpg's query logger, BEGIN and
COMMIT included: each is one round trip). Each recorded SELECT is then re-run under EXPLAIN ANALYZE to
count the rows its plan read (rows returned by every scan node plus rows its filters removed), and
every statement is planned to show it reaches tables through an index. The budgets below are what was
measured; a change that makes an operation do more fails here until the budget (and docs/scaling.md)
is raised on purpose. The pool holds BACKGROUND users, so a scan that grows with the pool would show.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from test_auth_support import PASSWORD, Srp, make_client, make_user

from pg_support import pg_database
from userpools.testing import RunningServer, server

BACKGROUND = 400
# operation -> (round trips, rows read by SELECTs), as measured; see docs/scaling.md.
BUDGETS: dict[str, tuple[int, int]] = {
    "InitiateAuth (USER_PASSWORD_AUTH)": (2, 6),
    "InitiateAuth (USER_SRP_AUTH)": (1, 6),
    "RespondToAuthChallenge (PASSWORD_VERIFIER)": (7, 6),
    "InitiateAuth (REFRESH_TOKEN_AUTH)": (3, 6),
    "GetUser": (2, 5),
    "UpdateUserAttributes": (5, 4),
    "SignUp": (11, 6),
    "AdminCreateUser": (9, 3),
    "AdminGetUser": (1, 2),
    "ListUsers (email filter)": (2, 2),
    "ListUsers (page of 60)": (2, 62),
    "DescribeUserPool": (3, BACKGROUND + 4),  # EstimatedNumberOfUsers counts the pool's users
    "GlobalSignOut": (8, 5),
}
# The only full reads allowed: counting a pool's users (an index-only scan once the table holds other pools).
SCANS_ALLOWED = {"DescribeUserPool": ["users"]}


@dataclass(eq=False)  # hashable by identity: asyncpg keeps loggers in a set
class Recorder:
    """What the server's connections send, while ``on``."""

    on: bool = False
    sent: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def __call__(self, record: Any) -> None:
        # The store's own statistics upkeep (store/pg_stats.py) runs beside requests, not for them.
        if self.on and not record.query.startswith("ANALYZE"):
            self.sent.append((record.query, tuple(record.args or ())))


@pytest.fixture(scope="module")
def pg_live() -> Iterator[tuple[RunningServer, str]]:
    if os.environ.get("USERPOOLS_TEST_STORE") == "postgresql":
        pytest.skip("runs once, in the SQLite pass, on its own PostgreSQL database")
    with pg_database("userpools_trips") as url, server(db=url, email_sender="file", sms_sender="file") as srv:
        yield srv, url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _install(srv: RunningServer, recorder: Recorder) -> None:
    async def install() -> None:
        pool = srv.app.state.database._pg
        # Hold every connection once so each gets the logger, whichever one a request later takes.
        held = [await pool.acquire() for _ in range(pool.get_max_size())]
        for conn in held:
            conn.add_query_logger(recorder)
        for conn in held:
            await pool.release(conn)

    srv.run(install())


def _rows_read(plan: dict[str, Any]) -> int:
    loops = plan.get("Actual Loops", 1)
    rows = 0
    if "Scan" in plan["Node Type"]:
        rows += (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * loops
    return rows + sum(_rows_read(child) for child in plan.get("Plans", []))


def _seq_scans(plan: dict[str, Any]) -> list[str]:
    here = [plan.get("Relation Name", "?")] if plan["Node Type"] == "Seq Scan" else []
    return here + [s for child in plan.get("Plans", []) for s in _seq_scans(child)]


async def _analyze(dsn: str, sent: list[tuple[str, tuple[Any, ...]]]) -> tuple[int, list[str]]:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.set_type_codec("json", encoder=str, decoder=json.loads, schema="pg_catalog")
        rows, scans = 0, []
        for sql, sent_args in sent:
            verb = sql.split(None, 1)[0].upper()
            if verb not in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"):
                continue
            analyze = "ANALYZE, " if verb in ("SELECT", "WITH") else ""
            # executemany: plan one row of the batch
            args = tuple(sent_args[0]) if sent_args and isinstance(sent_args[0], tuple | list) else sent_args
            async with conn.transaction():  # plans only; never changes anything
                [plan] = await conn.fetchval(f"EXPLAIN ({analyze}FORMAT JSON) {sql}", *args)
            if analyze:
                rows += _rows_read(plan["Plan"])
            scans += _seq_scans(plan["Plan"])
        return rows, scans
    finally:
        await conn.close()


def test_round_trips_and_rows_per_operation(pg_live: tuple[RunningServer, str]) -> None:
    srv, dsn = pg_live
    idp = srv.client()
    pool_id = idp.create_user_pool(PoolName="trips", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = make_client(idp, pool_id)["ClientId"]
    for n in range(BACKGROUND):
        idp.admin_create_user(UserPoolId=pool_id, Username=f"bg{n}", MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": f"bg{n}@example.com"}])  # fmt: skip
    make_user(idp, pool_id, "tess", email="tess@example.com")
    recorder = Recorder()
    _install(srv, recorder)
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "tess", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    srp = Srp(idp, pool_id, client_id, "tess")
    challenge: dict[str, Any] = {}

    def srp_initiate() -> None:
        challenge.update(srp.initiate())

    calls: dict[str, Callable[[], Any]] = {
        "InitiateAuth (USER_PASSWORD_AUTH)": lambda: idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "tess", "PASSWORD": PASSWORD},
        ),
        "InitiateAuth (USER_SRP_AUTH)": srp_initiate,
        "RespondToAuthChallenge (PASSWORD_VERIFIER)": lambda: srp.respond(challenge),
        "InitiateAuth (REFRESH_TOKEN_AUTH)": lambda: idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        ),
        "GetUser": lambda: idp.get_user(AccessToken=tokens["AccessToken"]),
        "UpdateUserAttributes": lambda: idp.update_user_attributes(
            AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "name", "Value": "Tess"}]
        ),
        "SignUp": lambda: idp.sign_up(
            ClientId=client_id,
            Username="newbie",
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": "newbie@example.com"}],
        ),
        "AdminCreateUser": lambda: idp.admin_create_user(
            UserPoolId=pool_id, Username="made", MessageAction="SUPPRESS"
        ),
        "AdminGetUser": lambda: idp.admin_get_user(UserPoolId=pool_id, Username="bg7"),
        "ListUsers (email filter)": lambda: idp.list_users(
            UserPoolId=pool_id, Filter='email = "bg42@example.com"'
        ),
        "ListUsers (page of 60)": lambda: idp.list_users(UserPoolId=pool_id, Limit=60),
        "DescribeUserPool": lambda: idp.describe_user_pool(UserPoolId=pool_id),
        "GlobalSignOut": lambda: idp.global_sign_out(AccessToken=tokens["AccessToken"]),
    }
    # Sign-ins forget expired refresh tokens on 1 in 16 issuances and SRP answers expired session markers
    # on 1 in 32 (auth/tokens.py, auth/sessions.py): repeated, their cheapest run is the usual cost.
    repeated = {
        "InitiateAuth (USER_PASSWORD_AUTH)": None,
        "RespondToAuthChallenge (PASSWORD_VERIFIER)": srp_initiate,
        "InitiateAuth (REFRESH_TOKEN_AUTH)": None,
    }
    measured: dict[str, tuple[int, int, list[str]]] = {}
    statements: dict[str, list[str]] = {}
    for name, call in calls.items():
        runs = []
        for attempt in range(3 if name in repeated else 1):
            prepare = repeated.get(name)
            if attempt and prepare is not None:
                prepare()
            recorder.sent.clear()
            recorder.on = True
            call()
            recorder.on = False
            runs.append(list(recorder.sent))
        sent = min(runs, key=len)
        if os.environ.get("TRIPS_DEBUG"):
            print("##", name, *(" ".join(q.split())[:160] for q, _ in sent), sep="\n   ")
        rows, scans = asyncio.run(_analyze(dsn, sent))
        measured[name] = (len(sent), rows, scans)
        statements[name] = [" ".join(sql.split()[:4]) for sql, _ in sent]
    report = "\n".join(
        f"| {name} | {trips} | {rows} | {', '.join(scans) or '-'} |"
        for name, (trips, rows, scans) in measured.items()
    )
    out = Path(os.environ.get("USERPOOLS_TRIPS_REPORT", "test-artifacts/round-trips.md"))
    out.parent.mkdir(exist_ok=True)
    out.write_text(
        "| Operation | Round trips | Rows read | Full scans |\n|---|---|---|---|\n" + report + "\n"
    )
    assert set(measured) == set(BUDGETS)
    over = {
        name: (trips, rows)
        for name, (trips, rows, _scans) in measured.items()
        if trips > BUDGETS[name][0] or rows > BUDGETS[name][1]
    }
    assert not over, f"more round trips or rows than budgeted (docs/scaling.md): {over} " + str(
        {name: statements[name] for name in over}
    )
    scans = {
        name: found for name, (_t, _r, found) in measured.items() if found != SCANS_ALLOWED.get(name, [])
    }
    assert not scans, f"statements that read whole tables: {scans}"
