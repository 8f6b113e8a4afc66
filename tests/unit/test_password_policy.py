from __future__ import annotations

import string

import pytest

from userpools.domain.password_policy import SYMBOLS, generate_password, policy_violation
from userpools.domain.user_pool_rules import DEFAULT_PASSWORD_POLICY
from userpools.ports import SystemRandom

STRICT = dict(DEFAULT_PASSWORD_POLICY)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "Password not long enough"),
        ("ABCDEFG1!", "Password must have lowercase characters"),
        ("abcdefg1!", "Password must have uppercase characters"),
        ("Abcdefgh!", "Password must have numeric characters"),
        ("Abcdefgh1", "Password must have symbol characters"),
        ("Abcdefg1!", None),
        ("Abcdefg1 ", None),  # a space counts as a symbol
    ],
)
def test_default_policy(password: str, reason: str | None) -> None:
    assert policy_violation(STRICT, password) == reason


def test_relaxed_policy() -> None:
    policy = {
        "MinimumLength": 6,
        "RequireUppercase": False,
        "RequireLowercase": False,
        "RequireNumbers": False,
        "RequireSymbols": False,
    }
    assert policy_violation(policy, "aaaaaa") is None
    assert policy_violation(policy, "aaaaa") == "Password not long enough"


@pytest.mark.parametrize("length", [6, 8, 20, 99])
def test_generated_passwords_conform(length: int) -> None:
    policy = {**STRICT, "MinimumLength": length}
    seen = set()
    for _ in range(50):
        password = generate_password(policy, SystemRandom())
        assert policy_violation(policy, password) is None
        assert len(password) == max(length, 12)
        assert all(c in string.ascii_letters + string.digits + SYMBOLS for c in password)
        assert not any(c in "\"'\\ `" for c in password)
        seen.add(password)
    assert len(seen) == 50
