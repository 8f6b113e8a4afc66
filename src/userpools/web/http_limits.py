"""uvicorn settings that bound slow or greedy clients (docs/limits.md).

uvicorn's httptools protocol (the one ``uvicorn[standard]`` runs) has neither a limit on the size of the
request line and headers nor a deadline for them: a client could send megabytes of headers, or one header
byte a minute, and keep the connection (and its buffers) for ever. ``LimitedHttpTools`` adds both: more than
``max_header_bytes`` before the headers end gets 431, and headers not complete within ``header_timeout``
seconds get 408; either closes the connection. The body's own deadline is web/asgi.py's.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol  # uvicorn[standard] brings httptools

from userpools.config import Settings


def _reply(status: bytes, text: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
        b"content-length: " + str(len(text)).encode() + b"\r\n\r\n" + text
    )


TOO_LARGE = _reply(b"431 Request Header Fields Too Large", b"The request headers are too large.")
TOO_SLOW = _reply(b"408 Request Timeout", b"The request headers did not arrive in time.")


class LimitedHttpTools(HttpToolsProtocol):
    """httptools with the two limits. A module-level class, so that ``--workers`` processes (spawned, the
    class pickled by name) find it; ``limited_protocol`` sets its limits in each process."""

    max_header_bytes = 16384
    header_timeout = 30.0
    _head_bytes = 0
    _tail = b""
    _in_head = False
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()  # a connection that never sends a byte is timed too

    def _start_head(self) -> None:
        self._in_head = True  # a request starts: its request line and headers are counted and timed
        self._head_bytes = 0
        self._tail = b""
        self._head_timer = self.loop.call_later(self.header_timeout, self._refuse, TOO_SLOW)

    def data_received(self, data: bytes) -> None:
        if not self._in_head and (self.cycle is None or self.cycle.response_complete):
            self._start_head()
        if self._in_head:
            # Count only the bytes up to the blank line that ends the headers (the body may follow
            # in the same chunk); the blank line may straddle two chunks.
            joined = self._tail + data
            end = joined.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else max(end + 4 - len(self._tail), 0)
            if self._head_bytes > self.max_header_bytes:
                self._refuse(TOO_LARGE)
                return
            self._tail = joined[-3:]
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._end_head()
        super().on_headers_complete()

    def _end_head(self) -> None:
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _refuse(self, reply: bytes) -> None:
        self._end_head()
        if not self.transport.is_closing():
            self.transport.write(reply)
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._end_head()
        super().connection_lost(exc)


def limited_protocol(max_header_bytes: int, header_timeout: float) -> type[HttpToolsProtocol]:
    """The httptools protocol class, with this process's limits."""
    LimitedHttpTools.max_header_bytes = max_header_bytes
    LimitedHttpTools.header_timeout = header_timeout
    return LimitedHttpTools


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for uvicorn.run / uvicorn.Config (``userpools serve`` and the test server)."""
    options: dict[str, Any] = {
        "timeout_keep_alive": settings.keep_alive_timeout,
        "limit_concurrency": settings.limit_concurrency or None,
        "h11_max_incomplete_event_size": settings.max_header_bytes,
    }
    return {**options, "http": limited_protocol(settings.max_header_bytes, float(settings.body_timeout))}
