"""Our validator against botocore's model: what botocore builds and accepts, we accept.

For every operation of the model, a request filling every member (nested to a few levels, with values
that meet the model's constraints) is checked by botocore's own ParamValidator, serialized by its JSON
serializer, and must then pass our validator unchanged in meaning. Then single-member violations
botocore does not pre-check (max length, pattern, enum, range) must be refused by ours.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import regex
from botocore.serialize import create_serializer
from botocore.validate import ParamValidator

from userpools.errors import InvalidParameterException
from userpools.protocol import model
from userpools.protocol.validate import validate

# Strings that satisfy the model's patterns; the first that fits a shape's pattern and length wins.
CANDIDATES = [
    "us-east-1_Abc123XYZ",
    "abc",
    "Level1",
    "import-abc123",
    "us-east-1_0123abcd-ef",
    "user@example.com",
    "+15555550100",
    "https://example.com/callback",
    "arn:aws:iam::000000000000:role/userpools",
    "arn:aws:lambda:us-east-1:000000000000:function:trigger",
    "Your code is {####}",
    "Hello {username}, your code is {####}",
    "123456",
    "example",
    "a.b",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
    "terms-of-use",
    "2f4b9c1e-8d3a-4e5f-9a6b-7c8d9e0f1a2b",
    "tkn0123456789abcdefghijklmno",
]
MAX_DEPTH = 5


class Unsatisfiable(Exception):
    pass


def _string(shape: Any) -> str:
    if shape.enum:
        return str(shape.enum[0])
    meta = shape.metadata
    low, high = meta.get("min", 0), meta.get("max", 10_000)
    pattern = meta.get("pattern")
    padded = [c * max(1, -(-low // len(c))) for c in CANDIDATES]
    for candidate in CANDIDATES + padded + ["a" * max(low, 1)]:
        if low <= len(candidate) <= high and (not pattern or regex.fullmatch(pattern, candidate)):
            return candidate
    raise Unsatisfiable(f"{shape.name}: {pattern}")


def build(shape: Any, depth: int = 0) -> Any:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return max(meta.get("min", 0), min(1, meta.get("max", 1)))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    if kind == "blob":
        return b"x" * max(1, meta.get("min", 1))
    if kind == "list":
        return [build(shape.member, depth + 1)] * max(1, meta.get("min", 1))
    if kind == "map":
        return {_string(shape.key): build(shape.value, depth + 1)}
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if depth >= MAX_DEPTH and name not in shape.required_members:
                continue
            try:
                out[name] = build(member, depth + 1)
            except Unsatisfiable:
                if name in shape.required_members:
                    raise
        return out
    raise Unsatisfiable(kind)


def serialized(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    op_model = model.service_model().operation_model(operation)
    report = ParamValidator().validate(params, op_model.input_shape)
    assert not report.has_errors(), report.generate_report()
    request = create_serializer("json").serialize_to_request(params, op_model)
    body: dict[str, Any] = json.loads(request["body"] or b"{}")
    return body


def test_every_operation_accepts_what_botocore_sends() -> None:
    checked = []
    for operation in model.operation_names():
        shape = model.input_shape(operation)
        if shape is None:
            continue
        try:
            params = build(shape)
        except Unsatisfiable:
            continue
        body = serialized(operation, params)
        cleaned = validate(shape, body)
        assert set(cleaned) == set(body), operation
        checked.append(operation)
    # The generator must reach (nearly) the whole model, or this test proves little.
    assert len(checked) >= 0.99 * len(model.operation_names()), sorted(
        set(model.operation_names()) - set(checked)
    )


def _violations(shape: Any) -> list[tuple[str, Any, str]]:
    """(member, bad value, expected constraint phrase) for each top-level string/integer member."""
    out = []
    for name, member in shape.members.items():
        meta = member.metadata
        if member.type_name == "string":
            if member.enum:
                out.append((name, "NOT_AN_ENUM_VALUE", "Member must satisfy enum value set"))
            elif "max" in meta and meta["max"] < 5000:
                out.append((name, "a" * (meta["max"] + 1), "Member must have length less than or equal to"))
            if meta.get("pattern") and not regex.fullmatch(meta["pattern"], "\x00 \x01"):
                out.append((name, "\x00 \x01", "Member must satisfy regular expression pattern"))
        if member.type_name in ("integer", "long") and "max" in meta:
            out.append((name, meta["max"] + 1, "Member must have value less than or equal to"))
    return out


@pytest.mark.parametrize(
    "operation",
    ["AdminCreateUser", "CreateUserPool", "CreateUserPoolClient", "InitiateAuth", "ListUsers", "CreateGroup"],
)
def test_constraints_botocore_does_not_check_are_refused(operation: str) -> None:
    shape = model.input_shape(operation)
    valid = serialized(operation, build(shape))
    violations = _violations(shape)
    assert violations
    for name, bad, phrase in violations:
        with pytest.raises(InvalidParameterException) as err:
            validate(shape, {**valid, name: bad})
        message = err.value.message
        path = name[0].lower() + name[1:]
        assert regex.match(r"[12] validation errors? detected: Value", message), message
        assert f"at '{path}' failed to satisfy constraint: {phrase}" in message, message
        sensitive = member_sensitive(shape.members[name])
        assert (repr(bad)[1:-1] in message or str(bad) in message) != sensitive, message


def member_sensitive(shape: Any) -> bool:
    return bool(shape.metadata.get("sensitive"))
