"""Helpers of the multi-node tests (no tests here): ``userpools serve`` processes and a round-robin client.

Each node is a real ``userpools serve`` process (the installed command) on a loopback port; nodes of one
cluster share a store and a master key. ``RoundRobin`` sends each call to the next node, so every flow of
several calls (SRP, MFA, device SRP, ...) continues on a node other than the one that started it.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import re
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
from userpools.testing import DUMMY_KEY, free_port

# The SRP and device helpers of the API tests drive flows through any object with boto3's methods.
sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
sys.path.insert(0, str(Path(__file__).parents[1] / "oauth2"))

USERPOOLS = Path(sys.executable).with_name("userpools")
START_TIMEOUT = 60.0


class Node:
    """One ``userpools serve`` process."""

    def __init__(self, db: str, data_dir: Path, env: dict[str, str], workers: int = 1) -> None:
        self.db, self.data_dir, self.env, self.workers = db, data_dir, env, workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = data_dir / f"node-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(USERPOOLS), "serve", "--port", str(self.port), "--db", self.db]
        command += ["--data-dir", str(self.data_dir), "--log-level", "warning"]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            try:
                if httpx.get(f"{self.url}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"node {self.url} did not become ready: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def client(self) -> Any:
        return boto3.client(
            "cognito-idp",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=DUMMY_KEY[0],
            aws_secret_access_key=DUMMY_KEY[1],
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}, max_pool_connections=50),
        )


@contextmanager
def fresh_pg(purpose: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database, dropped afterwards (skips the test without PostgreSQL)."""
    name = f"userpools_{purpose}_{uuid.uuid4().hex[:12]}"
    try:
        url = asyncio.run(pg_create(name))
    except OSError as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc}")
    try:
        yield url
    finally:
        asyncio.run(pg_drop(name))


def node_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of every node of one cluster: one master key, the file senders."""
    key_file = data_dir / "cluster.key"
    if not key_file.exists():
        key_file.write_text(base64.b64encode(os.urandom(32)).decode())
    env = {k: v for k, v in os.environ.items() if not k.startswith("USERPOOLS_")}
    env.update(
        USERPOOLS_MASTER_KEY=key_file.read_text(),
        USERPOOLS_EMAIL_SENDER="file",
        USERPOOLS_SMS_SENDER="file",
        **extra,
    )
    return env


@contextmanager
def cluster(db: str, data_dir: Path, count: int, workers: int = 1, **env: str) -> Iterator[list[Node]]:
    nodes = [Node(db, data_dir, node_env(data_dir, **env), workers) for _ in range(count)]
    try:
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
        yield nodes
    finally:
        for node in nodes:
            node.stop()


def restart(nodes: list[Node]) -> None:
    for node in nodes:
        node.stop()
    for node in nodes:
        node.start()
    for node in nodes:
        node.wait_ready()


class RoundRobin:
    """A boto3 cognito-idp client that sends each call to the next node."""

    def __init__(self, nodes: list[Node]) -> None:
        self.clients = [node.client() for node in nodes]
        self.exceptions = self.clients[0].exceptions
        self._next = itertools.cycle(range(len(self.clients)))
        self.served: list[int] = []  # which node answered each call, in order

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def call(**kwargs: Any) -> Any:
            index = next(self._next)
            self.served.append(index)
            return getattr(self.clients[index], name)(**kwargs)

        return call


def outbox_code(data_dir: Path, username: str) -> str:
    """The code in the latest message to ``username`` in the cluster's shared outbox file."""
    lines = (data_dir / "outbox.jsonl").read_text(encoding="utf-8").splitlines()
    sent = [json.loads(line) for line in lines if line.strip()]
    return str(re.findall(r"\d{6}", [m for m in sent if m["username"] == username][-1]["body"])[-1])
