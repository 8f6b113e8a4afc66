"""RSA token-signing keys and their JSON Web Key form (RFC 7517; RSA members per RFC 7518 §6.3).

Cognito signs ID and access tokens with RS256 under two 2048-bit RSA keys per pool; their ``kid`` is the
base64 of 32 random bytes (44 characters, COGNITO-FACTS §2). Private keys travel only as PKCS#8 DER
bytes, which the caller seals before storing.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 2048
PUBLIC_EXPONENT = 65537
KID_BYTES = 32


def new_kid(random_bytes: bytes) -> str:
    """A key id shaped like Cognito's: standard base64 of 32 random bytes."""
    return base64.b64encode(random_bytes).decode()


def generate() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key (tens of milliseconds of CPU: run it off the event loop)."""
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_BITS)


def private_bytes(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private(der: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("a signing key must be an RSA key")
    return key


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8 or 1, "big")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _uint(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def public_jwk(key: rsa.RSAPublicKey, kid: str) -> dict[str, Any]:
    """The JWKS entry Cognito publishes: alg, e, kid, kty, n, use."""
    numbers = key.public_numbers()
    return {
        "alg": "RS256",
        "e": _b64url_uint(numbers.e),
        "kid": kid,
        "kty": "RSA",
        "n": _b64url_uint(numbers.n),
        "use": "sig",
    }


def public_from_jwk(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    return rsa.RSAPublicNumbers(_uint(jwk["e"]), _uint(jwk["n"])).public_key()
