"""crypto.keys / crypto.jwt: JWK round trips, RS256 signing in Cognito's header shape, verification."""

from __future__ import annotations

import base64
import json

import jwt as pyjwt
import pytest

from userpools.config import Settings, from_env
from userpools.crypto import jwt, keys

KEY = keys.generate()
OTHER = keys.generate()


def test_kid_looks_like_cognitos() -> None:
    kid = keys.new_kid(bytes(range(32)))
    assert len(kid) == 44 and kid.endswith("=") and base64.b64decode(kid) == bytes(range(32))


def test_jwk_round_trip_and_private_bytes() -> None:
    jwk = keys.public_jwk(KEY.public_key(), "kid-1")
    assert jwk["e"] == "AQAB" and "=" not in jwk["n"] and jwk["kid"] == "kid-1"
    assert keys.public_from_jwk(jwk).public_numbers() == KEY.public_key().public_numbers()
    assert pyjwt.PyJWK(jwk).key.public_numbers() == KEY.public_key().public_numbers()
    assert keys.load_private(keys.private_bytes(KEY)).private_numbers() == KEY.private_numbers()


def test_sign_has_cognito_header_and_verifies() -> None:
    token = jwt.sign({"sub": "s", "n": 1}, KEY, "kid-1")
    header = jwt.header_of(token)
    assert header == {"alg": "RS256", "kid": "kid-1"}
    assert jwt.verified_claims(token, KEY.public_key()) == {"sub": "s", "n": 1}
    assert pyjwt.decode(token, KEY.public_key(), algorithms=["RS256"]) == {"sub": "s", "n": 1}


def test_verification_rejects_other_keys_and_tampering() -> None:
    token = jwt.sign({"sub": "s"}, KEY, "kid-1")
    assert jwt.verified_claims(token, OTHER.public_key()) is None
    head, _body, signature = token.split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"sub": "admin"}).encode()).decode().rstrip("=")
    assert jwt.verified_claims(f"{head}.{forged}.{signature}", KEY.public_key()) is None
    none_alg = base64.urlsafe_b64encode(b'{"alg":"none","kid":"kid-1"}').decode().rstrip("=")
    assert jwt.verified_claims(f"{none_alg}.{forged}.", KEY.public_key()) is None
    hs256 = pyjwt.encode({"sub": "s"}, "s" * 64, algorithm="HS256")
    assert jwt.verified_claims(hs256, KEY.public_key()) is None


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!.b.c", "bnVsbA.b.c"])
def test_header_of_malformed(token: str) -> None:
    assert jwt.header_of(token) is None


def test_issuer_setting() -> None:
    base = Settings(host="127.0.0.1", port=9229)
    assert base.issuer_of("us-east-1_abc") == "http://127.0.0.1:9229/us-east-1_abc"
    assert base.with_(public_url="https://idp.example.com/").issuer_of("eu-west-1_x") == (
        "https://idp.example.com/eu-west-1_x"
    )
    assert (
        base.with_(issuer="aws").issuer_of("eu-west-1_x")
        == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"
    )
    assert (
        base.with_(issuer="https://auth.example.com/").issuer_of("eu-west-1_x")
        == "https://auth.example.com/eu-west-1_x"
    )
    assert from_env({"USERPOOLS_ISSUER": "aws"}).issuer == "aws"
    with pytest.raises(ValueError, match="USERPOOLS_ISSUER"):
        base.with_(issuer="cognito").check()


def test_only_canonical_compact_form_verifies() -> None:
    token = jwt.sign({"sub": "s"}, KEY, "kid-1")
    head, body, signature = token.split(".")
    for variant in (f"{head}.{body}.{signature}=", f"{head}.{body}.+{signature}", f" {token}", f"{token}\n"):
        assert jwt.verified_claims(variant, KEY.public_key()) is None
