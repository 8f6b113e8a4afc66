"""A tiny web app signing users in through a Userpools domain (authorization code + PKCE, with Authlib).

    python examples/hosted_ui_app.py --issuer http://127.0.0.1:9229/<pool id> --client-id <id> \
        [--client-secret <secret>]

Open http://localhost:3000/ : it sends you to the domain's sign-in page and shows your ID token's claims
and the userInfo answer once you are back. The app client needs the callback http://localhost:3000/callback,
the ``code`` flow, ``openid`` among its scopes and COGNITO among its identity providers (docs/hosted-ui.md).
Everything is found from the issuer's discovery document, as with any OpenID Connect provider.
"""

from __future__ import annotations

import argparse
import html
import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.jwk import KeySet

CALLBACK = "http://localhost:3000/callback"
PENDING: dict[str, str] = {}  # state -> PKCE verifier (one process, one user at a time: a demo)


def make_handler(
    config: dict[str, Any], client_id: str, client_secret: str | None
) -> type[BaseHTTPRequestHandler]:
    def session() -> OAuth2Session:
        return OAuth2Session(client_id, client_secret, scope="openid email profile", redirect_uri=CALLBACK,
                             code_challenge_method="S256")  # fmt: skip

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/":
                verifier = generate_token(64)
                url, state = session().create_authorization_url(config["authorization_endpoint"],
                                                                code_verifier=verifier)  # fmt: skip
                PENDING[state] = verifier
                self.send_response(302)
                self.send_header("Location", url)
                self.end_headers()
            elif self.path.startswith("/callback"):
                self._callback()
            else:
                self.send_error(404)

        def _callback(self) -> None:
            client = session()
            state = parse_qs(urlsplit(self.path).query).get("state", [""])[0]
            tokens = client.fetch_token(
                config["token_endpoint"],
                authorization_response="http://localhost:3000" + self.path,
                code_verifier=PENDING.pop(state, ""),
            )
            keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
            claims = jwt.decode(tokens["id_token"], keys, algorithms=["RS256"]).claims
            jwt.JWTClaimsRegistry(iss={"essential": True, "value": config["issuer"]},
                                  aud={"essential": True, "value": client_id}).validate(claims)  # fmt: skip
            info = client.get(config["userinfo_endpoint"]).json()
            body = (
                f"<h1>Signed in</h1><h2>ID token</h2><pre>{html.escape(json.dumps(claims, indent=2))}</pre>"
            )
            body += f"<h2>userInfo</h2><pre>{html.escape(json.dumps(info, indent=2))}</pre>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuer", required=True, help="http://127.0.0.1:9229/<pool id>")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()
    config = requests.get(f"{args.issuer}/.well-known/openid-configuration", timeout=10).json()
    if "authorization_endpoint" not in config:
        raise SystemExit("The pool has no domain: create one with CreateUserPoolDomain first.")
    server = HTTPServer(("127.0.0.1", args.port), make_handler(config, args.client_id, args.client_secret))
    print(f"Open http://localhost:{args.port}/")
    server.serve_forever()


if __name__ == "__main__":
    main()
