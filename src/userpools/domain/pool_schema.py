"""A pool's attribute schema: CreateUserPool ``Schema`` and AddCustomAttributes, with Cognito's rules.

Implements the schema parts of https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/
API_CreateUserPool.html and API_AddCustomAttributes.html, and the attribute rules of
https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html:

- Standard attributes keep their type and can't be developer-only ("You can not change AttributeDataType or
  set developerOnlyAttribute for standard schema attribute <name>"); they may be made Required, immutable, or
  given tighter String constraints. ``sub`` can't be changed at all.
- Anything else is a custom attribute: stored as ``custom:<Name>`` (a ``custom:`` prefix in the request is
  taken as part of the name's spelling, not doubled), or ``dev:custom:<Name>`` when DeveloperOnlyAttribute is
  true (the name real pools report, and what moto/Terraform use). Custom attributes can't be Required
  ("Required custom attributes are not supported currently."), need an AttributeDataType, and are Mutable
  unless told otherwise. At most 50 per pool.
- String lengths are whole numbers 0..2048, Number bounds whole numbers; min must not exceed max. Constraints
  that don't fit the data type are dropped, as Cognito does.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from userpools.domain.schema import (
    MAX_CUSTOM_ATTRIBUTES,
    STANDARD_ATTRIBUTES,
    STANDARD_NAMES,
    custom_attributes,
)
from userpools.errors import InvalidParameterException

_STANDARD = {a["Name"]: a for a in STANDARD_ATTRIBUTES}
MAX_STRING_LENGTH = 2048


def build_schema(requested: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """SchemaAttributes for a new pool: every standard attribute (adjusted as asked) plus the custom ones."""
    standard = {name: copy.deepcopy(attr) for name, attr in _STANDARD.items()}
    seen: set[str] = set()
    custom: list[dict[str, Any]] = []
    for item in requested:
        name = _name_of(item)
        if name in STANDARD_NAMES:
            if name in seen:
                raise InvalidParameterException(f"Duplicate schema attribute name {name}.")
            seen.add(name)
            standard[name] = _standard_attribute(name, item)
            continue
        attribute = custom_attribute(item)
        if attribute["Name"] in seen:
            raise InvalidParameterException(_exists_message(item, attribute["Name"]))
        seen.add(attribute["Name"])
        custom.append(attribute)
    _check_custom_limit(len(custom))
    return [standard[a["Name"]] for a in STANDARD_ATTRIBUTES] + custom


def add_custom_attributes(
    schema: list[dict[str, Any]], additions: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The schema with ``additions`` appended (AddCustomAttributes); existing names are refused."""
    names = {a["Name"] for a in schema}
    added: list[dict[str, Any]] = []
    for item in additions:
        attribute = custom_attribute(item)
        if attribute["Name"] in names:
            raise InvalidParameterException(_exists_message(item, attribute["Name"]))
        names.add(attribute["Name"])
        added.append(attribute)
    _check_custom_limit(len(custom_attributes(schema)) + len(added))
    return [*schema, *added]


def custom_attribute(item: dict[str, Any]) -> dict[str, Any]:
    """One custom (or developer-only) attribute as DescribeUserPool shows it."""
    base = _custom_base(item)
    data_type = item.get("AttributeDataType")
    if not data_type:
        raise InvalidParameterException(
            "Invalid AttributeDataType input, consider using the provided AttributeDataType enum."
        )
    if item.get("Required"):
        raise InvalidParameterException("Required custom attributes are not supported currently.")
    developer_only = bool(item.get("DeveloperOnlyAttribute", False))
    name = f"dev:custom:{base}" if developer_only else f"custom:{base}"
    attribute: dict[str, Any] = {
        "Name": name,
        "AttributeDataType": data_type,
        "DeveloperOnlyAttribute": developer_only,
        "Mutable": bool(item.get("Mutable", True)),
        "Required": False,
    }
    attribute.update(_constraints(name, data_type, item, default={}))
    return attribute


def _standard_attribute(name: str, item: dict[str, Any]) -> dict[str, Any]:
    base = copy.deepcopy(_STANDARD[name])
    data_type = item.get("AttributeDataType")
    if (data_type and data_type != base["AttributeDataType"]) or item.get("DeveloperOnlyAttribute"):
        raise InvalidParameterException(
            "You can not change AttributeDataType or set developerOnlyAttribute for standard schema "
            f"attribute {name}"
        )
    if name == "sub":
        if item.get("Required") is False or item.get("Mutable") is True:
            raise InvalidParameterException("The sub attribute is always required and immutable.")
        return base
    for key in ("Mutable", "Required"):
        if key in item:
            base[key] = bool(item[key])
    if base["AttributeDataType"] == "String":
        default = base.get("StringAttributeConstraints") or {}
        base.update(_constraints(name, "String", item, default=default))
    elif base["AttributeDataType"] == "Number":
        base.update(_constraints(name, "Number", item, default=base.get("NumberAttributeConstraints") or {}))
    return base


def _constraints(name: str, data_type: str, item: dict[str, Any], default: dict[str, str]) -> dict[str, Any]:
    if data_type == "String":
        given = item.get("StringAttributeConstraints")
        values = dict(default if given is None else given)
        low = _whole(name, values.get("MinLength"), "StringAttributeConstraints", minimum=0)
        high = _whole(name, values.get("MaxLength"), "StringAttributeConstraints", minimum=0)
        if (low is not None and low > MAX_STRING_LENGTH) or (high is not None and high > MAX_STRING_LENGTH):
            raise InvalidParameterException(
                f"user.{name}: String attributes cannot have a length of more than 2048"
            )
        if low is not None and high is not None and low > high:
            raise InvalidParameterException(f"user.{name}: Max length cannot be less than min length.")
        return {"StringAttributeConstraints": _canonical(values, ("MinLength", "MaxLength"))}
    if data_type == "Number":
        given = item.get("NumberAttributeConstraints")
        values = dict(default if given is None else given)
        low = _whole(name, values.get("MinValue"), "NumberAttributeConstraints")
        high = _whole(name, values.get("MaxValue"), "NumberAttributeConstraints")
        if low is not None and high is not None and low > high:
            raise InvalidParameterException(f"user.{name}: Max value cannot be less than min value.")
        return {"NumberAttributeConstraints": _canonical(values, ("MinValue", "MaxValue"))}
    return {}  # Boolean and DateTime attributes carry no constraints.


def _whole(name: str, raw: str | None, kind: str, minimum: int | None = None) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidParameterException(f"Invalid {kind} for schema attribute {name}") from None
    if minimum is not None and value < minimum:
        raise InvalidParameterException(f"Invalid {kind} for schema attribute {name}")
    return value


def _canonical(values: dict[str, Any], keys: tuple[str, str]) -> dict[str, str]:
    return {k: str(int(str(values[k]).strip())) for k in keys if values.get(k) not in (None, "")}


def _name_of(item: dict[str, Any]) -> str:
    name = item.get("Name")
    if not name:
        raise InvalidParameterException("Schema attribute name is required.")
    return str(name)


def _custom_base(item: dict[str, Any]) -> str:
    name = _name_of(item)
    for prefix in ("dev:custom:", "custom:", "dev:"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if not name:
        raise InvalidParameterException("Custom attribute name must not be empty.")
    return name


def _exists_message(item: dict[str, Any], name: str) -> str:
    return f"custom:{_custom_base(item)}: Existing attribute already has name {name}."


def _check_custom_limit(count: int) -> None:
    if count > MAX_CUSTOM_ATTRIBUTES:
        raise InvalidParameterException(
            f"A user pool can have at most {MAX_CUSTOM_ATTRIBUTES} custom attributes, not {count}."
        )
