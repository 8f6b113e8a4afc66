"""Simulated credentials for users that do not exist, when PreventUserExistenceErrors is ENABLED.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
An unknown username must look like a wrong password: the same error and message, and the same work
(so the same time). Every value is derived from a server key and the pool + username, so repeated
attempts see the same salt and the same UUID-format USER_ID_FOR_SRP, like a real user would.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from userpools.crypto import srp
from userpools.operations.context import Context

_PURPOSE = "srp-unknown-user"
_VERIFIER_BLOCKS = 12  # 12 SHA-256 blocks = 384 bytes, the size of the group


def _mac(ctx: Context, label: bytes, pool_id: str, username_key: str) -> bytes:
    key = ctx.services.sealer.derive(_PURPOSE)
    return hmac.new(key, label + b"\x00" + f"{pool_id}\x00{username_key}".encode(), hashlib.sha256).digest()


def fake_salt(ctx: Context, pool_id: str, username_key: str) -> str:
    return srp.salt_hex(_mac(ctx, b"salt", pool_id, username_key)[: srp.SALT_BYTES]) or "1"


def fake_user_id(ctx: Context, pool_id: str, username_key: str) -> str:
    return str(uuid.UUID(bytes=_mac(ctx, b"id", pool_id, username_key)[:16], version=4))


def fake_verifier(ctx: Context, pool_id: str, username_key: str) -> str:
    """A stable pseudo-random group element standing in for ``g^x`` (costs hashes, not a modexp)."""
    blocks = b"".join(_mac(ctx, b"v%d" % i, pool_id, username_key) for i in range(_VERIFIER_BLOCKS))
    return format(int.from_bytes(blocks, "big") % srp.N or 1, "x")
