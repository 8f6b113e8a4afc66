"""Hypothesis strategies for request bodies, built from botocore's model shapes.

Each value is usually plausible (within the model's lengths and enums, or a real id from the test's pool)
and sometimes hostile: the wrong JSON type, too long, unicode, control characters, injection payloads,
huge numbers, a missing required member or an extra one.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from userpools.protocol import model

MAX_DEPTH = 5
PAYLOADS = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR ""="',
    "\\",
    "%",
    "_",
    "*",
    "../../etc/passwd",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "\u202e\ufeff\u200b",
    "\U0001f600" * 3,
    "ǅ",
    "us-east-1_",
    "us-west-2_AAAAAAAAA",
    "us-east-1_ZZZZZZZZZ",
    "null",
    "-1",
    "9" * 40,
    "\r\nX-Injected: 1",
)
_SAFE = string.ascii_letters + string.digits


def wrong_type() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70),
        st.booleans(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
        st.text(max_size=8),
    )


class Builder:
    """Strategies for one operation's input, with ``known`` values offered for members of those names."""

    def __init__(self, known: Mapping[str, Any]) -> None:
        self.known = known

    def request(self, operation: str) -> st.SearchStrategy[dict[str, Any]]:
        shape = model.input_shape(operation)
        if shape is None:
            return st.just({})
        return self.structure(shape, 0)

    def value(self, shape: Any, name: str, depth: int) -> st.SearchStrategy[Any]:
        if depth > MAX_DEPTH:
            return st.none()
        kind = shape.type_name
        plausible: st.SearchStrategy[Any]
        if kind == "structure":
            plausible = self.structure(shape, depth + 1)
        elif kind == "list":
            plausible = self.list(shape, name, depth)
        elif kind == "map":
            plausible = self.map(shape, depth)
        elif kind == "string":
            plausible = self.string(shape)
        elif kind in ("integer", "long"):
            plausible = self.integer(shape)
        elif kind == "boolean":
            plausible = st.booleans()
        elif kind == "timestamp":
            plausible = st.one_of(st.integers(0, 2**40), st.just("2026-01-01T00:00:00Z"))
        elif kind == "blob":
            plausible = st.one_of(
                st.just("aGVsbG8="), st.just("not base64!"), st.binary(max_size=8).map(bytes.hex)
            )
        else:
            plausible = st.none()
        options = [plausible, plausible, plausible, wrong_type(), st.none()]
        if name in self.known:
            options = [st.just(self.known[name])] * 4 + options
        return st.one_of(options)

    def string(self, shape: Any) -> st.SearchStrategy[str]:
        low = int(shape.metadata.get("min", 0))
        high = int(shape.metadata.get("max", 64))
        enum = shape.enum
        plausible = (
            st.sampled_from(enum)
            if enum
            else st.text(alphabet=_SAFE, min_size=max(low, 1), max_size=max(min(high, 40), 1))
        )
        too_long = st.just("x" * (min(high, 300_000) + 1))
        too_short = st.just("x" * (low - 1)) if low > 1 else st.just("")
        return st.one_of(
            plausible,
            plausible,
            st.sampled_from(PAYLOADS),
            st.text(max_size=30),
            too_long,
            too_short,
            st.sampled_from(enum).map(str.lower) if enum else st.just("NOT_AN_ENUM"),
        )

    def integer(self, shape: Any) -> st.SearchStrategy[Any]:
        low = shape.metadata.get("min")
        high = shape.metadata.get("max")
        inside = st.integers(
            min_value=low if low is not None else -1000, max_value=high if high is not None else 100_000
        )
        return st.one_of(
            inside,
            inside,
            st.sampled_from([-1, 0, 2**31, 2**63, 2**64 + 1, -(2**63) - 1, 10**30]),
            st.floats(allow_nan=False, allow_infinity=False),
            st.just("12"),
        )

    def list(self, shape: Any, name: str, depth: int) -> st.SearchStrategy[Any]:
        member = self.value(shape.member, name.rstrip("s"), depth + 1)
        high = int(shape.metadata.get("max", 5))
        return st.one_of(
            st.lists(member, max_size=min(high, 4)),
            st.lists(member, min_size=high + 1, max_size=high + 2) if high < 60 else st.just([]),
        )

    def map(self, shape: Any, depth: int) -> st.SearchStrategy[Any]:
        keys = st.one_of(
            self.string(shape.key), st.sampled_from(["USERNAME", "PASSWORD", "SECRET_HASH", "SRP_A"])
        )
        values = self.value(shape.value, "", depth + 1)
        return st.dictionaries(keys, values, max_size=4)

    def structure(self, shape: Any, depth: int) -> st.SearchStrategy[dict[str, Any]]:
        members = dict(shape.members)
        required = set(shape.required_members)

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            out: dict[str, Any] = {}
            for name, member in members.items():
                # Required members are nearly always there, optional ones about half the time.
                if draw(st.integers(0, 9)) < (9 if name in required else 5):
                    out[name] = draw(self.value(member, name, depth))
            if draw(st.integers(0, 9)) == 0:
                extra = draw(st.sampled_from(["Bogus", "__proto__", "userPoolId", "constructor", "$where"]))
                out[extra] = draw(wrong_type())
            return out

        return build()
