"""A tiny loopback server running the functions of trigger_functions.py for the trigger tests.

- ``POST /2015-03-31/functions/<name or ARN>/invocations``: the Lambda Invoke API (a function error answers
  200 with ``X-Amz-Function-Error: Unhandled``; an unknown function 404 ResourceNotFoundException). An
  ``X-Amz-Invocation-Type: Event`` invocation answers 202 with no body whatever the function does (it runs
  before the answer, so tests see its effects at once; real Lambda queues it).
- ``POST /http/<name>``: the plain HTTP backend (a function error answers 500 ``{"errorMessage": ...}``).

The function name is the ARN's, less a ``invoke-`` / ``http-`` prefix. ``triggers_server`` starts a
Userpools server wired to every function of trigger_functions.py through all three backends.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trigger_functions
from userpools.testing import RunningServer, server


def _function(name: str) -> Any:
    name = urllib.parse.unquote(name)
    if ":function:" in name:
        name = name.split(":function:", 1)[1].split(":", 1)[0]
    name = name.removeprefix("invoke-").removeprefix("http-")
    return getattr(trigger_functions, name, None)


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _queued(self) -> None:
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        event = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"null")
        parts = self.path.split("/")
        invoke = self.path.startswith("/2015-03-31/functions/") and self.path.endswith("/invocations")
        func = _function(parts[3] if invoke else parts[-1])
        if func is None:
            self._answer(404, {"Type": "User", "message": "Function not found"},
                         {"x-amzn-ErrorType": "ResourceNotFoundException"})  # fmt: skip
            return
        queued = invoke and self.headers.get("X-Amz-Invocation-Type") == "Event"
        try:
            args = (event, None) if len(inspect.signature(func).parameters) > 1 else (event,)
            result = asyncio.run(func(*args)) if inspect.iscoroutinefunction(func) else func(*args)
        except Exception as exc:
            if queued:
                self._queued()
                return
            error = {"errorMessage": str(exc), "errorType": type(exc).__name__}
            if invoke:
                self._answer(200, error, {"X-Amz-Function-Error": "Unhandled"})
            else:
                self._answer(500, error)
            return
        if queued:
            self._queued()
        else:
            self._answer(200, result)


@contextmanager
def trigger_server() -> Iterator[str]:
    """Serves on a free loopback port; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="trigger-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextmanager
def environment(**values: str) -> Iterator[None]:
    """Sets environment variables for the block, then restores them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def triggers_server(**settings: Any) -> Iterator[RunningServer]:
    """A Userpools server (file outboxes; ``settings`` added) reaching each function ``f`` of
    trigger_functions.py as ``py-f`` (in process), ``http-f`` (HTTP) and ``invoke-f`` (Lambda Invoke API)."""
    functions = [
        n for n, f in vars(trigger_functions).items() if inspect.isfunction(f) and not n.startswith("_")
    ]
    # The Invoke backend signs its requests: any credentials do for the loopback server.
    keys = environment(AWS_ACCESS_KEY_ID="AKIDTRIGGERS", AWS_SECRET_ACCESS_KEY="trigger-secret")
    with keys, trigger_server() as url:
        routes = [f"py-{f}=python:trigger_functions:{f}" for f in functions]
        routes += [f"http-{f}={url}/http/{f}" for f in functions]
        routes += ["py-missing=python:no_such_module:f", "http-closed=http://127.0.0.1:9/closed"]
        settings = {"email_sender": "file", "sms_sender": "file", **settings}
        with server(lambda_endpoint=url, triggers=",".join(routes), **settings) as srv:
            yield srv
