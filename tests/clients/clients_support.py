"""Helpers for the client-library tests (no tests here): the Node scripts, app clients, codes, tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from userpools.testing import RunningServer

JS_DIR = Path(__file__).parent / "js"
NODE_TIMEOUT = 60.0  # a whole plan; one step takes well under a second
PASSWORD = "Corr3ct-Horse!"
_names = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix}{os.getpid()}n{next(_names)}"


def node_problem() -> str:
    """Why the Node clients can't run here ("" when they can)."""
    if shutil.which("node") is None:
        return "Node.js (20+) is not installed"
    if not (JS_DIR / "node_modules" / ".package-lock.json").exists():
        return "tests/clients/js/node_modules is missing: run `make install` (npm ci in tests/clients/js)"
    return ""


@dataclass
class Outcome:
    """What one run of a Node script reported (see tests/clients/js/lib.js)."""

    script: str
    steps: list[dict[str, Any]]
    report: dict[str, Any]
    stderr: str
    returncode: int
    results: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.results = list(self.report.get("results", []))

    @property
    def ok(self) -> bool:
        return bool(self.report.get("ok")) and self.returncode == 0

    def result(self, op: str, nth: int = -1) -> Any:
        """The result of the (last, by default) step named ``op``."""
        matching = [r for r in self.results if r["op"] == op]
        assert matching, f"no step {op} ran: {self.describe()}"
        item = matching[nth]
        assert "error" not in item, f"step {op} failed: {item['error']}"
        return item["result"]

    def error(self, op: str) -> dict[str, Any]:
        """The error of the (last) step named ``op``, which ran with allow_error."""
        matching = [r for r in self.results if r["op"] == op]
        assert matching and "error" in matching[-1], f"step {op} did not fail: {self.describe()}"
        return dict(matching[-1]["error"])

    def calls_to(self, operation: str) -> list[dict[str, Any]]:
        return [c for c in self.report.get("calls", []) if c.get("operation") == operation]

    def describe(self) -> str:
        """The failing step, its error and the server exchanges that led to it, for an assertion message."""
        failed = self.report.get("failed")
        lines = [f"node {self.script} (exit {self.returncode})"]
        if failed:
            lines.append(f"failed step #{failed['index']} {failed['op']}: {json.dumps(failed['error'])}")
        for call in self.report.get("calls", [])[-4:]:
            lines.append(
                f"  {call.get('operation') or call.get('url')} -> {call.get('status')} "
                f"{call.get('error_type') or ''}\n    request:  {_clip(call.get('request'))}\n"
                f"    response: {_clip(call.get('response') or call.get('network_error'))}"
            )
        if self.stderr.strip():
            lines.append("stderr: " + self.stderr.strip()[-1500:])
        return "\n".join(lines)


def _clip(value: Any, limit: int = 700) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + "..."


def run_node(script: str, steps: list[dict[str, Any]], env: dict[str, str]) -> Outcome:
    """Runs one plan of ``script`` (a file in tests/clients/js) with UP_* settings from ``env``."""
    full_env = {**os.environ, **env}
    proc = subprocess.run(
        ["node", str(JS_DIR / script), json.dumps(steps)],
        cwd=JS_DIR,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        report = json.loads(lines[-1]) if lines else {}
    except json.JSONDecodeError:
        report = {"ok": False, "failed": {"index": -1, "op": "output", "error": {"message": proc.stdout}}}
    return Outcome(script, steps, report, proc.stderr, proc.returncode)


@dataclass
class NodeClient:
    """One app's view: a Node script bound to a pool, an app client and a token storage file."""

    script: str
    live: RunningServer
    pool_id: str
    client_id: str
    storage: Path

    def env(self) -> dict[str, str]:
        return {
            "UP_ENDPOINT": self.live.url,
            "UP_POOL_ID": self.pool_id,
            "UP_CLIENT_ID": self.client_id,
            "UP_STORAGE": str(self.storage),
        }

    def run(self, *steps: dict[str, Any]) -> Outcome:
        return run_node(self.script, list(steps), self.env())

    def must(self, *steps: dict[str, Any]) -> Outcome:
        """Runs the steps and fails the test, naming the client call that failed and why, unless all pass."""
        outcome = self.run(*steps)
        assert outcome.ok, outcome.describe()
        return outcome

    def stored(self) -> dict[str, str]:
        """The library's own token storage (localStorage-like keys)."""
        if not self.storage.exists():
            return {}
        return dict(json.loads(self.storage.read_text(encoding="utf-8") or "{}"))


NodeFactory = Callable[..., NodeClient]  # (pool_id, client_id, name="app") -> NodeClient


def step(op: str, **args: Any) -> dict[str, Any]:
    return {"op": op, **args}


def make_client(idp: Any, pool_id: str, **settings: Any) -> dict[str, Any]:
    settings.setdefault("ClientName", unique("app"))
    return dict(idp.create_user_pool_client(UserPoolId=pool_id, **settings)["UserPoolClient"])


def make_pool(idp: Any, **settings: Any) -> str:
    return str(idp.create_user_pool(PoolName=unique("clients"), **settings)["UserPool"]["Id"])


def confirmed_user(idp: Any, pool_id: str, username: str, password: str = PASSWORD, **attrs: str) -> None:
    """A CONFIRMED user with a permanent password (AdminCreateUser + AdminSetUserPassword)."""
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attrs.items()],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def messages(live: RunningServer, pool_id: str, username: str) -> list[dict[str, Any]]:
    if not live.outbox.exists():
        return []
    out = []
    for line in live.outbox.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if item["pool_id"] == pool_id and username in (item["username"], item["destination"]):
                out.append(item)
    return out


def wait_code(live: RunningServer, pool_id: str, username: str, seen: int = 0, timeout: float = 5.0) -> str:
    """The code in the first message to ``username`` after the ``seen`` earlier ones.

    Messages go out after the commit, so the file may get the line a moment after the response."""
    deadline = time.monotonic() + timeout
    while True:
        found = messages(live, pool_id, username)[seen:]
        if found:
            match = re.search(r"\b(\d{6})\b", found[0]["body"])
            assert match, f"no 6-digit code in {found[0]}"
            return match.group(1)
        assert time.monotonic() < deadline, f"no message to {username} in {live.outbox} after {seen} earlier"
        time.sleep(0.05)


def error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__))
