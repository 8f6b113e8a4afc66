"""``userpools serve --workers 2`` on SQLite and on PostgreSQL: concurrent sign-ups and sign-ins through
both worker processes, with no errors and one consistent view of the store."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from nodes_support import Node, cluster, fresh_pg
from test_auth_support import PASSWORD, make_client, make_pool

USERS = 24


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "shared.db")
        return
    with fresh_pg("workers") as url:
        yield url


def test_two_workers_sign_up_and_sign_in_concurrently(db: str, tmp_path: Path) -> None:
    with cluster(db, tmp_path, 1, workers=2) as (node,):
        clients = [node.client() for _ in range(8)]
        idp = clients[0]
        pool_id = make_pool(idp)
        client_id = make_client(idp, pool_id)["ClientId"]

        def sign_up_and_in(i: int) -> str:
            client = clients[i % len(clients)]
            name = f"user{i}"
            client.sign_up(ClientId=client_id, Username=name, Password=PASSWORD)
            client.admin_confirm_sign_up(UserPoolId=pool_id, Username=name)
            auth = {"USERNAME": name, "PASSWORD": PASSWORD}
            result = client.initiate_auth(
                ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters=auth
            )
            return str(client.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])["Username"])

        with ThreadPoolExecutor(8) as pool:
            assert sorted(pool.map(sign_up_and_in, range(USERS))) == sorted(f"user{i}" for i in range(USERS))
        listed = idp.list_users(UserPoolId=pool_id, Limit=60)["Users"]
        assert len(listed) == USERS and {u["UserStatus"] for u in listed} == {"CONFIRMED"}
        assert_pool_changes_seen_by_every_worker(node, pool_id)


def assert_pool_changes_seen_by_every_worker(node: Node, pool_id: str) -> None:
    """No worker serves a pool document cached before another worker changed it (store/pool_cache.py)."""
    clients = [node.client() for _ in range(8)]  # new connections land on either worker

    def policy(i: int) -> int:
        pool = clients[i % len(clients)].describe_user_pool(UserPoolId=pool_id)["UserPool"]
        return int(pool["Policies"]["PasswordPolicy"]["MinimumLength"])

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(policy, range(32))) == {8}
    clients[0].update_user_pool(UserPoolId=pool_id, Policies={"PasswordPolicy": {"MinimumLength": 12}})
    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(policy, range(32))) == {12}
