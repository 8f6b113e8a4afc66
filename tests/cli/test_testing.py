"""``userpools.testing``: the pytest plugin (through pytester) and the ``server()`` context manager."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from userpools.ports import FakeClock
from userpools.testing import server

pytest_plugins = ["pytester"]


def test_plugin_fixtures_in_a_user_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_app="""
        def test_create_pool(cognito_idp, userpools_server):
            pool = cognito_idp.create_user_pool(PoolName="from-plugin")["UserPool"]
            assert pool["Id"].startswith("us-east-1_")
            assert userpools_server.url.startswith("http://127.0.0.1:")

        def test_same_server_for_the_session(cognito_idp):
            names = [p["Name"] for p in cognito_idp.list_user_pools(MaxResults=10)["UserPools"]]
            assert names == ["from-plugin"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_plugin_settings_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture(scope="session")
        def userpools_settings():
            return {"region": "eu-central-1", "account_id": "111122223333"}
        """
    )
    pytester.makepyfile(
        test_region="""
        def test_region(cognito_idp):
            pool = cognito_idp.create_user_pool(PoolName="p")["UserPool"]
            assert pool["Id"].startswith("eu-central-1_")
            assert ":111122223333:" in pool["Arn"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_server_context_manager_starts_and_stops() -> None:
    clock = FakeClock(1_750_000_000.0)
    with server(clock=clock) as srv:
        pool = srv.client().create_user_pool(PoolName="cm")["UserPool"]
        assert pool["CreationDate"].timestamp() == 1_750_000_000.0
        port = srv.settings.port
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_each_server_has_its_own_database() -> None:
    with server() as first, server() as second:
        first.client().create_user_pool(PoolName="only-in-first")
        assert second.client().list_user_pools(MaxResults=10)["UserPools"] == []
        assert first.url != second.url


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("UserPools:\n  - {Id: us-east-1_abc, PoolName: 'bad name!'}\n")
    expected = r"did not start: .*SeedError: .*UserPools\[0\]: 1 validation error"
    with pytest.raises(RuntimeError, match=expected), server(seed=seed):
        pass
