"""Runs a pool's trigger function through the backend configuration chooses for its ARN.

Backends (``USERPOOLS_TRIGGERS``, see docs/triggers.md): the AWS Lambda Invoke API through boto3 at
``USERPOOLS_LAMBDA_ENDPOINT`` (the default; credentials from the environment), an HTTP URL receiving the
event as a JSON POST, or an in-process Python callable ``python:module:function`` (sync or async, called
like a Lambda handler). Errors follow the developer guide: a function error →
UserLambdaValidationException "<Trigger> failed with error <message>."; a malformed response →
InvalidLambdaResponseException; an unreachable or timed-out (5 s) function → UnexpectedLambdaException.
Difference: Cognito retries a failed invocation up to three times within its 5 s; the Invoke API
backend retries once (botocore's ``max_attempts: 1`` counts retries), the HTTP and Python backends not at all.
Custom sender triggers are invoked asynchronously (``invoke_event``): the Invoke API gets
``InvocationType=Event``, and what the function does or answers never reaches the caller.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from userpools.errors import (
    InvalidLambdaResponseException,
    UnexpectedLambdaException,
    UserLambdaValidationException,
)
from userpools.operations.context import Context
from userpools.triggers.events import UNRECOGNIZABLE, envelope

TIMEOUT = 5.0
log = logging.getLogger("userpools")


class FunctionFailed(Exception):
    """The function ran and failed; the text is its error message."""


class Unreachable(Exception):
    """The function could not be run (connection, credentials, no such function); text names why."""


def configured(pool: dict[str, Any], key: str) -> str | None:
    """The function ARN of LambdaConfig[key] (PreTokenGeneration reads PreTokenGenerationConfig too)."""
    config = pool.get("LambdaConfig") or {}
    value = config.get(key)
    if isinstance(value, dict):  # CustomSMSSender / CustomEmailSender / PreTokenGenerationConfig
        value = value.get("LambdaArn")
    return str(value) if value else None


async def run_trigger(
    ctx: Context,
    pool: dict[str, Any],
    key: str,
    source: str,
    *,
    user_name: str,
    request: dict[str, Any],
    client_id: str | None = None,
    response: dict[str, Any] | None = None,
    version: str = "1",
) -> dict[str, Any] | None:
    """Invokes the pool's ``key`` trigger (a LambdaConfig key) and returns its ``response``.

    None when the pool has no such trigger. The response is always a dict (a null one reads as {}).
    """
    arn = configured(pool, key)
    if arn is None:
        return None
    event = envelope(
        region=ctx.region,
        pool_id=str(pool["Id"]),
        source=source,
        user_name=user_name,
        client_id=client_id,
        request=request,
        response=response if response is not None else {},
        version=version,
    )
    count = ctx.services.metrics.triggers.inc
    try:
        result = await asyncio.wait_for(_dispatch(ctx, arn, event), TIMEOUT)
    except FunctionFailed as exc:
        count(key, "failed")
        raise UserLambdaValidationException(f"{key} failed with error {exc}.") from None
    except (Unreachable, TimeoutError) as exc:
        count(key, "unreachable")
        raise unexpected(key, str(exc) or "TimeoutError") from None
    if not isinstance(result, dict) or not isinstance(result.get("response") or {}, dict):
        count(key, "invalid_response")
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    count(key, "ok")
    return dict(result.get("response") or {})


async def invoke_event(ctx: Context, key: str, arn: str, event: dict[str, Any]) -> None:
    """Invokes ``arn`` asynchronously with ``event`` as it is (custom sender triggers).

    The Invoke API queues the event (``InvocationType=Event``); an HTTP or Python function runs to its end.
    Only a function that cannot be invoked at all is an error (UnexpectedLambdaException); what it raises or
    answers is logged, never the caller's concern, as with Cognito's asynchronous invocations.
    """
    count = ctx.services.metrics.triggers.inc
    try:
        await asyncio.wait_for(_dispatch(ctx, arn, event, asynchronous=True), TIMEOUT)
    except Unreachable as exc:
        count(key, "unreachable")
        raise unexpected(key, str(exc)) from None
    except (FunctionFailed, TimeoutError, InvalidLambdaResponseException) as exc:
        count(key, "failed")
        log.warning("%s function %s failed: %s", key, arn, str(exc) or type(exc).__name__)
    else:
        count(key, "ok")


def unexpected(key: str, why: str) -> UnexpectedLambdaException:
    """The error of a ``key`` trigger that could not be run, in Cognito's words."""
    return UnexpectedLambdaException(f"{key} invocation failed due to error {why}.")


async def _dispatch(ctx: Context, arn: str, event: dict[str, Any], asynchronous: bool = False) -> Any:
    routes = ctx.settings.trigger_routes
    backend = routes.get(arn) or routes.get(function_name(arn)) or "lambda"
    if backend.startswith("python:"):
        return await _call_python(backend.removeprefix("python:"), arn, event)
    if backend.startswith(("http://", "https://")):
        return await asyncio.to_thread(_post, backend, event)
    return await asyncio.to_thread(
        _invoke, ctx.settings.lambda_endpoint, _region(arn, ctx.region), arn, event, asynchronous
    )


def function_name(arn: str) -> str:
    """``arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]`` → ``<name>``; a bare name as is."""
    if ":function:" in arn:
        return arn.split(":function:", 1)[1].split(":", 1)[0]
    return arn


def _region(arn: str, default: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[0] == "arn" and parts[3] else default


def _decode(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        raise InvalidLambdaResponseException(UNRECOGNIZABLE) from None


def _error_message(body: bytes, fallback: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict) and data.get("errorMessage") is not None:
        return str(data["errorMessage"])
    return body.decode("utf-8", "replace").strip() or fallback


# --- (a) the Lambda Invoke API ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _lambda_client(endpoint: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=TIMEOUT, read_timeout=TIMEOUT, retries={"max_attempts": 1})
    return boto3.session.Session().client(
        "lambda", region_name=region, endpoint_url=endpoint or None, config=config
    )


def _invoke(endpoint: str, region: str, arn: str, event: dict[str, Any], asynchronous: bool = False) -> Any:
    from botocore.exceptions import BotoCoreError, ClientError

    kind = "Event" if asynchronous else "RequestResponse"
    try:
        out = _lambda_client(endpoint, region).invoke(
            FunctionName=arn, InvocationType=kind, Payload=json.dumps(event).encode()
        )
        body = out["Payload"].read()
    except ClientError as exc:
        raise Unreachable(exc.response.get("Error", {}).get("Code") or "ClientError") from None
    except BotoCoreError as exc:
        raise Unreachable(type(exc).__name__) from None
    if out.get("FunctionError"):
        raise FunctionFailed(_error_message(body, str(out["FunctionError"])))
    return _decode(body)


# --- (b) an HTTP URL ----------------------------------------------------------------------------------------


def _post(url: str, event: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(event).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            body = answer.read()
    except urllib.error.HTTPError as exc:
        with exc:
            raise FunctionFailed(_error_message(exc.read(), f"HTTP {exc.code}")) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Unreachable(
            type(reason).__name__ if isinstance(reason, BaseException) else str(reason)
        ) from None
    return _decode(body)


# --- (c) an in-process Python callable ----------------------------------------------------------------------


class LambdaContext:
    """The few attributes of a Lambda handler's ``context`` an in-process function may read."""

    def __init__(self, arn: str) -> None:
        self.function_name = function_name(arn)
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = 128

    def get_remaining_time_in_millis(self) -> int:
        return int(TIMEOUT * 1000)


@functools.lru_cache(maxsize=64)
def _load(target: str) -> Callable[..., Any]:
    module, sep, attr = target.partition(":")
    if not sep:
        raise Unreachable(f"ImportError ({target!r} is not module:function)")
    try:
        func = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise Unreachable(type(exc).__name__) from None
    return func  # type: ignore[no-any-return]


async def _call_python(target: str, arn: str, event: dict[str, Any]) -> Any:
    func = _load(target)
    # A fresh copy: the function may mutate and return the event like a Lambda handler does.
    payload = json.loads(json.dumps(event))
    args: tuple[Any, ...] = (payload, LambdaContext(arn))
    if len(inspect.signature(func).parameters) < 2:
        args = (payload,)
    try:
        if inspect.iscoroutinefunction(func):
            result = await func(*args)
        else:
            result = await asyncio.to_thread(func, *args)
    except Exception as exc:
        raise FunctionFailed(str(exc)) from None
    try:
        return json.loads(json.dumps(result))
    except (TypeError, ValueError):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE) from None
