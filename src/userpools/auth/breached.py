"""Compromised-credentials detection: is a password in the bundled list of breached passwords?

The list (``breached_passwords.txt``, next to this module) holds the 5,000 most common passwords of the
xato.net breach corpus as zxcvbn ranks them, then common policy-compliant variants; see
docs/threat-protection.md. A password matches when it, or its lower-cased form, is on the list. Only
flows that carry the password can be checked (USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, sign-up,
password changes), as in Cognito: an SRP sign-in never shows the password to the server.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _breached() -> frozenset[str]:
    text = resources.files("userpools.auth").joinpath("breached_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("# "))


def is_breached(password: str) -> bool:
    passwords = _breached()
    return password in passwords or password.lower() in passwords
