"""Validates a decoded JSON request against the model's input shape, the way AWS's front end does.

Constraint violations are collected and answered as one ``InvalidParameterException``
("N validation errors detected: ..."); a value of the wrong JSON type is a ``SerializationException``
as in every AWS JSON service. JSON ``null`` is treated as absent (amazon-cognito-identity-js sends it).
Returns a cleaned copy: nulls dropped, blobs decoded to bytes.
"""

from __future__ import annotations

import base64
import binascii
from functools import cache
from typing import Any

import regex

from userpools.errors import InvalidParameterException, SerializationException


@cache
def _pattern(pattern: str) -> Any:
    return regex.compile(pattern)


# The one place the published model is stricter than the service: DomainType's pattern allows a single
# label, yet CreateUserPoolDomain takes custom domains such as auth.example.com (the developer guide's own
# example). Applied only to that shape; every other constraint comes from the model as published.
_SERVICE_PATTERNS = {
    "DomainType": r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?)*$"
}
# Likewise the one enum value the published model lacks: GetClientToken's documentation (same model) requires
# an app client whose only ExplicitAuthFlows value is ALLOW_CLIENT_TOKEN_AUTH, which ExplicitAuthFlowsType
# doesn't list yet.
_SERVICE_ENUM_VALUES = {"ExplicitAuthFlowsType": frozenset({"ALLOW_CLIENT_TOKEN_AUTH"})}


def _member_path(parent: str, name: str) -> str:
    part = name[:1].lower() + name[1:]
    return f"{parent}.{part}" if parent else part


REDACTED = "***Sensitive Data Redacted***"


def _sensitive(shape: Any) -> bool:
    return bool(shape.serialization.get("sensitive") or shape.metadata.get("sensitive"))


def _render(shape: Any, value: Any) -> str:
    """The value as AWS echoes it (Java-style ``{k=v}``, ``[a, b]``), sensitive parts redacted."""
    if _sensitive(shape):
        return REDACTED
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        member = getattr(shape, "member", shape)
        return "[" + ", ".join(_render(member, v) for v in value) + "]"
    if isinstance(value, dict):
        if shape.type_name == "structure":
            parts = (f"{k}={_render(shape.members[k], v)}" for k, v in value.items() if k in shape.members)
        elif shape.type_name == "map":
            parts = (f"{_render(shape.key, k)}={_render(shape.value, v)}" for k, v in value.items())
        else:
            # An object where the model wants a scalar (a list's too-many members are rendered before
            # each member's type is checked): shown as it came, under the same redaction.
            parts = (f"{k}={_render(shape, v)}" for k, v in value.items())
        return "{" + ", ".join(parts) + "}"
    return str(value)


class _Validator:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, shape: Any, path: str, value: Any, constraint: str, *, missing: bool = False) -> None:
        if missing:
            shown = " null"
        elif _sensitive(shape):
            shown = ""
        else:
            shown = f" '{_render(shape, value)}'"
        self.errors.append(f"Value{shown} at '{path}' failed to satisfy constraint: {constraint}")

    def check(self, shape: Any, value: Any, path: str) -> Any:
        kind = shape.type_name
        method = getattr(self, f"_{kind}", None)
        if method is None:
            return value
        return method(shape, value, path)

    def _structure(self, shape: Any, value: Any, path: str) -> Any:
        if shape.metadata.get("document"):
            return value  # a Document member is free-form JSON, which the operation checks itself
        if not isinstance(value, dict):
            raise SerializationException(f"Expected an object for '{path or 'request'}'.")
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            raw = value.get(name)
            member_path = _member_path(path, name)
            if raw is None:
                if name in shape.required_members:
                    self.fail(member, member_path, None, "Member must not be null", missing=True)
                continue
            out[name] = self.check(member, raw, member_path)
        return out

    def _constraints(self, shape: Any, value: Any, path: str, size: int) -> None:
        meta = shape.metadata
        if "max" in meta and size > meta["max"]:
            self.fail(shape, path, value, f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta and size < meta["min"]:
            self.fail(shape, path, value, f"Member must have length greater than or equal to {meta['min']}")

    def _string(self, shape: Any, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise SerializationException(f"{_json_kind(value)} can not be converted to a String")
        failed = len(self.errors)
        self._constraints(shape, value, path, len(value))
        enum = shape.enum
        if enum and value not in enum and value not in _SERVICE_ENUM_VALUES.get(shape.name, ()):
            self.fail(shape, path, value, f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pattern = _SERVICE_PATTERNS.get(shape.name) or shape.metadata.get("pattern")
        if pattern and value and not _pattern(pattern).fullmatch(value):
            self.fail(shape, path, value, f"Member must satisfy regular expression pattern: {pattern}")
        if len(self.errors) == failed and "\x00" in value:
            # No Cognito value needs one, and PostgreSQL text can't hold it: refused alike on both stores.
            self.fail(shape, path, value, "Member must not contain the NUL character (U+0000)")
        return value

    def _integer(self, shape: Any, value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SerializationException(f"{_json_kind(value)} can not be converted to an Integer")
        if isinstance(value, float):
            if not value.is_integer():
                raise SerializationException(
                    "NUMBER_VALUE with a fraction can not be converted to an Integer"
                )
            value = int(value)
        meta = shape.metadata
        if "max" in meta and value > meta["max"]:
            self.fail(shape, path, value, f"Member must have value less than or equal to {meta['max']}")
        if "min" in meta and value < meta["min"]:
            self.fail(shape, path, value, f"Member must have value greater than or equal to {meta['min']}")
        return value

    _long = _integer

    def _boolean(self, shape: Any, value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            raise SerializationException(f"{_json_kind(value)} can not be converted to a Boolean")
        return value

    def _timestamp(self, shape: Any, value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SerializationException(f"{_json_kind(value)} can not be converted to a Timestamp")
        return float(value)

    def _blob(self, shape: Any, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise SerializationException(f"{_json_kind(value)} can not be converted to a Blob")
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise SerializationException(f"Base64 encoded value at '{path}' is not valid.") from None
        self._constraints(shape, value, path, len(data))
        return data

    def _list(self, shape: Any, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise SerializationException(f"{_json_kind(value)} can not be converted to a List")
        self._constraints(shape, value, path, len(value))
        member = shape.member
        return [
            self.check(member, item, f"{path}.{index}.member")
            for index, item in enumerate(value, start=1)
            if item is not None
        ]

    def _map(self, shape: Any, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise SerializationException(f"{_json_kind(value)} can not be converted to a Map")
        cleaned = {k: v for k, v in value.items() if v is not None}
        self._constraints(shape, cleaned, path, len(cleaned))
        out: dict[str, Any] = {}
        for key, item in cleaned.items():
            key_errors = _Validator()
            key_errors.check(shape.key, key, path)
            value_errors = _Validator()
            out[key] = value_errors.check(shape.value, item, path)
            for label, sub in (("Map keys", key_errors), ("Map value", value_errors)):
                if sub.errors:
                    inner = ", ".join(e.split("failed to satisfy constraint: ", 1)[1] for e in sub.errors)
                    self.fail(shape, path, cleaned, f"{label} must satisfy constraint: [{inner}]")
        return out


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOLEAN_VALUE"
    if isinstance(value, str):
        return "STRING_VALUE"
    if isinstance(value, int | float):
        return "NUMBER_VALUE"
    if isinstance(value, list):
        return "Start of list"
    if isinstance(value, dict):
        return "Start of structure or map"
    return "VALUE"


def validate(shape: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Checks ``body`` against ``shape``; returns the cleaned request or raises a ServiceError."""
    if shape is None:
        return {}
    validator = _Validator()
    cleaned: dict[str, Any] = validator.check(shape, body, "")
    if validator.errors:
        count = len(validator.errors)
        noun = "validation error" if count == 1 else "validation errors"
        raise InvalidParameterException(f"{count} {noun} detected: " + "; ".join(validator.errors))
    return cleaned
