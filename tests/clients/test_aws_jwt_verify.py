"""aws-jwt-verify (pinned in tests/clients/js): JwtRsaVerifier with this server's issuer and JWKS.

The tokens come from boto3 (USER_PASSWORD_AUTH); the verifier fetches `/{poolId}/.well-known/jwks.json`
from the live server, picks the key by `kid` and checks signature, expiry, issuer, audience/client_id
and token_use.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from clients_support import (
    PASSWORD,
    Outcome,
    claims,
    confirmed_user,
    make_client,
    make_pool,
    run_node,
    step,
    unique,
)

from userpools.ports import FakeClock
from userpools.testing import RunningServer, server

Verify = Callable[..., Outcome]


def sign_in(idp: Any, pool_id: str | None = None) -> tuple[str, str, dict[str, Any]]:
    """A new pool (unless given), an app client allowing USER_PASSWORD_AUTH, a user and their tokens."""
    pool_id = pool_id or make_pool(idp)
    client_id = make_client(
        idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["ClientId"]
    username = unique("jwt")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true")
    result = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return pool_id, client_id, result


def verifier(base_url: str, pool_id: str, client_id: str, issuer: str = "") -> Verify:
    env = {
        "UP_ISSUER": issuer or f"{base_url}/{pool_id}",
        "UP_JWKS_URI": f"{base_url}/{pool_id}/.well-known/jwks.json",
        "UP_CLIENT_ID": client_id,
    }

    def run(*steps: dict[str, Any]) -> Outcome:
        return run_node("jwt-verify.js", list(steps), env)

    return run


def tamper(token: str, **changes: Any) -> str:
    head, _, sig = token.split(".")
    body = base64.urlsafe_b64encode(json.dumps(claims(token) | changes).encode()).decode().rstrip("=")
    return f"{head}.{body}.{sig}"


def test_id_and_access_tokens_verify(node_ready: None, idp: Any, live: RunningServer) -> None:
    pool_id, client_id, tokens = sign_in(idp)
    with urllib.request.urlopen(f"{live.url}/{pool_id}/.well-known/openid-configuration", timeout=10) as resp:
        discovery = json.load(resp)
    assert discovery["issuer"] == f"{live.url}/{pool_id}"
    assert discovery["jwks_uri"] == f"{live.url}/{pool_id}/.well-known/jwks.json"

    outcome = verifier(live.url, pool_id, client_id)(
        step("verify", token=tokens["IdToken"], tokenUse="id"),
        step("verify", token=tokens["AccessToken"], tokenUse="access"),
        step("jwks"),
    )

    assert outcome.ok, outcome.describe()
    id_payload, access_payload = outcome.result("verify", 0), outcome.result("verify", 1)
    assert id_payload == claims(tokens["IdToken"])
    assert (id_payload["aud"], id_payload["token_use"]) == (client_id, "id")
    assert access_payload == claims(tokens["AccessToken"])
    assert (access_payload["client_id"], access_payload["token_use"]) == (client_id, "access")
    keys = outcome.result("jwks")["keys"]
    assert all((k["kty"], k["alg"], k.get("use", "sig")) == ("RSA", "RS256", "sig") for k in keys)
    assert outcome.report["calls"][0]["url"] == f"{live.url}/{pool_id}/.well-known/jwks.json"
    assert [r["calls"] for r in outcome.results[:2]] == [1, 0], "the JWKS is fetched once, then cached"


def test_tampered_and_mismatched_tokens_fail(node_ready: None, idp: Any, live: RunningServer) -> None:
    pool_id, client_id, tokens = sign_in(idp)
    id_token, access_token = tokens["IdToken"], tokens["AccessToken"]
    head, body, sig = id_token.split(".")
    flipped = sig[:-4] + ("AAAA" if not sig.endswith("AAAA") else "BBBB")
    _, _, other = sign_in(idp)
    cases = {
        "claims changed": (
            tamper(id_token, **{"cognito:username": "mallory"}),
            "id",
            "JwtInvalidSignatureError",
        ),
        "signature changed": (f"{head}.{body}.{flipped}", "id", "JwtInvalidSignatureError"),
        "id token used as access": (id_token, "access", "CognitoJwtInvalidTokenUseError"),
        "access token used as id": (access_token, "id", "JwtInvalidAudienceError"),
        # Each pool signs with its own keys: that kid is not in this pool's JWKS.
        "another pool's token": (other["IdToken"], "id", "KidNotFoundInJwksError"),
    }

    outcome = verifier(live.url, pool_id, client_id)(
        *(step("verify", token=token, tokenUse=use, allow_error=True) for token, use, _ in cases.values())
    )

    got = {name: r.get("error", {}).get("name") for name, r in zip(cases, outcome.results, strict=True)}
    assert got == {name: expected for name, (_, _, expected) in cases.items()}, outcome.describe()
    # The real key and signature, but the verifier expects Cognito's AWS issuer form.
    aws_issuer = f"https://cognito-idp.{live.settings.region}.amazonaws.com/{pool_id}"
    wrong_issuer = verifier(live.url, pool_id, client_id, issuer=aws_issuer)(
        step("verify", token=id_token, tokenUse="id", allow_error=True)
    )
    assert wrong_issuer.error("verify")["name"] == "JwtInvalidIssuerError", wrong_issuer.describe()


def test_expired_token_fails(node_ready: None) -> None:
    """Tokens from a server whose clock is two hours behind expired an hour ago (default validity 1 h)."""
    clock = FakeClock(time.time() - 2 * 3600)
    with server(clock=clock, email_sender="file", sms_sender="file", auth="off") as past:
        idp = past.client()
        pool_id, client_id, tokens = sign_in(idp)
        outcome = verifier(past.url, pool_id, client_id)(
            step("verify", token=tokens["IdToken"], tokenUse="id", allow_error=True),
            step("verify", token=tokens["AccessToken"], tokenUse="access", allow_error=True),
        )

    assert claims(tokens["AccessToken"])["exp"] < time.time() - 3000
    assert [r.get("error", {}).get("name") for r in outcome.results] == [
        "JwtExpiredError",
        "JwtExpiredError",
    ], outcome.describe()


@pytest.mark.parametrize("token_use", ["id", "access"])
def test_verifier_rejects_a_token_for_another_client(
    node_ready: None, idp: Any, live: RunningServer, token_use: str
) -> None:
    pool_id, _, tokens = sign_in(idp)
    other_client = make_client(idp, pool_id)["ClientId"]
    token = tokens["IdToken"] if token_use == "id" else tokens["AccessToken"]

    outcome = verifier(live.url, pool_id, other_client)(
        step("verify", token=token, tokenUse=token_use, allow_error=True)
    )

    expected = "JwtInvalidAudienceError" if token_use == "id" else "CognitoJwtInvalidClientIdError"
    assert outcome.results[0]["error"]["name"] == expected, outcome.describe()


def test_cognito_jwt_verifier_with_the_aws_issuer(node_ready: None) -> None:
    """With USERPOOLS_ISSUER=aws, CognitoJwtVerifier({userPoolId}) accepts the tokens as AWS-issued; only its
    JWKS download (hard-wired to the AWS host) is pointed at this server."""
    with server(email_sender="file", sms_sender="file", issuer="aws") as aws_like:
        idp = aws_like.client()
        pool_id, client_id, tokens = sign_in(idp)
        env = {"UP_ENDPOINT": aws_like.url, "UP_POOL_ID": pool_id, "UP_CLIENT_ID": client_id}
        outcome = run_node(
            "jwt-verify.js",
            [
                step("verifyCognito", token=tokens["IdToken"], tokenUse="id"),
                step("verifyCognito", token=tokens["AccessToken"], tokenUse="access"),
                step("verifyCognito", token=tokens["AccessToken"], tokenUse="id", allow_error=True),
            ],
            env,
        )

    assert outcome.results[:2] and all("error" not in r for r in outcome.results[:2]), outcome.describe()
    region = pool_id.split("_")[0]
    assert (
        outcome.result("verifyCognito", 0)["iss"] == f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
    )
    assert outcome.result("verifyCognito", 1)["client_id"] == client_id
    assert outcome.error("verifyCognito")["name"] == "CognitoJwtInvalidTokenUseError"
    assert outcome.report["calls"][0]["url"] == f"{aws_like.url}/{pool_id}/.well-known/jwks.json"
