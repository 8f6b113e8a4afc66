"""``--seed``: the example seed applied to a live server, then again (idempotency), then bad seeds."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import yaml

from userpools.app import create_app
from userpools.config import Settings
from userpools.seed import SeedError, apply_file, load
from userpools.testing import server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed.yaml"
POOL = "us-east-1_Example01"
WEB, BACKEND = "1example23456789abcdefghij", "2example23456789abcdefghij"


def snapshot(idp: Any) -> dict[str, Any]:
    """Everything the seed creates, as the API shows it (minus what changes by itself)."""
    pool = idp.describe_user_pool(UserPoolId=POOL)["UserPool"]
    users = {
        u: idp.admin_get_user(UserPoolId=POOL, Username=u) for u in ("alice@example.com", "bob@example.com")
    }
    for user in users.values():
        user.pop("ResponseMetadata")
    return {
        "pool": {k: pool[k] for k in ("Name", "CreationDate", "LastModifiedDate", "EstimatedNumberOfUsers")},
        "clients": sorted(
            (c["ClientId"], c["ClientName"])
            for c in idp.list_user_pool_clients(UserPoolId=POOL)["UserPoolClients"]
        ),
        "groups": [g["GroupName"] for g in idp.list_groups(UserPoolId=POOL)["Groups"]],
        "users": users,
        "alice_groups": [
            g["GroupName"]
            for g in idp.admin_list_groups_for_user(UserPoolId=POOL, Username="alice@example.com")["Groups"]
        ],
        "resource_servers": idp.list_resource_servers(UserPoolId=POOL, MaxResults=10)["ResourceServers"],
        "domain": idp.describe_user_pool_domain(Domain="example-app")["DomainDescription"],
    }


def test_example_seed_creates_everything_and_is_idempotent(tmp_path: Path) -> None:
    with server(seed=EXAMPLE, data_dir=tmp_path) as srv:
        idp = srv.client()
        first = snapshot(idp)
        pool = idp.describe_user_pool(UserPoolId=POOL)["UserPool"]
        assert pool["UsernameAttributes"] == ["email"]
        assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
        web = idp.describe_user_pool_client(UserPoolId=POOL, ClientId=WEB)["UserPoolClient"]
        assert "ClientSecret" not in web
        assert "ALLOW_USER_SRP_AUTH" in web["ExplicitAuthFlows"]
        backend = idp.describe_user_pool_client(UserPoolId=POOL, ClientId=BACKEND)["UserPoolClient"]
        assert backend["ClientSecret"] == "exampleserversecret0123456789abcdefghijklmnop"
        assert first["clients"] == [(WEB, "web"), (BACKEND, "backend")]
        assert sorted(first["groups"]) == ["admins", "readers"]
        assert sorted(first["alice_groups"]) == ["admins", "readers"]
        alice, bob = first["users"]["alice@example.com"], first["users"]["bob@example.com"]
        assert alice["UserStatus"] == "CONFIRMED" and bob["UserStatus"] == "FORCE_CHANGE_PASSWORD"
        attrs = {a["Name"]: a["Value"] for a in alice["UserAttributes"]}
        assert attrs["email_verified"] == "true" and attrs["given_name"] == "Alice"
        assert first["resource_servers"][0]["Identifier"] == "https://api.example.com"
        assert first["domain"]["UserPoolId"] == POOL
        assert first["pool"]["EstimatedNumberOfUsers"] == 2
        assert not srv.outbox.exists(), "seeding sends no messages"
    # Same seed, same database: nothing changes, nothing fails.
    with server(seed=EXAMPLE, data_dir=tmp_path) as srv:
        assert snapshot(srv.client()) == first


def test_applying_twice_reports_existing_objects(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, seed=EXAMPLE)
    app = create_app(settings)

    async def twice() -> tuple[Any, Any]:
        await app.state.database.start()
        try:
            first = await apply_file(EXAMPLE, app.state.services, app.state.database)
            second = await apply_file(EXAMPLE, app.state.services, app.state.database)
        finally:
            await app.state.database.close()
        return first, second

    first, second = asyncio.run(twice())
    assert "pool us-east-1_Example01" in first.created and f"client {BACKEND}" in first.created
    assert second.created == []
    assert sorted(second.existing) == sorted(first.created)


def test_a_seed_extended_later_adds_only_the_new_objects(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(data))
    with server(seed=seed, data_dir=tmp_path) as srv:
        before = snapshot(srv.client())
    data["UserPools"][0]["Groups"].append({"GroupName": "late"})
    data["UserPools"][0]["Users"][1]["Groups"] = ["late"]
    seed.write_text(json.dumps(data))
    with server(seed=seed, data_dir=tmp_path) as srv:
        after = snapshot(srv.client())
        groups = srv.client().admin_list_groups_for_user(UserPoolId=POOL, Username="bob@example.com")[
            "Groups"
        ]
    assert [g["GroupName"] for g in groups] == ["late"]
    assert sorted(after["groups"]) == ["admins", "late", "readers"]
    assert after["users"] == before["users"]


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"UserPools": [{"PoolName": "x"}]}, "'Id' is required"),
        ({"UserPools": [{"Id": "eu-west-1_abc", "PoolName": "x"}]}, "not a served region"),
        ({"UserPools": [{"Id": "us-east-1_abc", "PoolName": "bad name!"}]}, "at 'poolName'"),
        (
            {"UserPools": [{"Id": "us-east-1_abc", "PoolName": "x", "Clients": [{"ClientName": "c"}]}]},
            "'ClientId' is required",
        ),
        (
            {
                "UserPools": [
                    {"Id": "us-east-1_abc", "PoolName": "x", "Users": [{"Username": "u", "Pasword": "p"}]}
                ]
            },
            "a user has only the keys",
        ),
        (
            {
                "UserPools": [
                    {
                        "Id": "us-east-1_abc",
                        "PoolName": "x",
                        "Users": [{"Username": "u", "Password": "short"}],
                    }
                ]
            },
            "InvalidPasswordException",
        ),
        ({"Pools": []}, "unknown top-level keys"),
        ({"UserPools": [{"Id": "us-east-1_bad id", "PoolName": "x"}]}, "at 'userPoolId'"),
        (
            {
                "UserPools": [
                    {
                        "Id": "us-east-1_abc",
                        "PoolName": "x",
                        "Clients": [{"ClientId": "c1", "ClientSecret": "tooshort", "ClientName": "c"}],
                    }
                ]
            },
            "Value at 'clientSecret' failed to satisfy constraint: Member must have length greater than",
        ),
    ],
)
def test_bad_seeds_are_refused_and_write_nothing(tmp_path: Path, seed: dict[str, Any], message: str) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(seed))
    app = create_app(Settings(data_dir=tmp_path))

    async def attempt() -> str:
        await app.state.database.start()
        try:
            await apply_file(path, app.state.services, app.state.database)
        except SeedError as exc:
            return str(exc)
        finally:
            async with app.state.database.unit_of_work(write=False) as uow:
                assert await uow.pools.exists("us-east-1_abc") is False
            await app.state.database.close()
        return ""

    assert message in asyncio.run(attempt())


def test_load_reads_json_and_yaml(tmp_path: Path) -> None:
    copy = tmp_path / "seed.yml"
    shutil.copy(EXAMPLE, copy)
    assert load(copy)["UserPools"][0]["Id"] == POOL
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(SeedError, match="cannot read seed file"):
        load(broken)


PG_ADMIN = os.environ.get("USERPOOLS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


async def _pg(statement: str) -> None:
    import asyncpg  # type: ignore[import-untyped]

    conn = await asyncpg.connect(PG_ADMIN.replace("+asyncpg", ""))
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    name = f"userpools_seed_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_pg(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    yield PG_ADMIN.replace("+asyncpg", "").rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def test_two_nodes_seeding_one_postgresql_at_once(tmp_path: Path, pg_url: str) -> None:
    """Several stateless nodes may start together with the same seed: one creates, the others find."""
    managers = [server(seed=EXAMPLE, db=pg_url, data_dir=tmp_path / f"n{i}") for i in range(2)]
    with ThreadPoolExecutor(2) as pool, ExitStack() as stack:
        nodes = list(pool.map(lambda cm: cm.__enter__(), managers))
        for cm in managers:
            stack.push(cm.__exit__)
        first, second = (snapshot(n.client()) for n in nodes)
        assert first == second
        assert first["pool"]["EstimatedNumberOfUsers"] == 2
        assert len(first["clients"]) == 2


def test_a_pool_of_another_served_region(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("UserPools:\n  - {Id: eu-west-1_Europe1, PoolName: europe}\n")
    with server(seed=seed, data_dir=tmp_path, regions=("eu-west-1",)) as srv:
        pool = srv.client(region_name="eu-west-1").describe_user_pool(UserPoolId="eu-west-1_Europe1")[
            "UserPool"
        ]
        assert pool["Arn"] == "arn:aws:cognito-idp:eu-west-1:000000000000:userpool/eu-west-1_Europe1"
        assert srv.client().list_user_pools(MaxResults=10)["UserPools"] == []
