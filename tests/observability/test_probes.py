"""/health, /ready and /metrics on a live server, and the store's readiness check on both stores."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError
from sqlalchemy import text

from pg_support import pg_create, pg_drop, store_server
from trigger_server import triggers_server
from userpools.store import migrate
from userpools.store.database import Database
from userpools.testing import RunningServer

PASSWORD = "Obs3rvable-Pass!"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:"


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name + ("{" + wanted + "}" if wanted else "")) + r" (\S+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def scrape(live: RunningServer, **headers: str) -> httpx.Response:
    return httpx.get(f"{live.url}/metrics", headers=headers)


def sign_in_pool(idp: Any) -> tuple[str, str]:
    pool_id = idp.create_user_pool(PoolName=f"obs{uuid.uuid4().hex[:8]}")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="obs", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="olga", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="olga", Password=PASSWORD, Permanent=True)
    return pool_id, client_id


def test_health_and_ready(live: RunningServer) -> None:
    assert httpx.get(f"{live.url}/health").json() == {"status": "ok"}
    ready = httpx.get(f"{live.url}/ready")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_metrics_count_requests_errors_latency_and_sign_ins(live: RunningServer, idp: Any) -> None:
    pool_id, client_id = sign_in_pool(idp)
    before = scrape(live).text
    for password in (PASSWORD, PASSWORD, "wrong-Pass1!"):
        try:
            idp.initiate_auth(
                ClientId=client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": "olga", "PASSWORD": password},
            )
        except ClientError as err:
            assert err.response["Error"]["Code"] == "NotAuthorizedException"
    after = scrape(live)
    assert after.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = after.text

    def delta(name: str, **labels: str) -> float:
        return metric(text, name, **labels) - metric(before, name, **labels)

    assert delta("userpools_requests_total", operation="InitiateAuth", outcome="ok") == 2
    assert delta("userpools_requests_total", operation="InitiateAuth", outcome="NotAuthorizedException") == 1
    assert delta("userpools_sign_ins_total", outcome="tokens") == 2
    assert delta("userpools_sign_ins_total", outcome="NotAuthorizedException") == 1
    assert delta("userpools_request_duration_seconds_count", operation="InitiateAuth") == 3
    assert delta("userpools_request_duration_seconds_bucket", operation="InitiateAuth", le="+Inf") == 3
    assert delta("userpools_request_duration_seconds_sum", operation="InitiateAuth") > 0
    # Buckets are cumulative: each bound counts at least what the one below it counts.
    counts = [
        float(v)
        for v in re.findall(
            r'^userpools_request_duration_seconds_bucket\{operation="InitiateAuth",le="[^"]+"\} (\S+)$',
            text,
            re.MULTILINE,
        )
    ]
    assert counts == sorted(counts) and len(counts) == 14
    assert pool_id not in text  # labels stay bounded: no pool ids, users or clients


def test_metrics_bearer_token() -> None:
    with store_server(metrics_token="s3cret-scrape") as srv:
        assert scrape(srv).status_code == 401
        assert scrape(srv, authorization="Bearer wrong").status_code == 401
        good = scrape(srv, authorization="Bearer s3cret-scrape")
        assert good.status_code == 200 and "# TYPE userpools_requests_total counter" in good.text


async def test_readiness_reports_a_store_behind_on_migrations(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'ready.db'}")
    await database.start()
    try:
        assert await database.readiness() is None
        async with database.unit_of_work(write=True) as uow:
            await uow.conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
        problem = await database.readiness()
        assert problem is not None and "store at migration 0000" in problem
    finally:
        await database.close()


async def test_readiness_follows_postgresql_going_away_and_coming_back() -> None:
    name = f"userpools_ready_{uuid.uuid4().hex[:10]}"
    try:
        url = await pg_create(name)
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    database = Database(url)
    await database.start()
    try:
        assert await database.readiness() is None
        await pg_drop(name)  # terminates the pool's connections; the database is gone
        problem = await database.readiness()
        assert problem is not None and problem.startswith("store unreachable")
        await pg_create(name)  # back, but empty: reachable, not migrated
        problem = await database.readiness()
        for _ in range(20):  # the pool replaces its broken connections by itself
            if problem is None or not problem.startswith("store unreachable"):
                break
            await asyncio.sleep(0.1)
            problem = await database.readiness()
        assert problem == f"store not migrated: this version needs migration {migrate.head()}"
    finally:
        await database.close()
        await pg_drop(name)


def test_metrics_count_messages_and_trigger_invocations() -> None:
    with triggers_server() as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(
            PoolName="obs-triggers",
            AutoVerifiedAttributes=["email"],
            LambdaConfig={"PreSignUp": f"{FUNCTION}py-refuse"},
        )["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")["UserPoolClient"][
            "ClientId"
        ]
        plain_pool = idp.create_user_pool(PoolName="obs-plain")["UserPool"]["Id"]
        idp.admin_create_user(
            UserPoolId=plain_pool,
            Username="invited",
            UserAttributes=[{"Name": "email", "Value": "invited@example.com"}],
            DesiredDeliveryMediums=["EMAIL"],
        )
        with pytest.raises(ClientError) as refused:
            idp.sign_up(ClientId=client_id, Username="walt", Password=PASSWORD)
        assert refused.value.response["Error"]["Code"] == "UserLambdaValidationException"
        text = scrape(srv).text
    assert metric(text, "userpools_messages_total", channel="email", outcome="sent") == 1
    assert metric(text, "userpools_trigger_invocations_total", trigger="PreSignUp", outcome="failed") == 1
    assert metric(text, "userpools_trigger_invocations_total", trigger="PreSignUp", outcome="ok") == 0
