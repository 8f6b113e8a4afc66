"""The AWS CLI, unchanged, against a live server (--endpoint-url, dummy credentials)."""

from __future__ import annotations

import os
import subprocess
from typing import Any

from awscli_support import AWS, aws
from userpools.testing import RunningServer


def test_pool_client_user_round_trip(live: RunningServer) -> None:
    pool = aws(live, "create-user-pool", "--pool-name", "cli-pool")["UserPool"]
    pool_id = pool["Id"]
    client = aws(
        live, "create-user-pool-client", "--user-pool-id", pool_id, "--client-name", "cli-client",
        "--explicit-auth-flows", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH",
    )["UserPoolClient"]  # fmt: skip
    user = aws(
        live, "admin-create-user", "--user-pool-id", pool_id, "--username", "cli-user",
        "--user-attributes", "Name=email,Value=cli@example.com", "--message-action", "SUPPRESS",
    )["User"]  # fmt: skip
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"

    # MaxResults is required, and giving it turns the CLI's own paging off: walk the pages with
    # NextToken (this server holds other tests' pools too).
    pools: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        more = ["--next-token", token] if token else []
        page = aws(live, "list-user-pools", "--max-results", "60", *more)
        pools += page["UserPools"]
        token = page.get("NextToken")
        if not token:
            break
    assert pool_id in [p["Id"] for p in pools]
    clients = aws(live, "list-user-pool-clients", "--user-pool-id", pool_id)["UserPoolClients"]
    assert [(c["ClientId"], c["ClientName"]) for c in clients] == [(client["ClientId"], "cli-client")]
    users = aws(live, "list-users", "--user-pool-id", pool_id)["Users"]
    assert [u["Username"] for u in users] == ["cli-user"]
    attrs = {a["Name"]: a["Value"] for a in users[0]["Attributes"]}
    assert attrs["email"] == "cli@example.com"


def test_cli_reports_service_errors(live: RunningServer) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_CONFIG_FILE": "/dev/null"}
    result = subprocess.run(
        [AWS, "cognito-idp", "describe-user-pool", "--user-pool-id", "us-east-1_missing0",
         "--endpoint-url", live.url, "--region", "us-east-1"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ResourceNotFoundException" in result.stderr
    assert "User pool us-east-1_missing0 does not exist." in result.stderr
