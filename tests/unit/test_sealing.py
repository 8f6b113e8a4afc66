"""Sealed values: round trip, bound to purpose and associated data, and safe to pass on a command line."""

from __future__ import annotations

from userpools.crypto.sealing import Sealer
from userpools.ports import SystemRandom


class _AllOnes:
    """A random source that returns 0xFF bytes: the worst case for a leading '-' or '_'."""

    def token_bytes(self, n: int) -> bytes:
        return b"\xff" * n

    def choice(self, alphabet: str) -> str:
        return alphabet[0]

    def uuid4(self) -> str:
        return "00000000-0000-4000-8000-000000000000"


def test_round_trip_and_binding() -> None:
    sealer = Sealer(bytes(range(32)), SystemRandom())
    token = sealer.seal("session", b"state", b"client-a")
    assert sealer.open("session", token, b"client-a") == b"state"
    assert sealer.open("other-purpose", token, b"client-a") is None
    assert sealer.open("session", token, b"client-b") is None
    assert sealer.open("session", token[:-2] + "AA", b"client-a") is None


def test_sealed_text_never_starts_with_a_dash() -> None:
    worst = Sealer(bytes(32), _AllOnes())
    assert not worst.seal("session", b"x").startswith(("-", "_"))
    sealer = Sealer(bytes(32), SystemRandom())
    assert not any(sealer.seal("session", b"x").startswith(("-", "_")) for _ in range(500))


def test_previous_keys_open_and_reseal_under_the_current_key() -> None:
    old, new = Sealer(b"o" * 32, SystemRandom()), Sealer(b"n" * 32, SystemRandom(), [b"o" * 32])
    by_old = old.seal("totp-secret", b"JBSWY3DP", b"pool/sub")
    assert new.open("totp-secret", by_old, b"pool/sub") == b"JBSWY3DP"  # fallback to the previous key
    fresh = new.reseal("totp-secret", by_old, b"pool/sub")
    assert fresh is not None and fresh != by_old
    alone = Sealer(b"n" * 32, SystemRandom())  # the previous key retired
    assert alone.open("totp-secret", fresh, b"pool/sub") == b"JBSWY3DP"
    assert alone.open("totp-secret", by_old, b"pool/sub") is None
    assert new.reseal("totp-secret", fresh, b"pool/sub") == fresh  # already current: unchanged
    assert alone.reseal("totp-secret", by_old, b"pool/sub") is None
    assert old.open("totp-secret", new.seal("totp-secret", b"x")) is None  # sealing uses the new key
    assert new.derive_all("codes") == [new.derive("codes"), old.derive("codes")]
