"""A small upstream OpenID Connect provider on loopback, for the federation tests.

- ``GET /.well-known/openid-configuration``, ``GET /jwks`` (RS256 keys, rotatable);
- ``GET /authorize``: signs in ``provider.user`` at once (no page) and redirects to ``redirect_uri`` with
  ``code`` and ``state`` (``provider.refuse`` makes it answer ``error=access_denied`` instead);
- ``POST /token``: authorization_code grant with client_secret_post or client_secret_basic, the
  redirect_uri and PKCE verifier of the code checked, each code usable once; answers an RS256 ID token
  (``provider.id_token_changes`` alters its claims, ``provider.sign_with_other_key`` forges it);
- ``GET``/``POST /userinfo`` with a bearer access token: ``provider.user`` plus ``provider.userinfo``.

Codes can also be made without the authorize step: ``provider.code_for(...)``. Every request is kept in
``provider.requests`` (method, path, headers, form) so tests can see what the relying party sent.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.testing import free_port


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    claims: dict[str, Any]


@dataclass
class UpstreamProvider:
    client_id: str = "upstream-client"
    client_secret: str = "upstream-secret-0123456789abcdefghijklmnopqrstuv"
    issuer: str = ""
    user: dict[str, Any] = field(default_factory=lambda: {"sub": "u-1001", "email": "ann@example.com"})
    userinfo: dict[str, Any] = field(default_factory=dict)
    id_token_changes: dict[str, Any] = field(default_factory=dict)
    sign_with_other_key: bool = False
    refuse: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    _keys: list[tuple[str, rsa.RSAPrivateKey]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rotate_key()

    def rotate_key(self) -> None:
        """A new signing key; the old ones stay published (kid differs)."""
        self._keys.insert(0, (f"k{len(self._keys) + 1}", rsa.generate_private_key(65537, 2048)))

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid, key in self._keys:
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
            keys.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})
        return {"keys": keys}

    def code_for(
        self, redirect_uri: str, *, nonce: str | None = None, verifier: str | None = None, client_id: str = ""
    ) -> str:
        """A code for ``self.user`` as /authorize would issue it."""
        challenge = _b64(hashlib.sha256(verifier.encode()).digest()) if verifier else None
        code = secrets.token_urlsafe(16)
        self._codes[code] = _Code(
            client_id or self.client_id, redirect_uri, nonce, challenge, dict(self.user)
        )
        return code

    def id_token(self, claims: dict[str, Any], nonce: str | None) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 3600, **claims}
        if nonce is not None:
            body["nonce"] = nonce
        body.update(self.id_token_changes)
        body = {k: v for k, v in body.items() if v is not None}
        kid, key = self._keys[0]
        if self.sign_with_other_key:
            key = rsa.generate_private_key(65537, 2048)
        return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})

    # --- requests -----------------------------------------------------------------------------------
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        redirect = query.get("redirect_uri", "")
        if query.get("client_id") != self.client_id or not redirect:
            return 400, {}, {"error": "invalid_request"}
        if self.refuse:
            params = {
                "error": "access_denied",
                "error_description": "The user said no",
                "state": query.get("state", ""),
            }
        else:
            code = secrets.token_urlsafe(16)
            nonce, challenge = query.get("nonce"), query.get("code_challenge")
            self._codes[code] = _Code(self.client_id, redirect, nonce, challenge, dict(self.user))
            params = {"code": code, "state": query.get("state", "")}
        return 302, {"Location": f"{redirect}?{urllib.parse.urlencode(params)}"}, None

    def token(self, form: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {}, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {}, {"error": "unsupported_grant_type"}
        code = self._codes.pop(form.get("code", ""), None)
        if code is None or code.client_id != client_id or code.redirect_uri != form.get("redirect_uri"):
            return 400, {}, {"error": "invalid_grant"}
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            if _b64(hashlib.sha256(verifier.encode()).digest()) != code.challenge:
                return 400, {}, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        access = secrets.token_urlsafe(24)
        self._tokens[access] = code.claims
        body = {"access_token": access, "token_type": "Bearer", "expires_in": 3600,
                "id_token": self.id_token({"sub": code.claims["sub"]}, code.nonce)}  # fmt: skip
        return 200, {}, body

    def user_info(self, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        auth = headers.get("authorization", "")
        claims = self._tokens.get(auth[7:]) if auth.lower().startswith("bearer ") else None
        if claims is None:
            return 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}, {"error": "invalid_token"}
        return 200, {}, {**claims, **self.userinfo}

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def answer(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        url = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(url.query))
        form = dict(urllib.parse.parse_qsl(body.decode())) if body else {}
        self.requests.append(
            {"method": method, "path": url.path, "query": query, "form": form, "headers": headers}
        )
        route = (method, url.path)
        if route == ("GET", "/.well-known/openid-configuration"):
            return 200, {}, self.discovery()
        if route == ("GET", "/jwks"):
            return 200, {}, self.jwks()
        if route == ("GET", "/authorize"):
            return self.authorize(query)
        if route == ("POST", "/token"):
            return self.token(form, headers)
        if route == ("GET", "/token"):  # Facebook's form: the grant in the query string
            return self.token(query, headers)
        if url.path == "/userinfo":
            return self.user_info(headers)
        return 404, {}, {"error": "not_found"}


def _handler(provider: UpstreamProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _serve(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, payload = provider.answer(method, self.path, headers, body)
            text = isinstance(payload, str)  # other documents (SAML metadata) go as they are
            data = payload.encode() if text else json.dumps(payload).encode() if payload is not None else b""
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            if payload is not None:
                self.send_header("Content-Type", "application/xml" if text else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextmanager
def upstream_oidc(**options: Any) -> Iterator[UpstreamProvider]:
    """Runs an ``UpstreamProvider`` on a free loopback port until the block ends."""
    port = free_port()
    provider = UpstreamProvider(issuer=f"http://127.0.0.1:{port}", **options)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(provider))
    thread = threading.Thread(target=server.serve_forever, name=f"upstream-oidc-{port}", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
