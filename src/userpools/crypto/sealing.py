"""Authenticated encryption of small server-side state with keys derived from the master key.

Sealed values (challenge sessions, SRP state in SECRET_BLOCK, signing keys at rest) let any node continue
a flow without shared memory. Each purpose gets its own HKDF-derived AES-256-GCM key, so a value sealed
for one purpose can never be opened as another.

Master key rotation (docs/deployment.md): values are always sealed under the current key; the previous
keys (USERPOOLS_MASTER_KEY_PREVIOUS) still open what they sealed, until ``userpools master-key rotate``
has re-sealed the stored values (``reseal``) and the short-lived ones have expired.
"""

from __future__ import annotations

import base64
import binascii
import os
import stat
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from userpools.ports import Random

KEY_BYTES = 32
NONCE_BYTES = 12


class Sealer:
    def __init__(self, master_key: bytes, random: Random, previous: Sequence[bytes] = ()) -> None:
        if any(len(key) != KEY_BYTES for key in (master_key, *previous)):
            raise ValueError("the master key must be 32 bytes")
        self._master = master_key
        self._keys = (master_key, *(key for key in previous if key != master_key))
        self._random = random

    @cache  # noqa: B019 - one Sealer per process; the cache holds a few derived keys
    def _aead(self, purpose: str, index: int = 0) -> AESGCM:
        return AESGCM(_derive(self._keys[index], purpose, KEY_BYTES))

    def derive(self, purpose: str, length: int = KEY_BYTES) -> bytes:
        """A key for ``purpose`` (also usable as an HMAC key, e.g. for one-time code digests)."""
        return _derive(self._master, purpose, length)

    def derive_all(self, purpose: str) -> list[bytes]:
        """``derive(purpose)`` under the current key, then each previous one: digests made before a
        rotation still verify."""
        return [_derive(key, purpose, KEY_BYTES) for key in self._keys]

    def reseal(self, purpose: str, token: str, associated: bytes = b"") -> str | None:
        """``token`` sealed under the current key: itself when it already is, a new sealing when a previous
        key sealed it, None when no key opens it."""
        for index in range(len(self._keys)):
            plaintext = self._open(purpose, token, associated, index)
            if plaintext is not None:
                return token if index == 0 else self.seal(purpose, plaintext, associated)
        return None

    def seal(self, purpose: str, plaintext: bytes, associated: bytes = b"") -> str:
        drawn = self._random.token_bytes(NONCE_BYTES)
        # Top bit clear: the text then never starts with "-" or "_", so a sealed Session can be passed
        # as `--session VALUE` to the AWS CLI (argparse reads a leading "-" as an option). 95 random bits
        # remain, far more than random AES-GCM nonces need at this volume.
        nonce = bytes([drawn[0] & 0x7F]) + drawn[1:]
        sealed = nonce + self._aead(purpose).encrypt(nonce, plaintext, associated)
        return base64.urlsafe_b64encode(sealed).decode().rstrip("=")

    def open(self, purpose: str, token: str, associated: bytes = b"") -> bytes | None:
        """The plaintext, or None when ``token`` was not sealed by these keys for this purpose."""
        for index in range(len(self._keys)):
            plaintext = self._open(purpose, token, associated, index)
            if plaintext is not None:
                return plaintext
        return None

    def _open(self, purpose: str, token: str, associated: bytes, index: int) -> bytes | None:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(raw) <= NONCE_BYTES:
            return None
        try:
            return self._aead(purpose, index).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated)
        except InvalidTag:
            return None


def _derive(master: bytes, purpose: str, length: int) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=b"userpools:" + purpose.encode())
    return hkdf.derive(master)


def decode_master_key(text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("USERPOOLS_MASTER_KEY must be base64 of 32 random bytes") from None
    if len(key) != KEY_BYTES:
        raise ValueError("USERPOOLS_MASTER_KEY must be base64 of 32 random bytes")
    return key


def decode_master_keys(text: str) -> tuple[bytes, ...]:
    """Comma- or line-separated master keys (USERPOOLS_MASTER_KEY_PREVIOUS, master.key.previous)."""
    return tuple(decode_master_key(item) for item in text.replace("\n", ",").split(",") if item.strip())


def new_master_key() -> str:
    """A fresh master key, as USERPOOLS_MASTER_KEY takes it."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def load_or_create_master_key(path: Path) -> bytes:
    """The key in ``path``, created (mode 0600) with fresh random bytes the first time."""
    if path.exists():
        return decode_master_key(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode() + "\n")
    return key
