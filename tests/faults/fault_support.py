"""Helpers for the fault tests: a ``userpools serve`` process that can be SIGKILLed, boto3 clients with short
timeouts and no retries, fresh PostgreSQL databases, and timing of concurrent calls."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config

from pg_support import pg_create, pg_drop
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
    """A boto3 client that tries once and gives up after ``timeout`` seconds (loopback auth: any keys)."""
    config = Config(
        retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=timeout, read_timeout=timeout
    )
    return boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="AKIDFAULTS",
        aws_secret_access_key="faults-secret",
        config=config,
    )


@contextmanager
def fresh_pg_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database (dropped afterwards); its ``postgresql+asyncpg://`` URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        url = asyncio.run(pg_create(name))
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url
    finally:
        asyncio.run(pg_drop(name))


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``call`` took, and what it returned or raised."""
    started = time.perf_counter()
    try:
        outcome: Any = call()
    except Exception as exc:  # the caller inspects what was raised
        outcome = exc
    return time.perf_counter() - started, outcome
