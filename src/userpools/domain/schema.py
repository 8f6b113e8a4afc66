"""User pool schema: the standard attributes Cognito always has, plus the pool's custom attributes.

Shapes are ``SchemaAttributeType`` as DescribeUserPool returns them (constraints are strings).
See https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

STANDARD_STRING = (
    "name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile",
    "picture", "website", "email",
)  # fmt: skip


def _string(
    name: str, *, required: bool = False, mutable: bool = True, lo: int = 0, hi: int = 2048
) -> dict[str, Any]:
    return {
        "Name": name,
        "AttributeDataType": "String",
        "DeveloperOnlyAttribute": False,
        "Mutable": mutable,
        "Required": required,
        "StringAttributeConstraints": {"MinLength": str(lo), "MaxLength": str(hi)},
    }


def _boolean(name: str) -> dict[str, Any]:
    return {"Name": name, "AttributeDataType": "Boolean", "DeveloperOnlyAttribute": False, "Mutable": True,
            "Required": False}  # fmt: skip


# In the order DescribeUserPool lists them.
STANDARD_ATTRIBUTES: tuple[dict[str, Any], ...] = (
    _string("sub", required=True, mutable=False, lo=1),
    *(_string(n) for n in STANDARD_STRING),
    _boolean("email_verified"),
    _string("gender"),
    _string("birthdate", lo=10, hi=10),
    _string("zoneinfo"),
    _string("locale"),
    _string("phone_number"),
    _boolean("phone_number_verified"),
    _string("address"),
    {"Name": "updated_at", "AttributeDataType": "Number", "DeveloperOnlyAttribute": False, "Mutable": True,
     "Required": False, "NumberAttributeConstraints": {"MinValue": "0"}},
    {"Name": "identities", "AttributeDataType": "String", "DeveloperOnlyAttribute": False, "Mutable": True,
     "Required": False, "StringAttributeConstraints": {}},
)  # fmt: skip

STANDARD_NAMES = frozenset(a["Name"] for a in STANDARD_ATTRIBUTES)
VERIFIABLE = ("email", "phone_number")
MAX_CUSTOM_ATTRIBUTES = 50


def standard_schema() -> list[dict[str, Any]]:
    return copy.deepcopy(list(STANDARD_ATTRIBUTES))


def full_name(attribute: dict[str, Any]) -> str:
    """The name users carry: ``custom:x`` / ``dev:custom:x`` for custom attributes, bare for standard ones."""
    name = str(attribute["Name"])
    if name in STANDARD_NAMES or name.startswith(("custom:", "dev:")):
        return name
    return f"custom:{name}"


def user_attribute_name(attribute: dict[str, Any]) -> str:
    """How the attribute appears in a user's attribute list (developer-only ones get ``dev:``)."""
    name = full_name(attribute)
    if name.startswith("dev:"):
        return "dev:custom:" + name[4:] if not name.startswith("dev:custom:") else name
    return name


def by_name(schema: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Schema entries keyed by the attribute names users carry (``custom:x``, ``dev:custom:x``, ``email``)."""
    out: dict[str, dict[str, Any]] = {}
    for attribute in schema:
        out[user_attribute_name(attribute)] = attribute
        out[full_name(attribute)] = attribute
    return out


def custom_attributes(schema: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [a for a in schema if a["Name"] not in STANDARD_NAMES]


def required_attributes(schema: Iterable[dict[str, Any]]) -> list[str]:
    return [full_name(a) for a in schema if a.get("Required") and a["Name"] != "sub"]
