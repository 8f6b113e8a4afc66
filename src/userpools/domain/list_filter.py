"""The ListUsers ``Filter`` grammar and how each searchable attribute is compared.

``<attribute> = "<value>"`` (exact) or ``<attribute> ^= "<value>"`` (prefix); quotes inside the value are
backslash-escaped; an empty filter lists everyone. ``username`` and ``status`` compare case-sensitively,
the rest case-insensitively (COGNITO-FACTS §6.6; API_ListUsers.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from userpools.errors import InvalidParameterException

_FILTER = re.compile(r'^\s*([A-Za-z_:]+)\s*(\^?=)\s*"((?:[^"\\]|\\.)*)"\s*$', re.DOTALL)
_LOWERED = ("email", "phone_number", "name", "given_name", "family_name", "preferred_username")
SEARCHABLE = ("username", *_LOWERED, "cognito:user_status", "status", "sub")
_STATUS_WORDS = (("Enabled", True), ("Disabled", False))


@dataclass(frozen=True)
class Query:
    """The indexed column to walk and the condition on it (see ``UserRepo.page``)."""

    column: str
    condition: tuple[str, Any] | None


def parse(text: str | None) -> Query:
    if not text or not text.strip():
        return Query("username_key", None)
    match = _FILTER.match(text)
    if match is None:
        raise InvalidParameterException("Error while parsing filter.")
    attribute, op, raw = match.groups()
    value = re.sub(r"\\(.)", r"\1", raw)
    if attribute not in SEARCHABLE:
        raise InvalidParameterException(f"Invalid search attribute: {attribute}")
    prefix = op == "^="
    if attribute == "status":
        matches = [
            flag for word, flag in _STATUS_WORDS if (word.startswith(value) if prefix else word == value)
        ]
        if len(matches) == 1:
            return Query("enabled", ("eq", matches[0]))
        return Query("enabled", None if matches else ("in", []))
    column, value = _column(attribute, value)
    if not prefix:
        return Query(column, ("eq", value))
    if not value:
        return Query(column, None)
    return Query(column, ("prefix", (value, _successor(value))))


def _column(attribute: str, value: str) -> tuple[str, str]:
    if attribute == "username":
        return "username", value
    if attribute == "cognito:user_status":
        return "status", value.upper()
    if attribute == "sub":
        return "sub", value.lower()
    return f"f_{attribute}", value.lower()


def _successor(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix`` (code-point order)."""
    last = ord(prefix[-1])
    if last >= 0x10FFFF:
        return prefix + "\U0010ffff"
    return prefix[:-1] + chr(last + 1)
