"""Real-browser helpers (no tests here): Debian's chromium driven by Playwright, and a loopback test app.

``make install`` / ``make test`` install chromium with apt-get when /usr/bin/chromium is missing (never
``playwright install``: this machine fetches nothing but packages). It starts with the flags this closed
network needs: without the background-networking ones chromium's own connections are refused, many at a
time. Playwright gives every launch a fresh, empty profile (user-data-dir). Without chromium the browser
tests skip locally and fail in CI (CI=true).

``TestApp`` is the web app a user signs in to: its ``/callback`` exchanges the code at the domain's
``/oauth2/token`` with the client's secret, as an app's back end does, and shows who signed in;
``/signed-out`` is its sign-out landing page. Screenshots go to ``test-artifacts/screenshots/`` (git
ignored; ``USERPOOLS_TEST_ARTIFACTS`` moves it).
"""

from __future__ import annotations

import html
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from oauth_support import App, claims

CHROMIUM = Path(os.environ.get("USERPOOLS_CHROMIUM", "/usr/bin/chromium"))
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(
    os.environ.get("USERPOOLS_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts"
)
SCREENSHOTS = ARTIFACTS / "screenshots"


def require_chromium() -> None:
    """Skips (locally) or fails (CI) when Debian's chromium is not installed."""
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found: `make install` installs Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def shot(page: Any, name: str) -> None:
    """A full-page screenshot of the current page, ``<name>.png`` in the artifacts directory."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


class TestApp:
    """An app on a free loopback port; ``client`` is the hosted UI App whose code it exchanges."""

    __test__ = False  # not a test class

    def __init__(self) -> None:
        self.client: App | None = None
        self.tokens: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.thread = threading.Thread(target=self.server.serve_forever, name="test-app", daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def callback(self) -> str:
        return self.base + "/callback"

    @property
    def signed_out(self) -> str:
        return self.base + "/signed-out"

    def authorize_url(self, **params: str) -> str:
        assert self.client is not None
        query = {"response_type": "code", "client_id": self.client.client_id, "redirect_uri": self.callback,
                 "scope": "openid email profile", **params}  # fmt: skip
        return f"{self.client.url('/oauth2/authorize')}?{urlencode(query)}"

    def logout_url(self) -> str:
        assert self.client is not None
        query = urlencode({"client_id": self.client.client_id, "logout_uri": self.signed_out})
        return f"{self.client.url('/logout')}?{query}"

    def exchange(self, code: str) -> httpx.Response:
        assert self.client is not None and self.client.secret is not None
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.callback}
        auth = (self.client.client_id, self.client.secret)
        return httpx.post(self.client.url("/oauth2/token"), data=form, auth=auth, timeout=30)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def _handler(app: TestApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/signed-out":
                self._page(200, "Signed out", "<p>You are signed out.</p>")
            elif url.path == "/callback" and "code" in query:
                answer = app.exchange(query["code"])
                if answer.status_code != 200:
                    self._page(400, "Sign-in failed", f"<pre>{html.escape(answer.text)}</pre>")
                    return
                tokens = answer.json()
                app.tokens.append(tokens)
                who = claims(tokens["id_token"])
                body = (f'<p>Welcome, <span id="user">{html.escape(str(who["cognito:username"]))}</span>'
                        f' (<span id="email">{html.escape(str(who.get("email", "")))}</span>).</p>'
                        f'<p id="state">{html.escape(query.get("state", ""))}</p>')  # fmt: skip
                self._page(200, "Signed in", body)
            else:
                self._page(404, "Not found", f"<pre>{html.escape(self.path)}</pre>")

        def _page(self, status: int, title: str, body: str) -> None:
            text = f'<!doctype html><html lang="en"><title>{title}</title><h1>{title}</h1>{body}</html>'
            data = text.encode()
            self.send_response(status)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    return Handler
