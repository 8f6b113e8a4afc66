"""Compact JWS (RFC 7515) with RS256 for Cognito ID and access tokens.

Tokens carry the header ``{"kid": ..., "alg": "RS256"}`` and no ``typ``, as Cognito's do. Signing and
verification call ``cryptography`` directly (RSASSA-PKCS1-v1_5 with SHA-256 over the first two
segments, RFC 7518 §3.3): they run on every sign-in and every access-token check, and PyJWT's generic
paths cost a good part of the RSA operation itself on top of it. Only the signature is checked here;
the caller checks ``exp``, ``token_use`` and the rest against its own clock and store.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import cache
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Three base64url segments, no padding (what aws-jwt-verify accepts too).
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_PKCS1 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


def _segment(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@cache
def _header(kid: str) -> str:
    return _b64(orjson.dumps({"kid": kid, "alg": "RS256"}))


def signing_input(claims: dict[str, Any], kid: str) -> str:
    """The first two segments of the compact JWS: what the signature covers."""
    return f"{_header(kid)}.{_b64(orjson.dumps(claims))}"


def signature(signing_input: bytes, key: rsa.RSAPrivateKey) -> str:
    """The third segment: the RS256 signature over ``signing_input``, base64url."""
    return _b64(key.sign(signing_input, _PKCS1, _SHA256))


def sign(claims: dict[str, Any], key: rsa.RSAPrivateKey, kid: str) -> str:
    """Signs ``claims`` (about 0.3 ms of CPU for an RSA-2048 signature)."""
    head = signing_input(claims, kid)
    return f"{head}.{signature(head.encode('ascii'), key)}"


def header_of(token: str) -> dict[str, Any] | None:
    """The unverified JOSE header of a compact JWS, or None when ``token`` is not one."""
    if not _COMPACT.fullmatch(token):
        return None
    try:
        header = json.loads(_segment(token[: token.index(".")]))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The claims of a compact JWS WITHOUT checking its signature, or None when ``token`` is not one.

    Only for what a forged token gains nothing from (which quota counter a request counts in).
    """
    if not _COMPACT.fullmatch(token):
        return None
    payload = token[token.index(".") + 1 : token.rindex(".")]
    try:
        claims = json.loads(_segment(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def verified_claims(token: str, key: rsa.RSAPublicKey) -> dict[str, Any] | None:
    """The claims when ``token`` is compact JWS whose RS256 signature verifies under ``key``; else None.

    The caller has checked that the header names RS256 (``header_of``).
    """
    if not _COMPACT.fullmatch(token):
        return None
    signing_input, _, signature = token.rpartition(".")
    try:
        key.verify(_segment(signature), signing_input.encode("ascii"), _PKCS1, _SHA256)
        claims = json.loads(_segment(signing_input[signing_input.index(".") + 1 :]))
    except (InvalidSignature, binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None
