"""Behind a TLS terminator: X-Forwarded-Proto / -For count only from the proxies USERPOOLS_FORWARDED_ALLOW_IPS
trusts (docs/deployment.md)."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlencode

import httpx
from nodes_support import Node, node_env
from oauth_support import CALLBACK
from test_auth_support import make_pool


def _login_cookies(node: Node) -> list[str]:
    """The Set-Cookie headers of a hosted sign-in page fetched through an https-terminating proxy."""
    idp = node.client()
    pool_id = make_pool(idp)
    domain = f"proxy{uuid.uuid4().hex[:10]}"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid"], CallbackURLs=[CALLBACK],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    query = urlencode({"client_id": client_id, "response_type": "code", "redirect_uri": CALLBACK})
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = httpx.get(f"{node.url}/domain/{domain}/login?{query}", headers=headers, timeout=30)
    assert page.status_code == 200, page.text
    cookies = page.headers.get_list("set-cookie")
    assert cookies
    return cookies


def test_forwarded_headers_only_from_trusted_proxies(tmp_path: Path) -> None:
    trusting = Node(
        str(tmp_path / "a.db"), tmp_path, node_env(tmp_path, USERPOOLS_FORWARDED_ALLOW_IPS="127.0.0.1")
    )
    distrusting = Node(
        str(tmp_path / "b.db"), tmp_path, node_env(tmp_path, USERPOOLS_FORWARDED_ALLOW_IPS="192.0.2.1")
    )
    try:
        for node in (trusting, distrusting):
            node.start()
        for node in (trusting, distrusting):
            node.wait_ready()
        assert all("secure" in cookie.lower() for cookie in _login_cookies(trusting))
        assert not any("secure" in cookie.lower() for cookie in _login_cookies(distrusting))
    finally:
        trusting.stop()
        distrusting.stop()
