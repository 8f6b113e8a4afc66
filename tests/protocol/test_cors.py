"""CORS: browser SDKs (amazon-cognito-identity-js, Amplify) call the API directly (COGNITO-FACTS 1.7)."""

from __future__ import annotations

import httpx

from userpools.testing import RunningServer, server

PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type,x-amz-target,x-amz-user-agent,cache-control",
}
TARGET = {
    "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
    "content-type": "application/x-amz-json-1.1",
}


def test_preflight_allows_what_the_browser_sdks_send(live: RunningServer) -> None:
    response = httpx.options(live.url + "/", headers={"origin": "http://localhost:3000", **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    for header in ("content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "authorization"):
        assert header in allowed


def test_responses_expose_the_error_and_request_id_headers(live: RunningServer) -> None:
    response = httpx.post(
        live.url + "/", headers={"origin": "http://localhost:3000", **TARGET}, content=b"{}"
    )
    assert response.status_code == 400
    assert response.headers["access-control-allow-origin"] == "*"
    exposed = {h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date"} <= exposed


def test_origins_can_be_restricted() -> None:
    with server(cors_origins=("https://app.example.com",)) as srv:
        ok = httpx.options(srv.url + "/", headers={"origin": "https://app.example.com", **PREFLIGHT})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://app.example.com"
        refused = httpx.options(srv.url + "/", headers={"origin": "https://evil.example", **PREFLIGHT})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        post = httpx.post(srv.url + "/", headers={"origin": "https://evil.example", **TARGET}, content=b"{}")
        assert "access-control-allow-origin" not in post.headers
