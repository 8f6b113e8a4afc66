"""A pool's token-signing keys: created at first need, rotated on demand, cached once parsed.

Keys are immutable once stored, so parsed keys are cached per process by ``kid`` for good. Which
generation signs is read from the store on every issuance (one indexed query, or part of the request's
first query: ``ClientRepo.with_pool``), so a rotation made by another node or by ``userpools keys
rotate`` takes effect at once; verifiers look up a ``kid`` they
have not seen yet, so tokens signed by a newer key verify everywhere.

Private keys are sealed with the server's master key (purpose ``signing-key``), bound to their kid.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.crypto import keys
from userpools.crypto.sealing import Sealer
from userpools.ports import Random
from userpools.store.signing_keys import PublicKey
from userpools.store.uow import UnitOfWork

SEAL_PURPOSE = "signing-key"
USES = ("id", "access")


@dataclass(frozen=True)
class Signer:
    kid: str
    key: rsa.RSAPrivateKey


@dataclass(frozen=True)
class Verifier:
    kid: str
    pool_id: str
    use: str  # "id" | "access"
    key: rsa.RSAPublicKey


class SigningKeyError(RuntimeError):
    """A stored private key can't be opened (the master key is not the one that sealed it)."""


_PRIVATE: dict[str, rsa.RSAPrivateKey] = {}
_PUBLIC: dict[str, Verifier] = {}


def associated(pool_id: str, kid: str) -> bytes:
    return f"{pool_id}\x00{kid}".encode()


def opens(sealer: Sealer, pool_id: str, kid: str, sealed: str) -> bool:
    """Whether a stored private key opens with this master key (checked by ``userpools restore``)."""
    return sealer.open(SEAL_PURPOSE, sealed, associated(pool_id, kid)) is not None


async def signers(
    uow: UnitOfWork, sealer: Sealer, random: Random, now: float, pool_id: str
) -> dict[str, Signer]:
    """``{"id": Signer, "access": Signer}`` of the pool's newest generation, created if the pool has none.

    Creating writes to the store: call it inside a writing unit of work.
    """
    kids = await uow.signing_keys.signing_kids(pool_id)
    if len(kids) < len(USES):
        created = await add_generation(uow, sealer, random, now, pool_id, 1)
        # None: another writer created the first generation at the same time; use theirs.
        latest = created if created is not None else await uow.signing_keys.latest(pool_id)
        kids = {key.use: key.kid for key in latest}
    return {use: await _signer(uow, sealer, pool_id, kid) for use, kid in kids.items()}


async def _signer(uow: UnitOfWork, sealer: Sealer, pool_id: str, kid: str) -> Signer:
    private = _PRIVATE.get(kid)
    if private is None:
        sealed = await uow.signing_keys.read_private_sealed(kid)
        der = None if sealed is None else sealer.open(SEAL_PURPOSE, sealed, associated(pool_id, kid))
        if der is None:
            raise SigningKeyError(
                f"the signing key {kid} of {pool_id} can't be opened: is this the master key it was "
                "created with (USERPOOLS_MASTER_KEY / data_dir/master.key)?"
            )
        private = _PRIVATE.setdefault(kid, keys.load_private(der))
    return Signer(kid, private)


async def verifier(uow: UnitOfWork, kid: str) -> Verifier | None:
    """The public key named ``kid`` (any pool, any generation), or None when no such key exists."""
    found = _PUBLIC.get(kid)
    if found is not None:
        return found
    if "\x00" in kid:  # never a kid of ours (base64), and PostgreSQL text can't even hold it
        return None
    key = await uow.signing_keys.by_kid(kid)
    if key is None:
        return None
    return _PUBLIC.setdefault(kid, Verifier(kid, key.pool_id, key.use, keys.public_from_jwk(key.jwk)))


def _key_per_use() -> list[rsa.RSAPrivateKey]:
    return [keys.generate() for _ in USES]


# Key pairs being generated, by event loop, pool and generation (see _fresh_keys).
_GENERATING: dict[tuple[int, str, int], asyncio.Future[list[rsa.RSAPrivateKey]]] = {}


async def _fresh_keys(pool_id: str, generation: int) -> list[rsa.RSAPrivateKey]:
    """One new private key per use, made on a worker thread.

    Callers that need the same pool's generation at once (a new pool's first concurrent sign-ins) share
    one pair: an RSA key costs tens of milliseconds of CPU, and only one caller's insert can win anyway.
    """
    slot = (id(asyncio.get_running_loop()), pool_id, generation)
    pending = _GENERATING.get(slot)
    if pending is None:
        pending = _GENERATING[slot] = asyncio.ensure_future(asyncio.to_thread(_key_per_use))
        pending.add_done_callback(lambda _: _GENERATING.pop(slot, None))
    return await asyncio.shield(pending)


async def add_generation(
    uow: UnitOfWork, sealer: Sealer, random: Random, now: float, pool_id: str, generation: int
) -> list[PublicKey] | None:
    """Stores a new pair of keys as ``generation``; None when that generation already exists."""
    private_keys = await _fresh_keys(pool_id, generation)
    rows: list[dict[str, Any]] = []
    for use, private in zip(USES, private_keys, strict=True):
        kid = keys.new_kid(random.token_bytes(keys.KID_BYTES))
        sealed = sealer.seal(SEAL_PURPOSE, keys.private_bytes(private), associated(pool_id, kid))
        rows.append(
            {
                "kid": kid,
                "pool_id": pool_id,
                "generation": generation,
                "use": use,
                "public_jwk": keys.public_jwk(private.public_key(), kid),
                "private_sealed": sealed,
                "created": now,
            }
        )
    if not await uow.signing_keys.add_generation(rows):
        return None
    for row, private in zip(rows, private_keys, strict=True):
        _PRIVATE[row["kid"]] = private
    return [PublicKey(r["kid"], pool_id, generation, r["use"], r["public_jwk"]) for r in rows]


async def rotate(
    uow: UnitOfWork, sealer: Sealer, random: Random, now: float, pool_id: str
) -> list[PublicKey]:
    """Adds a generation that signs from now on; older public keys stay published and keep verifying."""
    latest = await uow.signing_keys.latest(pool_id)
    generation = (latest[0].generation if latest else 0) + 1
    created = await add_generation(uow, sealer, random, now, pool_id, generation)
    if created is None:
        raise SigningKeyError(f"another rotation of {pool_id} ran at the same time; try again")
    return created


async def published(uow: UnitOfWork, pool_id: str) -> list[dict[str, object]]:
    """The pool's JWKS entries, newest generation first."""
    return [key.jwk for key in await uow.signing_keys.of_pool(pool_id)]
