"""Forged, foreign, misused, expired and revoked tokens, against GetUser and /oauth2/userInfo.

Each forgery starts from a real access token of the pool: ``alg: none``, HS256 keyed with the pool's
public key, injected or unknown ``kid``, tampered claims, a key of another pool; then an ID token used as
an access token, a genuinely signed but expired token, a revoked one, and tokens of another client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hostile_support import make_world, sign_in
from oauth_support import App, Browser, exchange, make_app

from userpools.auth import keyring
from userpools.crypto import jwt
from userpools.testing import RunningServer

ATTACKER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    decode = lambda s: json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)))  # noqa: E731
    return decode(header), decode(payload)


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"


def hs256(header: dict[str, Any], claims: dict[str, Any], key: bytes) -> str:
    signing_input = unsigned({**header, "alg": "HS256"}, claims)
    return f"{signing_input}.{b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


def rs256(header: dict[str, Any], claims: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    return jwt.sign(claims, key, header["kid"])


def public_pem(live: RunningServer, pool_id: str, kid: str) -> list[bytes]:
    """The pool's public key as an attacker would use it as an HMAC key: PEM (both forms) and JWK JSON."""
    jwks = httpx.get(f"{live.url}/{pool_id}/.well-known/jwks.json").json()["keys"]
    jwk = next(k for k in jwks if k["kid"] == kid)
    n = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=="), "big")
    e = int.from_bytes(base64.urlsafe_b64decode(jwk["e"] + "=="), "big")
    key = rsa.RSAPublicNumbers(e, n).public_key()
    spki = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    pkcs1 = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    return [spki, pkcs1, json.dumps(jwk).encode()]


async def _pool_keys(live: RunningServer, pool_id: str) -> dict[str, Any]:
    services = live.app.state.services
    async with live.app.state.database.unit_of_work(True) as uow:
        signers = await keyring.signers(uow, services.sealer, services.random, time.time(), pool_id)
    return {use: signer for use, signer in signers.items()}


def forgeries(live: RunningServer, access: str, other_access: str) -> dict[str, str]:
    """Tokens that must never be accepted, built from ``access`` (and a token of another pool)."""
    header, claims = parts(access)
    kid = header["kid"]
    _, other_claims = parts(other_access)
    out = {
        "alg none, no signature": unsigned({"alg": "none", "kid": kid}, claims) + ".",
        "alg none, some signature": unsigned({"alg": "none", "kid": kid}, claims) + ".AAAA",
        "alg None": unsigned({"alg": "None", "kid": kid}, claims) + "." + access.split(".")[2],
        "no alg": unsigned({"kid": kid}, claims) + "." + access.split(".")[2],
        "tampered sub": unsigned(header, {**claims, "sub": other_claims["sub"]}) + "." + access.split(".")[2],
        "tampered expiry": unsigned(header, {**claims, "exp": claims["exp"] + 10**6})
        + "."
        + access.split(".")[2],
        "attacker key, real kid": rs256(header, claims, ATTACKER_KEY),
        "no kid": unsigned({"alg": "RS256"}, claims) + "." + access.split(".")[2],
        "other pool's claims, this pool's kid": unsigned(header, other_claims) + "." + access.split(".")[2],
    }
    for i, secret in enumerate(public_pem(live, claims["iss"].rsplit("/", 1)[1], kid)):
        out[f"HS256 keyed with the public key #{i}"] = hs256(header, claims, secret)
    injected = (
        "../../../../etc/passwd",
        "/dev/null",
        "http://evil.example/jwks.json",
        "https://evil.example/.well-known/jwks.json",
        "' OR '1'='1",
        "x' UNION SELECT kid FROM signing_keys --",
        "unknown-kid",
        "",
        kid + "\x00",
    )
    for bad in injected:
        out[f"kid {bad!r}, attacker key"] = jwt.sign(claims, ATTACKER_KEY, bad)
    out["kid as a number"] = unsigned({"alg": "RS256", "kid": 7}, claims) + "." + access.split(".")[2]
    return out


@pytest.fixture
def tokens(live: RunningServer, idp: Any) -> dict[str, Any]:
    world = make_world(idp)
    other = make_world(idp)
    return {"world": world, "other": other}


def test_get_user_refuses_forged_tokens(live: RunningServer, idp: Any, tokens: dict[str, Any]) -> None:
    world, other = tokens["world"], tokens["other"]
    assert idp.get_user(AccessToken=world.access_token)["Username"] == "alice"  # the real one works
    for name, forged in forgeries(live, world.access_token, other.access_token).items():
        with pytest.raises(idp.exceptions.NotAuthorizedException):
            idp.get_user(AccessToken=forged)
            pytest.fail(f"GetUser accepted a forged token: {name}")


def test_get_user_refuses_id_expired_and_revoked_tokens(
    live: RunningServer, idp: Any, tokens: dict[str, Any]
) -> None:
    world, other = tokens["world"], tokens["other"]
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=world.id_token)
    # Genuinely signed by the pool's own access key, expired a second ago.
    keys = live.run(_pool_keys(live, world.pool_id))
    _, claims = parts(world.access_token)
    now = int(time.time())
    expired = jwt.sign({**claims, "iat": now - 3601, "exp": now - 1}, keys["access"].key, keys["access"].kid)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="expired"):
        idp.get_user(AccessToken=expired)
    # The pool's ID key signing an access token: a key of the wrong use.
    wrong_use = jwt.sign(claims, keys["id"].key, keys["id"].kid)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=wrong_use)
    # The other pool's real key signing claims that name this pool.
    other_keys = live.run(_pool_keys(live, other.pool_id))
    cross = jwt.sign(claims, other_keys["access"].key, other_keys["access"].kid)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=cross)
    # A token of another pool is that pool's user, never this one's.
    assert (
        idp.get_user(AccessToken=other.access_token)["UserAttributes"]
        != idp.get_user(AccessToken=world.access_token)["UserAttributes"]
    )
    idp.global_sign_out(AccessToken=world.access_token)
    with pytest.raises(idp.exceptions.NotAuthorizedException, match="revoked"):
        idp.get_user(AccessToken=world.access_token)


def test_refresh_tokens_stay_with_their_client_and_die_revoked(idp: Any) -> None:
    world = make_world(idp)
    second = idp.create_user_pool_client(
        UserPoolId=world.pool_id, ClientName="second", ExplicitAuthFlows=["ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    params = {"AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": {"REFRESH_TOKEN": world.refresh_token}}
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(ClientId=second, **params)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_tokens_from_refresh_token(ClientId=second, RefreshToken=world.refresh_token)
    # Revoking through another client does nothing (RFC 7009: answered like an unknown token).
    idp.revoke_token(ClientId=second, Token=world.refresh_token)
    assert idp.initiate_auth(ClientId=world.client_id, **params)["AuthenticationResult"]["AccessToken"]
    idp.revoke_token(ClientId=world.client_id, Token=world.refresh_token)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(ClientId=world.client_id, **params)
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=world.access_token)  # access tokens of a revoked family die with it
    fresh = sign_in(idp, world.client_id, "alice")  # the user can still sign in
    assert idp.get_user(AccessToken=fresh["AccessToken"])["Username"] == "alice"


def _oauth_tokens(app: App) -> dict[str, str]:
    return dict(exchange(app, Browser(app).code(scope="openid email")).json())


def _user_info(app: App, token: str) -> httpx.Response:
    return httpx.get(app.url("/oauth2/userInfo"), headers={"authorization": f"Bearer {token}"}, timeout=30)


def test_user_info_refuses_forged_misused_and_foreign_tokens(live: RunningServer, idp: Any) -> None:
    app, other = make_app(idp, live), make_app(idp, live)
    mine, theirs = _oauth_tokens(app), _oauth_tokens(other)
    assert _user_info(app, mine["access_token"]).status_code == 200
    refused = dict(forgeries(live, mine["access_token"], theirs["access_token"]))
    refused["ID token"] = mine["id_token"]
    refused["refresh token"] = mine["refresh_token"]
    refused["another pool's token"] = theirs["access_token"]
    keys = live.run(_pool_keys(live, app.pool_id))
    _, claims = parts(mine["access_token"])
    now = int(time.time())
    refused["expired"] = jwt.sign({**claims, "exp": now - 1}, keys["access"].key, keys["access"].kid)
    for name, token in refused.items():
        response = _user_info(app, token)
        assert response.status_code == 401, f"userInfo answered {response.status_code} to: {name}"
        assert response.json()["error"] == "invalid_token"
    revoke = httpx.post(
        app.url("/oauth2/revoke"),
        data={"token": mine["refresh_token"], "client_id": app.client_id},
        timeout=30,
    )
    assert revoke.status_code == 200, revoke.text
    assert _user_info(app, mine["access_token"]).status_code == 401
