"""A loopback web server that hosts client metadata documents, and a live server that fetches them.

Client ids are ``https://127.0.0.1:<port>/...`` URLs, as the draft requires; the Userpools server runs with
``cimd_loopback_http`` so it fetches them from this plain-http server. ``host.serve(path, doc)`` publishes
a document (``status``, ``headers`` and a raw ``body`` can be set instead); ``host.hits[path]`` counts the
fetches.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

from pg_support import store_server
from userpools.testing import RunningServer, free_port


@dataclass
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str]


@dataclass
class MetadataHost:
    port: int = 0
    answers: dict[str, _Answer] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(
        self, path: str, doc: Any = None, *, status: int = 200, body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> str:  # fmt: skip
        """Publishes ``doc`` (or ``body``) at ``path``; the document's URL."""
        raw = body if body is not None else json.dumps(doc).encode()
        self.answers[path] = _Answer(status, raw, {"content-type": "application/json", **(headers or {})})
        return self.url(path)

    def document(self, path: str, redirect_uris: list[str], **extra: Any) -> str:
        """Publishes a valid public-client document for ``path``; its URL (the client_id)."""
        url = self.url(path)
        doc = {"client_id": url, "client_name": "Test CIMD app", "redirect_uris": redirect_uris}
        return self.serve(path, {**doc, "token_endpoint_auth_method": "none", **extra})


@contextmanager
def metadata_host() -> Iterator[MetadataHost]:
    host = MetadataHost(port=free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            host.hits[self.path] = host.hits.get(self.path, 0) + 1
            answer = host.answers.get(self.path, _Answer(404, b'{"error":"not found"}', {}))
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", host.port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        httpd.shutdown()
        httpd.server_close()


def authorize_url(live_url: str, domain: str, client_id: str, redirect_uri: str, **params: str) -> str:
    """An /oauth2/authorize URL of a pool domain for a CIMD client (code flow, PKCE S256 by default)."""
    query = {
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
        "scope": "openid email",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
        **params,
    }  # fmt: skip
    return f"{live_url}/domain/{domain}/oauth2/authorize?{urlencode(query)}"


# Fixtures of a CIMD test module: live = pytest.fixture(scope="module", name="live")(cimd_live) ...
def cimd_live() -> Iterator[RunningServer]:
    """A live server (on the test store) that fetches loopback client ids over http."""
    with store_server(cimd_loopback_http=True) as srv:
        yield srv


def client_of(live: RunningServer) -> Any:
    return live.client()


def hosting() -> Iterator[MetadataHost]:
    with metadata_host() as host:
        yield host
