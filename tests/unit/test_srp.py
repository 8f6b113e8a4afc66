"""SRP verifier math, checked against the independent reference in ../shared/bench/cognito_srp.py."""

from __future__ import annotations

from typing import Any

import pytest

from reference import reference_srp
from userpools.crypto import code_digest, code_matches, srp


@pytest.fixture(scope="module")
def reference() -> Any:
    return reference_srp()


SALTS = [
    bytes.fromhex("0123456789abcdef0123456789abcdef"),
    bytes.fromhex("f0000000000000000000000000000001"),  # top bit set: pad_hex adds 00
    bytes.fromhex("000a0000000000000000000000000001"),  # leading zero bytes: canonical hex is shorter
    bytes.fromhex("00000000000000000000000000000abc"),
]


@pytest.mark.parametrize("salt", SALTS)
def test_verifier_matches_reference(reference: Any, salt: bytes) -> None:
    pool_id, username, password = "us-east-1_AbCdEf123", "0de7fb74-5bba-41f5-934c-28167130f76c", "Pässw0rd!"
    salt_hex, verifier = srp.new_verifier(salt, pool_id, username, password)
    assert salt_hex == format(int.from_bytes(salt, "big"), "x")
    assert not salt_hex.startswith("00")
    expected = reference.make_verifier("AbCdEf123", username, password, salt_hex)
    assert int(verifier, 16) == expected


def test_reference_client_can_log_in_against_our_verifier(reference: Any) -> None:
    """A full SRP exchange: the reference client's claim verifies with our stored verifier."""
    pool_id, user_id, password = "eu-west-1_Pool12345", "alice", "Correct-h0rse"
    salt_hex, verifier = srp.new_verifier(bytes(range(1, 17)), pool_id, user_id, password)
    client = reference.SrpClient(pool_id, user_id, password)
    b, big_b = reference.server_challenge(int(verifier, 16))
    params = {
        "SALT": salt_hex,
        "SRP_B": format(big_b, "x"),
        "USER_ID_FOR_SRP": user_id,
        "SECRET_BLOCK": "c2VjcmV0",
        "USERNAME": user_id,
    }
    resp = client.challenge_responses(params)
    assert reference.server_verify(
        int(verifier, 16),
        b,
        big_b,
        client.A,
        "Pool12345",
        user_id,
        "c2VjcmV0",
        resp["TIMESTAMP"],
        resp["PASSWORD_CLAIM_SIGNATURE"],
    )


def test_verify_password() -> None:
    salt, verifier = srp.new_verifier(b"\x7f" * 16, "us-east-1_X1", "bob", "Secret-1a")
    assert srp.verify_password(salt, verifier, "us-east-1_X1", "bob", "Secret-1a")
    assert not srp.verify_password(salt, verifier, "us-east-1_X1", "bob", "Secret-1b")
    assert not srp.verify_password(salt, verifier, "us-east-1_X1", "Bob", "Secret-1a")
    assert not srp.verify_password(salt, verifier, "us-east-1_X2", "bob", "Secret-1a")


def test_pad_hex_and_k() -> None:
    assert srp.pad_hex(0x0F) == "0f"
    assert srp.pad_hex(0x80) == "0080"
    assert srp.pad_hex(0x7F) == "7f"
    assert srp.pad_hex(0x123) == "0123"
    assert srp.pad_hex(srp.N).startswith("00ffffffff")
    assert srp.pool_name("us-east-1_AbC") == "AbC"


def test_salt_must_be_16_bytes() -> None:
    with pytest.raises(ValueError):
        srp.new_verifier(b"short", "us-east-1_X", "u", "p")


def test_code_digest_is_bound_to_user_purpose_and_key() -> None:
    key = b"k" * 32
    digest = code_digest(key, "forgot_password", "sub-1", "123456")
    assert code_matches(key, digest, "forgot_password", "sub-1", "123456")
    assert not code_matches(key, digest, "forgot_password", "sub-1", "123457")
    assert not code_matches(key, digest, "verify_email", "sub-1", "123456")
    assert not code_matches(key, digest, "forgot_password", "sub-2", "123456")
    assert not code_matches(b"x" * 32, digest, "forgot_password", "sub-1", "123456")
    assert "123456" not in digest
