"""``userpools serve``: flags, USERPOOLS_* variables and auth modes, through the real command."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from cli_support import clean_env, client, run_cli, serving

from userpools.testing import free_port


def test_flags(tmp_path: Path) -> None:
    db = tmp_path / "flags.db"
    args = ["--host", "127.0.0.1", "--db", str(db), "--region", "eu-west-1,us-east-1"]
    args += ["--account-id", "123456789012", "--public-url", "https://auth.example.com"]
    args += ["--data-dir", str(tmp_path / "data"), "--auth", "local", "--log-level", "warning"]
    with serving(*args) as url:
        pool = client(url, region="eu-west-1").create_user_pool(PoolName="flags")["UserPool"]
        assert pool["Id"].startswith("eu-west-1_")
        assert pool["Arn"] == f"arn:aws:cognito-idp:eu-west-1:123456789012:userpool/{pool['Id']}"
        other = client(url, region="us-east-1").create_user_pool(PoolName="second")["UserPool"]
        assert other["Id"].startswith("us-east-1_")
        with pytest.raises(ClientError) as err:
            client(url, region="ap-south-1").list_user_pools(MaxResults=1)
        assert err.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert db.exists()
    # The data survives a restart; a pool of a region no longer served is not found.
    with serving("--db", str(db), "--region", "eu-west-1") as url:
        idp = client(url, "eu-west-1")
        names = [p["Name"] for p in idp.list_user_pools(MaxResults=10)["UserPools"]]
        assert names == ["flags"]
        with pytest.raises(ClientError) as err:
            idp.describe_user_pool(UserPoolId=other["Id"])
        assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_environment_variables(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(
        USERPOOLS_PORT=str(port), USERPOOLS_DATA_DIR=str(tmp_path), USERPOOLS_REGION="ca-central-1"
    )
    with serving(env=env, port=port) as url:
        pool = client(url, region="ca-central-1").create_user_pool(PoolName="env")["UserPool"]
        assert pool["Id"].startswith("ca-central-1_")
    assert (tmp_path / "userpools.db").exists()


def test_non_loopback_without_keys_refuses_to_start(tmp_path: Path) -> None:
    result = run_cli("serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path), timeout=20)
    assert result.returncode == 2
    assert "refusing to listen on 0.0.0.0 without access keys" in result.stderr
    assert "--auth local" in result.stderr
    assert not (tmp_path / "userpools.db").exists()


def test_strict_mode_checks_signatures(tmp_path: Path) -> None:
    env = clean_env(USERPOOLS_ACCESS_KEYS="AKIDGOOD:good-secret")
    with serving("--auth", "strict", "--data-dir", str(tmp_path), env=env) as url:
        good = client(url, key="AKIDGOOD", secret="good-secret")
        assert good.list_user_pools(MaxResults=5)["UserPools"] == []
        for key, secret, code in (
            ("AKIDGOOD", "bad-secret", "InvalidSignatureException"),
            ("AKIDOTHER", "good-secret", "UnrecognizedClientException"),
        ):
            with pytest.raises(ClientError) as err:
                client(url, key=key, secret=secret).list_user_pools(MaxResults=5)
            assert err.value.response["Error"]["Code"] == code


def test_strict_mode_without_keys_refuses_to_start(tmp_path: Path) -> None:
    result = run_cli("serve", "--auth", "strict", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "USERPOOLS_ACCESS_KEYS" in result.stderr


def test_a_bad_seed_stops_the_server_with_the_reason(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text("UserPools:\n  - {Id: us-east-1_abc, PoolName: 'bad name!'}\n")
    result = run_cli("serve", "--seed", str(seed), "--data-dir", str(tmp_path), "--port", str(free_port()))
    assert result.returncode != 0
    assert "UserPools[0]: 1 validation error detected" in result.stdout + result.stderr
    unreadable = tmp_path / "missing.yaml"
    result = run_cli("serve", "--seed", str(unreadable), "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert f"cannot read seed file {unreadable}" in result.stderr


def test_seed_flag(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text('{"UserPools": [{"Id": "us-east-1_Seeded1", "PoolName": "seeded"}]}')
    for _ in range(2):  # the second start finds everything in place
        with serving("--seed", str(seed), "--data-dir", str(tmp_path)) as url:
            pools = client(url).list_user_pools(MaxResults=10)["UserPools"]
            assert [(p["Id"], p["Name"]) for p in pools] == [("us-east-1_Seeded1", "seeded")]
