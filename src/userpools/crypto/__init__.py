"""Cryptography written for Cognito compatibility (SRP) and small secret helpers shared by operations."""

from __future__ import annotations

import hashlib
import hmac


def code_digest(key: bytes, purpose: str, sub: str, code: str) -> str:
    """The stored form of a one-time code: HMAC-SHA256 keyed by a server secret, bound to user and purpose.

    ``key`` is ``sealer.derive("codes")``: without the server's master key a leaked digest can't be
    brute-forced back to its six digits.
    """
    return hmac.new(key, f"{purpose}\x00{sub}\x00{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(key: bytes, stored_digest: str, purpose: str, sub: str, code: str) -> bool:
    """Compares a submitted code with its stored digest in constant time."""
    return hmac.compare_digest(stored_digest, code_digest(key, purpose, sub, code))
