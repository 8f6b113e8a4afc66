"""Run a real Userpools server inside a test process.

    with userpools.testing.server() as srv:
        idp = srv.client()          # a boto3 cognito-idp client pointed at it
        idp.create_user_pool(PoolName="test")

The pytest plugin (``userpools.testing.plugin``, registered by entry point) offers the same as the
``userpools_server`` fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import tempfile
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from userpools.config import Settings
from userpools.ports import Clock, Random

T = TypeVar("T")
DUMMY_KEY = ("AKIDUSERPOOLSTEST", "userpools-test-secret")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    settings: Settings
    app: Any
    loop: asyncio.AbstractEventLoop | None = None

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Runs ``work`` on the server's event loop, where its store's connections live; its result."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def client(self, service: str = "cognito-idp", **kwargs: Any) -> Any:
        """A boto3 client for this server: the server's region, its first access key (or dummy ones)."""
        import boto3
        from botocore.config import Config

        keys = self.settings.access_keys
        key_id, secret = (keys[0].access_key_id, keys[0].secret_access_key) if keys else DUMMY_KEY
        kwargs.setdefault("region_name", self.settings.region)
        kwargs.setdefault("aws_access_key_id", key_id)
        kwargs.setdefault("aws_secret_access_key", secret)
        kwargs.setdefault("config", Config(retries={"total_max_attempts": 1, "mode": "standard"}))
        return boto3.client(service, endpoint_url=self.url, **kwargs)

    @property
    def outbox(self) -> Path:
        return self.settings.outbox


def _run(srv: Any) -> None:
    # uvicorn exits the process (SystemExit) when the app fails to start; here it ends the thread.
    with contextlib.suppress(SystemExit):
        srv.run()


class _StartupWatch:
    """Passes the app through, keeping the reason of a failed start (e.g. a bad seed) to report it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.failure = ""
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        self.loop = asyncio.get_running_loop()

        async def watched(message: Any) -> None:
            if message["type"] == "lifespan.startup.failed":
                lines = [line for line in str(message.get("message", "")).splitlines() if line.strip()]
                self.failure = lines[-1] if lines else "startup failed"
            await send(message)

        await self.app(scope, receive, watched)


@contextmanager
def server(
    *,
    clock: Clock | None = None,
    random: Random | None = None,
    data_dir: Path | None = None,
    **overrides: Any,
) -> Iterator[RunningServer]:
    """Starts Userpools on a free loopback port with a fresh database; stops it on exit."""
    import uvicorn

    from userpools.app import create_app
    from userpools.web.http_limits import uvicorn_options

    with tempfile.TemporaryDirectory(prefix="userpools-") as tmp:
        port = overrides.pop("port", None) or free_port()
        settings = Settings(host="127.0.0.1", port=port, data_dir=data_dir or Path(tmp), **overrides)
        app = create_app(settings, clock=clock, random=random)
        watch = _StartupWatch(app)
        config = uvicorn.Config(
            watch,
            host=settings.host,
            port=port,
            log_level="warning",
            lifespan="on",
            access_log=False,
            **uvicorn_options(settings),
        )
        srv = uvicorn.Server(config)
        thread = threading.Thread(target=_run, args=(srv,), name=f"userpools-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"userpools test server did not start: {watch.failure or 'timeout'}")
            time.sleep(0.01)
        try:
            yield RunningServer(url=f"http://127.0.0.1:{port}", settings=settings, app=app, loop=watch.loop)
        finally:
            srv.should_exit = True
            thread.join(timeout=10)
