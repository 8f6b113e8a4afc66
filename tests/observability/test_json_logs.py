"""``userpools serve --log-format json``: every line a JSON object, one per request with its id, operation,
pool and outcome, and never a password, code, token or secret anywhere in the output."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from userpools.adapters.outbox import read_outbox

USERPOOLS = str(Path(sys.executable).with_name("userpools"))
PASSWORD = "Never-1n-Logs!"
WRONG = "Wr0ng-but-secret!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "userpools exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("userpools did not start")


def _exercise(url: str, outbox: Path) -> list[str]:
    """Sign-up, confirmation, sign-in, GetUser and a wrong password; returns every secret it handled."""
    idp: Any = boto3.client(
        "cognito-idp", endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIDLOGS",
        aws_secret_access_key="logs-secret", config=Config(retries={"total_max_attempts": 1}),
    )  # fmt: skip
    pool_id = idp.create_user_pool(PoolName="logs", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
    )["UserPoolClient"]

    def secret_hash(username: str) -> str:
        mac = hmac.new(
            client["ClientSecret"].encode(), (username + client["ClientId"]).encode(), hashlib.sha256
        )
        return base64.b64encode(mac.digest()).decode()

    idp.sign_up(
        ClientId=client["ClientId"], SecretHash=secret_hash("lena"), Username="lena", Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "lena@example.com"}],
    )  # fmt: skip
    body = str(read_outbox(outbox, "lena")[-1]["body"])
    code = re.findall(r"\b\d{6}\b", body)[-1]
    idp.confirm_sign_up(
        ClientId=client["ClientId"], SecretHash=secret_hash("lena"), Username="lena", ConfirmationCode=code
    )
    result = idp.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "lena", "PASSWORD": PASSWORD, "SECRET_HASH": secret_hash("lena")},
    )["AuthenticationResult"]  # fmt: skip
    idp.get_user(AccessToken=result["AccessToken"])
    try:
        idp.initiate_auth(
            ClientId=client["ClientId"], AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "lena", "PASSWORD": WRONG, "SECRET_HASH": secret_hash("lena")},
        )  # fmt: skip
    except ClientError as err:
        assert err.response["Error"]["Code"] == "NotAuthorizedException"
    secrets = [PASSWORD, WRONG, code, client["ClientSecret"], secret_hash("lena")]
    secrets += [result["AccessToken"], result["IdToken"], result["RefreshToken"]]
    # A token's signature alone is as telling as the whole token.
    secrets += [result["AccessToken"].rsplit(".", 1)[1], result["RefreshToken"][:40]]
    return [pool_id, *secrets]


def test_json_request_lines_and_no_secrets(tmp_path: Path) -> None:
    port = _free_port()
    log_file = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("USERPOOLS_", "AWS_"))}
    env.update(USERPOOLS_EMAIL_SENDER="file", USERPOOLS_LOG_FORMAT="json")
    with log_file.open("wb") as out:
        proc = subprocess.Popen(
            [USERPOOLS, "serve", "--port", str(port), "--data-dir", str(tmp_path)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait(port, proc)
            pool_id, *secrets = _exercise(f"http://127.0.0.1:{port}", tmp_path / "outbox.jsonl")
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    text = log_file.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    requests = [line for line in lines if line["message"] == "request"]
    by_operation = {(r["operation"], r["outcome"]) for r in requests}
    assert {
        ("SignUp", "ok"),
        ("ConfirmSignUp", "ok"),
        ("InitiateAuth", "ok"),
        ("GetUser", "ok"),
    } <= by_operation
    assert ("InitiateAuth", "NotAuthorizedException") in by_operation
    create = next(r for r in requests if r["operation"] == "CreateUserPoolClient")
    assert create["pool"] == pool_id and len(create["request_id"]) == 36 and create["duration_ms"] > 0
    for secret in secrets:
        assert secret not in text
