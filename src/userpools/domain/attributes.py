"""User attributes checked against the pool schema: names, types, constraints, mutability, formats.

See https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
Violations are ``InvalidParameterException("Attributes did not conform to the schema: <name>: <why>")``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from userpools.domain.schema import by_name
from userpools.errors import InvalidParameterException

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+$")
PHONE_RE = re.compile(r"^\+[0-9]{2,15}$")
NUMBER_RE = re.compile(r"^-?[0-9]+$")
# Written by the service, never by a caller.
READ_ONLY = frozenset({"sub", "identities", "cognito:user_status"})


def looks_like_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value))


def looks_like_phone(value: str) -> bool:
    return bool(PHONE_RE.match(value))


def schema_error(name: str, why: str) -> InvalidParameterException:
    return InvalidParameterException(f"Attributes did not conform to the schema: {name}: {why}")


def from_wire(items: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """``AttributeListType`` → ``{name: value}``; a name given twice is refused."""
    out: dict[str, str] = {}
    for item in items:
        name = str(item["Name"])
        if name in out:
            raise InvalidParameterException(f"Duplicate attribute: {name}")
        out[name] = str(item.get("Value", ""))
    return out


def to_wire(attributes: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in attributes.items()]


def check_writes(
    schema: Iterable[dict[str, Any]],
    changes: Mapping[str, str],
    *,
    creating: bool,
    known: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, str]:
    """Validates attribute writes by an administrator; returns them normalized (booleans lower-case).

    ``creating`` allows immutable attributes (they can be set only when the user is created). ``known``:
    ``by_name(schema)`` computed once by a caller checking many users (a CSV import).
    """
    known = by_name(schema) if known is None else known
    out: dict[str, str] = {}
    for name, value in changes.items():
        entry = known.get(name)
        if entry is None or (name.startswith("dev:") and not name.startswith("dev:custom:")):
            raise schema_error(name, "Attribute does not exist in the schema.")
        if name in READ_ONLY:
            raise schema_error(name, "Attribute cannot be written.")
        if not creating and not entry.get("Mutable", True):
            raise schema_error(name, "Attribute cannot be updated. (changing an immutable attribute)")
        out[name] = _check_value(name, entry, value)
    return out


def _check_value(name: str, entry: dict[str, Any], value: str) -> str:
    kind = entry.get("AttributeDataType", "String")
    if kind == "Boolean":
        if value.lower() not in ("true", "false"):
            raise schema_error(name, "Attribute value must be true or false.")
        return value.lower()
    if kind == "Number":
        if not NUMBER_RE.match(value):
            raise schema_error(name, "Number must be a whole number.")
        limits = entry.get("NumberAttributeConstraints") or {}
        if limits.get("MinValue") not in (None, "") and int(value) < int(limits["MinValue"]):
            raise schema_error(name, f"Number must be greater than or equal to {limits['MinValue']}.")
        if limits.get("MaxValue") not in (None, "") and int(value) > int(limits["MaxValue"]):
            raise schema_error(name, f"Number must be less than or equal to {limits['MaxValue']}.")
        return value
    limits = entry.get("StringAttributeConstraints") or {}
    if value and limits.get("MinLength") not in (None, "") and len(value) < int(limits["MinLength"]):
        raise schema_error(name, f"String must be at least {limits['MinLength']} characters long.")
    if limits.get("MaxLength") not in (None, "") and len(value) > int(limits["MaxLength"]):
        raise schema_error(name, f"String must be no longer than {limits['MaxLength']} characters.")
    if name == "email" and value and not looks_like_email(value):
        raise InvalidParameterException("Invalid email address format.")
    if name == "phone_number" and value and not looks_like_phone(value):
        raise InvalidParameterException("Invalid phone number format.")
    return value


def missing_required(schema: Iterable[dict[str, Any]], attributes: Mapping[str, str]) -> None:
    """Refuses a profile that lacks one of the pool's required attributes."""
    for entry in schema:
        name = str(entry["Name"])
        if entry.get("Required") and name != "sub" and not attributes.get(name):
            raise schema_error(name, "The attribute is required")


def check_deletes(schema: Iterable[dict[str, Any]], names: Iterable[str]) -> list[str]:
    """Validates attribute deletions: known, writable, mutable and not required."""
    known = by_name(schema)
    out = []
    for name in names:
        entry = known.get(name)
        if entry is None:
            raise schema_error(name, "Attribute does not exist in the schema.")
        if name in READ_ONLY or not entry.get("Mutable", True):
            raise schema_error(name, "Attribute cannot be deleted. (deleting an immutable attribute)")
        if entry.get("Required"):
            raise schema_error(name, "The attribute is required")
        out.append(name)
    return out
