"""The pool password policy: checking a password, and generating a temporary one that satisfies it.

See https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html
Messages follow Cognito's ``Password did not conform with policy: <reason>``.
"""

from __future__ import annotations

import string
from typing import Any

from userpools.ports import Random

# The symbols Cognito counts as special characters (space included).
SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- "
# Generated passwords avoid quotes, backslash and space, which are awkward to type or paste.
_GENERATED_SYMBOLS = "^$*.[]{}()?!@#%&/,><:;|_~=+-"
_LETTERS = string.ascii_letters + string.digits


def policy_violation(policy: dict[str, Any], password: str) -> str | None:
    """The first reason ``password`` fails ``policy`` (a PasswordPolicyType), or None when it conforms."""
    if len(password) < int(policy.get("MinimumLength") or 8):
        return "Password not long enough"
    if policy.get("RequireLowercase") and not any(c in string.ascii_lowercase for c in password):
        return "Password must have lowercase characters"
    if policy.get("RequireUppercase") and not any(c in string.ascii_uppercase for c in password):
        return "Password must have uppercase characters"
    if policy.get("RequireNumbers") and not any(c in string.digits for c in password):
        return "Password must have numeric characters"
    if policy.get("RequireSymbols") and not any(c in SYMBOLS for c in password):
        return "Password must have symbol characters"
    return None


def generate_password(policy: dict[str, Any], random: Random) -> str:
    """A random password of max(MinimumLength, 12) characters with every required character class."""
    length = max(int(policy.get("MinimumLength") or 8), 12)
    chars = [
        random.choice(string.ascii_lowercase),
        random.choice(string.ascii_uppercase),
        random.choice(string.digits),
        random.choice(_GENERATED_SYMBOLS),
    ]
    chars += [random.choice(_LETTERS) for _ in range(length - len(chars))]
    # Fisher-Yates so the class characters are not always in front.
    for i in range(len(chars) - 1, 0, -1):
        j = int.from_bytes(random.token_bytes(4), "big") % (i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)
