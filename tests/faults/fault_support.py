"""Helpers for the fault tests: a ``userpools serve`` process that can be SIGKILLed, boto3 clients with short
timeouts and no retries, fresh PostgreSQL databases, and timing of concurrent calls."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import httpx
from botocore.config import Config

from userpools.testing import free_port

USERPOOLS = str(Path(sys.executable).with_name("userpools"))
PASSWORD = "Crash-safe-0!"


class Serve:
    """One ``userpools serve`` process on ``db``; ``kill()`` ends it with SIGKILL (no shutdown code runs)."""

    def __init__(self, db: str, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("USERPOOLS_", "AWS_"))}
        argv = [USERPOOLS, "serve", "--db", db, "--data-dir", str(data_dir), "--port", str(self.port)]
        self.log = (data_dir / f"serve-{self.port}.log").open("wb")
        self.proc = subprocess.Popen(argv, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"userpools exited with {self.proc.returncode}: {self.output()}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("userpools did not become ready within 30 s")

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        self.proc.kill()  # SIGKILL
        self.proc.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def cognito(url: str, timeout: float = 15) -> Any:
    """A boto3 client that tries once and gives up after ``timeout`` seconds (loopback auth: any keys).

    ``total_max_attempts``: botocore reads ``max_attempts`` as retries, so 1 there means two attempts, and
    a 500 the test must see would be retried away."""
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=timeout, read_timeout=timeout
    )
    return boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDFAULTS",
        aws_secret_access_key="faults-secret",
        config=config,
    )


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``call`` took, and what it returned or raised."""
    started = time.perf_counter()
    try:
        outcome: Any = call()
    except Exception as exc:  # the caller inspects what was raised
        outcome = exc
    return time.perf_counter() - started, outcome


FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def app_client(idp: Any, pool_id: str, **settings: Any) -> str:
    """A new app client (password sign-in allowed, ``settings`` added); its id."""
    created = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=FLOWS, **settings
    )
    return str(created["UserPoolClient"]["ClientId"])


def user_with_password(idp: Any, pool_id: str, username: str) -> None:
    """A CONFIRMED user ``username`` whose password is PASSWORD."""
    idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)
