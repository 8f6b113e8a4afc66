"""Runs the real ``userpools`` command as a subprocess and waits until it answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from userpools.testing import free_port

USERPOOLS = str(Path(sys.executable).with_name("userpools"))


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("USERPOOLS_", "AWS_"))}
    return {**env, **extra}


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [USERPOOLS, *args],
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@contextmanager
def serving(*args: str, env: dict[str, str] | None = None, port: int | None = None) -> Iterator[str]:
    """``userpools serve ARGS`` on a free port (unless ARGS/env name one); yields its URL."""
    port = port or free_port()
    argv = [USERPOOLS, "serve", *args]
    if "--port" not in args and not (env and "USERPOOLS_PORT" in env):
        argv += ["--port", str(port)]
    proc = subprocess.Popen(
        argv, env=env or clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        _wait_listening(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _wait_listening(proc: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"userpools exited with {proc.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("userpools did not start listening within 30 s")


def client(url: str, region: str = "us-east-1", key: str = "AKIDCLI", secret: str = "cli-secret") -> Any:
    return boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1}),
    )
