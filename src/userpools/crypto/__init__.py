"""Cryptography written for Cognito compatibility (SRP) and small secret helpers shared by operations."""

from __future__ import annotations

import hashlib
import hmac


def code_digest(purpose: str, sub: str, code: str) -> str:
    """The stored form of a one-time code: SHA-256 bound to the user and the code's purpose."""
    return hashlib.sha256(f"{purpose}\x00{sub}\x00{code}".encode()).hexdigest()


def code_matches(stored_digest: str, purpose: str, sub: str, code: str) -> bool:
    """Compares a submitted code with its stored digest in constant time."""
    return hmac.compare_digest(stored_digest, code_digest(purpose, sub, code))
