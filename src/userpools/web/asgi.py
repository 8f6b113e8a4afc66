"""The outermost ASGI app: ``POST /`` (and its CORS preflight) straight to the API, the rest to Starlette.

The API endpoint is the hot path of every SDK call, so it runs as plain ASGI: no routing table, no
middleware stack, one response event pair. Browser SDKs call it cross-origin, so it answers CORS itself
(COGNITO-FACTS 1.7); the Starlette app keeps its own CORS middleware for the other routes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from userpools.web.api import MAX_BODY, ApiEndpoint, too_large

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CORS_HEADERS = (
    "x-amz-target",
    "x-amz-user-agent",
    "content-type",
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "cache-control",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
)
EXPOSED_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
PREFLIGHT_MAX_AGE = "600"


class Cors:
    def __init__(self, origins: tuple[str, ...]) -> None:
        self.any = "*" in origins
        self.origins = frozenset(origins)

    def allow_origin(self, origin: str | None) -> str | None:
        """The Access-Control-Allow-Origin value for ``origin``, or None when it is not allowed."""
        if origin is None:
            return None
        if self.any:
            return "*"
        return origin if origin in self.origins else None


class BodyTimeout(Exception):
    """The client did not send its whole request body in time (already answered with 408)."""


_TIMEOUT_BODY = b"The request body did not arrive in time."


class _Deadline:
    """A request's receive/send with a deadline on the body: uvicorn has none, so a client trickling a body
    (or sending headers, then nothing) would hold its request open for ever.

    When the deadline passes before the body is complete, the client gets 408 and the connection closes;
    the app sees BodyTimeout from ``receive`` and whatever it sends after that is dropped.
    """

    __slots__ = ("deadline", "done", "expired", "raw_receive", "raw_send", "started")

    def __init__(self, receive: Receive, send: Send, seconds: float) -> None:
        self.raw_receive = receive
        self.raw_send = send
        self.deadline = asyncio.get_running_loop().time() + seconds
        self.done = False  # the whole body has arrived
        self.started = False  # a response has started
        self.expired = False

    async def receive(self) -> Message:
        if self.done:
            return await self.raw_receive()
        remaining = self.deadline - asyncio.get_running_loop().time()
        try:
            async with asyncio.timeout(max(remaining, 0.0)):
                message = await self.raw_receive()
        except TimeoutError:
            await self._expire()
            raise BodyTimeout from None
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.done = True
        return message

    async def _expire(self) -> None:
        self.expired = True
        if self.started:
            return
        self.started = True
        headers = [(b"content-type", b"text/plain"), (b"connection", b"close")]
        headers.append((b"content-length", str(len(_TIMEOUT_BODY)).encode()))
        await self.raw_send({"type": "http.response.start", "status": 408, "headers": headers})
        await self.raw_send({"type": "http.response.body", "body": _TIMEOUT_BODY})

    async def send(self, message: Message) -> None:
        if self.expired:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self.raw_send(message)


class Root:
    """Dispatches ``/`` to the API endpoint and everything else (including lifespan) to ``web``."""

    def __init__(self, api: ApiEndpoint, web: Any, cors: Cors, body_timeout: float = 30.0) -> None:
        self.api = api
        self.web = web
        self.cors = cors
        self.body_timeout = body_timeout

    @property
    def state(self) -> Any:
        return self.web.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.web(scope, receive, send)
            return
        guard = _Deadline(receive, send, self.body_timeout)
        try:
            await self._http(scope, guard.receive, guard.send)
        except BodyTimeout:
            return
        except Exception:
            if guard.expired:
                return  # the app turned the timeout into an error of its own: 408 has gone out already
            raise

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/":
            method = scope["method"]
            if method == "POST":
                return await self._api(scope, receive, send)
            if method == "OPTIONS":
                return await self._preflight(scope, send)
        await self.web(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = await _read(receive, headers.get("content-length", ""))
        client = scope.get("client")
        source_ip = str(client[0]) if client else ""
        status, out, payload = await self.api.respond("POST", _url(scope, headers), headers, body, source_ip)
        allowed = self.cors.allow_origin(headers.get("origin"))
        if allowed:
            out["access-control-allow-origin"] = allowed
            out["access-control-expose-headers"] = EXPOSED_HEADERS
            if allowed != "*":
                out["vary"] = "Origin"
        out["content-length"] = str(len(payload))
        raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})

    async def _preflight(self, scope: Scope, send: Send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        allowed = self.cors.allow_origin(headers.get("origin"))
        requested = headers.get("access-control-request-method")
        out: list[tuple[bytes, bytes]] = [(b"content-length", b"0")]
        status = 400
        if allowed and requested == "POST":
            status = 200
            out += [
                (b"access-control-allow-origin", allowed.encode("latin-1")),
                (b"access-control-allow-methods", b"POST, OPTIONS"),
                (b"access-control-allow-headers", ", ".join(CORS_HEADERS).encode()),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            ]
            if allowed != "*":
                out.append((b"vary", b"Origin"))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": b""})


async def _read(receive: Receive, declared: str) -> bytes | Any:
    if declared.isdigit() and int(declared) > MAX_BODY:
        return too_large()
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return too_large()
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _url(scope: Scope, headers: dict[str, str]) -> str:
    """The request URL as the client signed it (scheme, Host header, path, query)."""
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    query = scope.get("query_string", b"").decode("latin-1")
    url = f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"
    return f"{url}?{query}" if query else url
