"""The SRP server step and TIMESTAMP rules, checked against the independent client in the bench."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from reference import reference_srp
from userpools.auth.srp_flow import timestamp_ok
from userpools.crypto import srp

POOL_ID = "us-east-1_AbCdEf123"
USER = "0de7fb74-5bba-41f5-934c-28167130f76c"
PASSWORD = "Pässw0rd!"


@pytest.fixture(scope="module")
def ref() -> Any:
    return reference_srp()


def _exchange(ref: Any, password: str, salt: bytes, b: int) -> tuple[bytes, dict[str, str], bytes]:
    """Runs one exchange: (server key, client responses, secret block)."""
    salt_hex, verifier = srp.new_verifier(salt, POOL_ID, USER, PASSWORD)
    client = ref.SrpClient(POOL_ID, USER, password)
    b_hex, key = srp.server_key(verifier, format(client.A, "x"), b)
    block = bytes(range(64))
    params = {
        "SALT": salt_hex,
        "SRP_B": b_hex,
        "USER_ID_FOR_SRP": USER,
        "USERNAME": USER,
        "SECRET_BLOCK": base64.b64encode(block).decode(),
    }
    return key, client.challenge_responses(params, "Mon Jan 2 15:04:05 UTC 2006"), block


@pytest.mark.parametrize("salt", [bytes(range(16)), b"\xf0" + bytes(15), b"\x00\x0a" + bytes(13) + b"\x01"])
def test_server_step_accepts_the_reference_client(ref: Any, salt: bytes) -> None:
    key, responses, block = _exchange(ref, PASSWORD, salt, b=0x1234567 << 200)
    expected = srp.claim_signature(key, POOL_ID, USER, block, responses["TIMESTAMP"])
    assert base64.b64encode(expected).decode() == responses["PASSWORD_CLAIM_SIGNATURE"]


def test_server_step_rejects_a_wrong_password(ref: Any) -> None:
    key, responses, block = _exchange(ref, PASSWORD + "x", bytes(range(16)), b=987654321 << 100)
    expected = srp.claim_signature(key, POOL_ID, USER, block, responses["TIMESTAMP"])
    assert base64.b64encode(expected).decode() != responses["PASSWORD_CLAIM_SIGNATURE"]


def test_server_b_matches_the_reference_formula(ref: Any) -> None:
    _salt, verifier = srp.new_verifier(bytes(range(16)), POOL_ID, USER, PASSWORD)
    b = 42 << 250
    b_hex, _key = srp.server_key(verifier, "abcdef", b)
    assert int(b_hex, 16) == (ref.K * int(verifier, 16) + pow(ref.G, b, ref.N)) % ref.N
    assert srp.K == ref.K


def test_claim_key_matches_reference_hkdf(ref: Any) -> None:
    assert srp.claim_key(123456789 << 3000, 987654321) == ref.hkdf16(123456789 << 3000, 987654321)


@pytest.mark.parametrize("a_hex", ["0", srp.N_HEX, format(srp.N * 3, "x"), "xyz", "-5"])
def test_unusable_a_is_refused(a_hex: str) -> None:
    _salt, verifier = srp.new_verifier(bytes(range(16)), POOL_ID, USER, PASSWORD)
    with pytest.raises(srp.SrpError):
        srp.server_key(verifier, a_hex, 12345)


NOW = dt.datetime(2025, 5, 7, 0, 9, 40, tzinfo=dt.UTC).timestamp()


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Wed May 7 00:09:40 UTC 2025", True),
        ("Wed May 07 00:09:40 UTC 2025", False),  # zero-padded day
        ("Tue May 7 00:09:40 UTC 2025", False),  # wrong weekday
        ("Wed May 7 0:09:40 UTC 2025", False),  # hours must be two digits
        ("Wed May 7 00:09:40 GMT 2025", False),
        ("Wed May 7 00:24:39 UTC 2025", True),  # 15 minutes skew allowed
        ("Wed May 7 00:24:41 UTC 2025", False),
        ("Tue May 6 23:54:41 UTC 2025", True),
        ("Tue May 6 23:54:39 UTC 2025", False),
        ("Sat Feb 30 00:00:00 UTC 2025", False),  # no such date
        ("Wed May 7 00:09:40 UTC 2025 ", False),
    ],
)
def test_timestamp_format_and_skew(text: str, ok: bool) -> None:
    assert timestamp_ok(text, NOW) is ok


def test_reference_client_timestamps_are_accepted(ref: Any) -> None:
    for day in (1, 9, 10, 31):
        moment = dt.datetime(2025, 1, day, 8, 5, 3, tzinfo=dt.UTC)
        assert timestamp_ok(ref.cognito_timestamp(moment), moment.timestamp())


@pytest.mark.parametrize(
    "exponent", [0, 1, 15, 16, 2**255 + 12345, 2**256 - 1, 2**256, 3**300, 0xABCDEF << 180]
)
def test_fixed_base_power_matches_pow(exponent: int) -> None:
    assert int(srp.g_pow(exponent)) == pow(srp.G, exponent, srp.N)
