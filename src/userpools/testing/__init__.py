"""Run a real Userpools server inside a test process.

    with userpools.testing.server() as srv:
        idp = srv.client()          # a boto3 cognito-idp client pointed at it
        idp.create_user_pool(PoolName="test")

The pytest plugin (``userpools.testing.plugin``, registered by entry point) offers the same as the
``userpools_server`` fixture.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from userpools.config import Settings
from userpools.ports import Clock, Random

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

    def client(self, service: str = "cognito-idp", **kwargs: Any) -> Any:
        """A boto3 client for this server (dummy credentials, the server's region)."""
        import boto3
        from botocore.config import Config

        kwargs.setdefault("region_name", self.settings.region)
        kwargs.setdefault("aws_access_key_id", DUMMY_KEY[0])
        kwargs.setdefault("aws_secret_access_key", DUMMY_KEY[1])
        kwargs.setdefault("config", Config(retries={"max_attempts": 1, "mode": "standard"}))
        return boto3.client(service, endpoint_url=self.url, **kwargs)

    @property
    def outbox(self) -> Path:
        return self.settings.outbox


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

    with tempfile.TemporaryDirectory(prefix="userpools-") as tmp:
        port = overrides.pop("port", None) or free_port()
        settings = Settings(host="127.0.0.1", port=port, data_dir=data_dir or Path(tmp), **overrides)
        app = create_app(settings, clock=clock, random=random)
        config = uvicorn.Config(
            app, host=settings.host, port=port, log_level="warning", lifespan="on", access_log=False
        )
        srv = uvicorn.Server(config)
        thread = threading.Thread(target=srv.run, name=f"userpools-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not srv.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("userpools test server did not start")
            time.sleep(0.01)
        try:
            yield RunningServer(url=f"http://127.0.0.1:{port}", settings=settings, app=app)
        finally:
            srv.should_exit = True
            thread.join(timeout=10)
