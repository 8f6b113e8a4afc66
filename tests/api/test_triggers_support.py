"""Fixtures of the trigger tests: a server wired to trigger_functions.py through all three backends."""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import trigger_functions
from trigger_server import trigger_server
from userpools.testing import RunningServer, server

BACKENDS = ("py", "http", "invoke")
_names = itertools.count()


def arn(backend: str, function: str) -> str:
    """The ARN that reaches ``function`` of trigger_functions.py through ``backend`` (py | http | invoke)."""
    return f"arn:aws:lambda:us-east-1:000000000000:function:{backend}-{function}"


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
def wired_server(**settings: Any) -> Iterator[RunningServer]:
    """A Userpools server whose functions are trigger_functions.py's, through all three backends."""
    functions = [
        n for n, f in vars(trigger_functions).items() if inspect.isfunction(f) and not n.startswith("_")
    ]
    # The Invoke backend signs its requests: any credentials do for the loopback server.
    keys = environment(AWS_ACCESS_KEY_ID="AKIDTRIGGERS", AWS_SECRET_ACCESS_KEY="trigger-secret")
    with keys, trigger_server() as url:
        routes = [f"py-{f}=python:trigger_functions:{f}" for f in functions]
        routes += [f"http-{f}={url}/http/{f}" for f in functions]
        routes += ["py-missing=python:no_such_module:f", "http-closed=http://127.0.0.1:9/closed"]
        with server(
            email_sender="file", sms_sender="file", lambda_endpoint=url, triggers=",".join(routes),
            **settings,
        ) as srv:  # fmt: skip
            yield srv


@pytest.fixture(scope="session")
def trigger_live() -> Iterator[RunningServer]:
    with wired_server() as srv:
        yield srv


@pytest.fixture(scope="session")
def tidp(trigger_live: RunningServer) -> Any:
    return trigger_live.client()


def make_pool(tidp: Any, lambda_config: dict[str, Any], **kwargs: Any) -> tuple[str, str]:
    """A pool with ``lambda_config`` and one app client (password sign-in allowed); (pool id, client id)."""
    kwargs.setdefault("AutoVerifiedAttributes", ["email"])
    pool_id = tidp.create_user_pool(PoolName=f"trig{os.getpid()}x{next(_names)}", LambdaConfig=lambda_config,
                                    **kwargs)["UserPool"]["Id"]  # fmt: skip
    client_id = tidp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    return pool_id, client_id


def events(pool_id: str, source: str | None = None) -> list[dict[str, Any]]:
    """The events the functions received for ``pool_id`` (of one trigger source if given)."""
    return [
        e for e in trigger_functions.EVENTS
        if e.get("userPoolId") == pool_id and (source is None or e.get("triggerSource") == source)
    ]  # fmt: skip


def user_names(tidp: Any, pool_id: str) -> list[str]:
    return [u["Username"] for u in tidp.list_users(UserPoolId=pool_id)["Users"]]


def attributes(user: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes", user.get("Attributes", []))}
