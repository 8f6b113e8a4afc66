"""Request limits (docs/limits.md): oversized bodies are refused with nothing stored, and a client that
sends headers and then stalls (or trickles its body) gets 408 within the body deadline while other
requests go on being served."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from oauth_support import make_app

from pg_support import store_server
from userpools.testing import RunningServer
from userpools.web.api import MAX_BODY
from userpools.web.hosted.place import MAX_FORM_BYTES

DEADLINE = 2


@pytest.fixture(scope="module")
def strict() -> Iterator[RunningServer]:
    with store_server(body_timeout=DEADLINE) as srv:
        yield srv


def test_oversized_api_body_is_refused_and_nothing_is_stored(
    idp: Any, live: RunningServer, pool_id: str
) -> None:
    body = b'{"UserPoolId": "%s", "Username": "huge", "ClientMetadata": {"k": "' % pool_id.encode()
    body += b"x" * (MAX_BODY + 10) + b'"}}'
    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.AdminCreateUser",
    }
    answer = httpx.post(live.url + "/", content=body, headers=headers, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["__type"] == "SerializationException"
    assert "larger than 8 MiB" in answer.json()["message"]
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_oversized_token_and_login_forms_are_refused(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    padding = "x" * (MAX_FORM_BYTES + 10)
    form = {"grant_type": "authorization_code", "client_id": app.client_id, "code": "c", "pad": padding}
    answer = httpx.post(app.url("/oauth2/token"), data=form, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    login = {"username": "alice", "password": "whatever", "pad": padding}
    page = httpx.post(app.url(f"/login?client_id={app.client_id}&response_type=code"), data=login, timeout=30)
    assert 400 <= page.status_code < 500
    assert not any("cognito" in c.lower() for c in page.headers.get_list("set-cookie"))


def _stalled(url: str, path: str, content_type: str, sent: bytes) -> socket.socket:
    """A connection that sends headers announcing 1,000 bytes and ``sent`` of them, then nothing."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=DEADLINE + 5)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {content_type}\r\n"
        "X-Amz-Target: AWSCognitoIdentityProviderService.ListUserPools\r\nContent-Length: 1000\r\n\r\n"
    )
    sock.sendall(head.encode() + sent)
    return sock


def _answer(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(4096):
        data += chunk
    return data


@pytest.mark.parametrize("path", ["/", "/oauth2/token"])
def test_stalled_body_gets_408_while_others_are_served(strict: RunningServer, path: str) -> None:
    idp = strict.client()
    if path != "/":
        path = make_app(idp, strict, alice=False).url(path).removeprefix(strict.url)
    started = time.monotonic()
    stalled = [
        _stalled(strict.url, path, "application/x-www-form-urlencoded", b"grant_type=client_cre")
        for _ in range(3)
    ]
    # Meanwhile the server goes on answering.
    for _ in range(5):
        assert idp.list_user_pools(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200
    for sock in stalled:
        answer = _answer(sock)  # ends when the server closes the connection
        sock.close()
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b"did not arrive in time" in answer
    assert time.monotonic() - started < DEADLINE + 3


def test_trickled_body_is_cut_at_the_deadline(strict: RunningServer) -> None:
    sock = _stalled(strict.url, "/", "application/x-amz-json-1.1", b"{")
    started = time.monotonic()
    answer = b""
    with sock:
        sock.settimeout(0.3)
        while time.monotonic() - started < DEADLINE + 3:
            try:
                sock.sendall(b" ")  # one byte at a time: never a whole body
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert time.monotonic() - started < DEADLINE + 2


def _raw(url: str, data: bytes) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=DEADLINE + 5)
    sock.sendall(data)
    return sock


def test_oversized_headers_get_431(strict: RunningServer) -> None:
    limit = strict.settings.max_header_bytes
    fits = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * (limit - 100) + b"\r\n\r\n"
    with _raw(strict.url, fits) as sock:
        assert sock.recv(100).startswith(b"HTTP/1.1 200 ")
    big = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * (limit + 100) + b"\r\n\r\n"
    with _raw(strict.url, big) as sock:
        answer = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 431 ") and answer.endswith(b"The request headers are too large.")
    # Megabytes of headers: refused as soon as the limit is passed (the rest unread, so the connection
    # may be reset under the client's feet before it reads the 431).
    host, port = strict.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=DEADLINE + 5) as sock:
        answer = b""
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # refused before all was sent
            sock.sendall(b"GET /health HTTP/1.1\r\nX-Pad: " + b"a" * (limit * 100))
        try:
            answer = _answer(sock)
        except ConnectionResetError:
            answer = answer or b"HTTP/1.1 431 (reset before it was read)"
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert strict.client().list_user_pools(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_stalled_headers_get_408(strict: RunningServer) -> None:
    started = time.monotonic()
    stalled = [_raw(strict.url, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Ty") for _ in range(3)]
    stalled.append(_raw(strict.url, b""))  # connects, sends nothing
    for _ in range(5):
        assert strict.client().list_user_pools(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200
    for sock in stalled:
        with sock:
            answer = _answer(sock)
        assert answer.startswith(b"HTTP/1.1 408 ") and b"headers did not arrive in time" in answer
    assert time.monotonic() - started < DEADLINE + 3
