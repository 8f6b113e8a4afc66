"""Repository for token-signing keys: public JWKs for everyone, sealed private keys through one
privileged method.

A pool's keys come in generations of two (``id`` and ``access``); the newest generation signs, every
generation verifies (a rotation must not invalidate tokens already issued). The unique key
``(pool_id, generation, use)`` makes concurrent creation of the same generation fail for all writers
but one, on any number of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from userpools.store.connection import Conn
from userpools.store.tables import signing_keys

_PUBLIC_COLUMNS = (
    signing_keys.c.kid,
    signing_keys.c.pool_id,
    signing_keys.c.generation,
    signing_keys.c.use,
    signing_keys.c.public_jwk,
)
# The newest generation: the two rows with the highest generation (both are written in one insert).
_LATEST = (
    select(*_PUBLIC_COLUMNS)
    .where(signing_keys.c.pool_id == bindparam("pool_id"))
    .order_by(signing_keys.c.generation.desc())
    .limit(2)
)
_OF_POOL = (
    select(*_PUBLIC_COLUMNS)
    .where(signing_keys.c.pool_id == bindparam("pool_id"))
    .order_by(signing_keys.c.generation.desc(), signing_keys.c.use)
)
_BY_KID = select(*_PUBLIC_COLUMNS).where(signing_keys.c.kid == bindparam("kid"))
_SEALED = select(signing_keys.c.private_sealed).where(signing_keys.c.kid == bindparam("kid"))


@dataclass(frozen=True)
class PublicKey:
    kid: str
    pool_id: str
    generation: int
    use: str  # "id" | "access"
    jwk: dict[str, Any]


def _public(row: Any) -> PublicKey:
    return PublicKey(row.kid, row.pool_id, row.generation, row.use, dict(row.public_jwk))


SIGNING_KIDS = "signing-kids"  # read_ahead key: {use: kid} of a pool's newest generation


def latest_kid(use: str, pool_id: Any) -> Any:
    """A scalar subquery: the kid of ``use`` in the newest generation of the pool ``pool_id`` names."""
    return (
        select(signing_keys.c.kid)
        .where(signing_keys.c.pool_id == pool_id, signing_keys.c.use == use)
        .order_by(signing_keys.c.generation.desc())
        .limit(1)
        .scalar_subquery()
    )


class SigningKeyRepo:
    def __init__(self, conn: Conn, read_ahead: dict[tuple[str, str], Any] | None = None) -> None:
        self.conn = conn
        self.read_ahead = read_ahead if read_ahead is not None else {}

    async def signing_kids(self, pool_id: str) -> dict[str, str]:
        """``{use: kid}`` of the signing generation; empty before the first key exists.

        Requests that start with ``ClientRepo.with_pool`` have it already (read in the same query).
        """
        known = self.read_ahead.pop((SIGNING_KIDS, pool_id), None)
        if known is not None:
            return dict(known)
        return {key.use: key.kid for key in await self.latest(pool_id)}

    async def latest(self, pool_id: str) -> list[PublicKey]:
        """The signing generation (its ``id`` and ``access`` keys); empty before the first key exists."""
        rows = (await self.conn.execute(_LATEST, {"pool_id": pool_id})).all()
        newest = [r for r in rows if r.generation == rows[0].generation] if rows else []
        return [_public(r) for r in newest]

    async def of_pool(self, pool_id: str) -> list[PublicKey]:
        """Every key of the pool, newest generation first (what JWKS publishes)."""
        return [_public(r) for r in (await self.conn.execute(_OF_POOL, {"pool_id": pool_id})).all()]

    async def by_kid(self, kid: str) -> PublicKey | None:
        row = (await self.conn.execute(_BY_KID, {"kid": kid})).first()
        return None if row is None else _public(row)

    async def read_private_sealed(self, kid: str) -> str | None:
        """Privileged: the sealed PKCS#8 private key of ``kid`` (open it with the "signing-key" purpose)."""
        sealed = (await self.conn.execute(_SEALED, {"kid": kid})).scalar_one_or_none()
        return None if sealed is None else str(sealed)

    async def add_generation(self, rows: list[dict[str, Any]]) -> bool:
        """Inserts one generation's keys; False when another writer created that generation first.

        Runs in a savepoint, so the surrounding transaction stays usable on PostgreSQL after a conflict.
        """
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(insert(signing_keys), rows)
        except IntegrityError:
            return False
        return True
