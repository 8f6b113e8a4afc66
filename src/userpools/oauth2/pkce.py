"""Proof Key for Code Exchange (RFC 7636): checking ``code_challenge`` and ``code_verifier``.

Known difference: Cognito accepts only ``S256``; ``plain`` (RFC 7636 §4.2, the default when no method is
named) is accepted here too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

METHODS = ("S256", "plain")
# RFC 7636 §4.1: 43-128 characters of [A-Z a-z 0-9 - . _ ~] (a S256 challenge is 43 base64url characters).
_VALUE = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def valid_value(value: str) -> bool:
    """True for a well-formed verifier or challenge."""
    return _VALUE.fullmatch(value) is not None


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def verify(challenge: str, method: str, verifier: str) -> bool:
    """True when ``verifier`` answers ``challenge`` (compared in constant time)."""
    if not valid_value(verifier):
        return False
    expected = s256(verifier) if method == "S256" else verifier
    return hmac.compare_digest(expected.encode(), challenge.encode())
