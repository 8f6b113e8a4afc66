"""Signing keys and refresh tokens on both stores: race-safe first keys, families, sign-outs, grant state."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from store_seed import seed_user
from userpools.auth import keyring
from userpools.crypto import keys
from userpools.crypto.sealing import Sealer
from userpools.ports import SystemRandom
from userpools.store.database import Database
from userpools.store.refresh_tokens import StoredRefreshToken

POOL = "us-east-1_TokStore1"
RANDOM = SystemRandom()
SEALER = Sealer(b"k" * 32, RANDOM)


async def _signers(database: Database) -> dict[str, str]:
    async with database.unit_of_work(write=True) as uow:
        found = await keyring.signers(uow, SEALER, RANDOM, 1000.0, POOL)
    return {use: signer.kid for use, signer in found.items()}


async def test_concurrent_first_keys_agree(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    await seed_user(database, POOL)
    generated: list[object] = []
    real = keys.generate

    def counted() -> rsa.RSAPrivateKey:
        generated.append(None)
        return real()

    monkeypatch.setattr(keys, "generate", counted)
    found = await asyncio.gather(*(_signers(database) for _ in range(4)))
    assert all(kids == found[0] for kids in found) and set(found[0]) == {"id", "access"}
    assert len(generated) == 2  # one pair for the four: the RSA work is shared, not repeated
    async with database.unit_of_work(write=False) as uow:
        assert len(await uow.signing_keys.of_pool(POOL)) == 2


async def test_rotation_adds_a_generation(database: Database) -> None:
    await seed_user(database, POOL)
    before = await _signers(database)
    async with database.unit_of_work(write=True) as uow:
        created = await keyring.rotate(uow, SEALER, RANDOM, 2000.0, POOL)
    after = await _signers(database)
    assert {k.use: k.kid for k in created} == after and not set(after.values()) & set(before.values())
    async with database.unit_of_work(write=False) as uow:
        published = await keyring.published(uow, POOL)
        assert [k["kid"] for k in published][:2] == sorted(
            after.values(), key=lambda kid: kid != after["access"]
        )
        assert len(published) == 4
        assert await uow.signing_keys.read_private_sealed(before["id"]) is not None


def _record(user_id: int, family: str) -> StoredRefreshToken:
    return StoredRefreshToken(POOL, user_id, "client1", family, None, [], 1000.0, 1000.0, 5000.0, None, None)


async def test_families_sign_outs_and_grant_state(database: Database) -> None:
    user_id = await seed_user(database, POOL)
    async with database.unit_of_work(write=True) as uow:
        repo = uow.refresh_tokens
        await repo.insert("h1", _record(user_id, "fam-1"))
        await repo.insert("h2", _record(user_id, "fam-2"))
        await repo.revoke_family("fam-1", 1500.0)
        state = await repo.grant_state(POOL, "sub-1", "fam-1")
        assert state.family_revoked and state.user is not None and state.user.username == "alice"
        assert state.pool is not None and state.pool["Id"] == POOL and state.signed_out_after is None
        assert not (await repo.grant_state(POOL, "sub-1", "fam-2")).family_revoked
        assert (await repo.grant_state(POOL, "nobody", None)).user is None
        assert (await repo.grant_state("us-east-1_missing00", "sub-1", None)).pool is None
        with_client = await repo.grant_state(POOL, "sub-1", None, "client1")
        assert with_client.client is not None and with_client.client["ClientId"] == "client1"
        assert with_client.client["UserPoolId"] == POOL and with_client.client["ClientName"] == "c"
        assert (await repo.grant_state(POOL, "sub-1", None, "gone")).client is None
        lean = await repo.grant_state(POOL, "sub-1", "fam-1", "client1", pool_doc=False)
        assert lean.pool == {"Id": POOL, "Name": state.pool["Name"]} and lean.family_revoked
        assert lean.user == state.user and lean.client == with_client.client
        assert (await repo.grant_state("us-east-1_missing00", "sub-1", None, pool_doc=False)).pool is None
        await repo.revoke_user(user_id, 1600.0)
        await repo.sign_out(user_id, 1600.0)
        await repo.sign_out(user_id, 1700.0)
        state = await repo.grant_state(POOL, "sub-1", "fam-2")
        assert state.signed_out_after == 1700.0 and state.family_revoked
        found = await repo.find("h2")
        assert found is not None and found.revoked == 1600.0
        await repo.mark_rotated("h2", 1800.0)
        await repo.mark_rotated("h2", 9999.0)  # the first rotation's deadline stands
        found = await repo.find("h2")
        assert found is not None and found.rotated_until == 1800.0
        await repo.purge_expired(user_id, 6000.0)
        assert await repo.find("h1") is None and await repo.find("h2") is None


async def test_a_deleted_client_or_pool_takes_its_refresh_tokens(database: Database) -> None:
    """The table keeps no foreign key to clients or pools (it would lock their rows on every sign-in):
    ClientRepo.delete removes the client's tokens, a pool's go with its users."""
    user_id = await seed_user(database, POOL)
    async with database.unit_of_work(write=True) as uow:
        await uow.clients.insert(POOL, "client2", "c2", {}, 1000.0)
        await uow.refresh_tokens.insert("h1", _record(user_id, "fam-1"))
        await uow.refresh_tokens.insert("h2", replace(_record(user_id, "fam-2"), client_id="client2"))
        await uow.clients.delete(POOL, "client1")
    async with database.unit_of_work(write=True) as uow:
        assert await uow.refresh_tokens.find("h1") is None
        assert await uow.refresh_tokens.find("h2") is not None
        await uow.pools.delete(POOL)
    async with database.unit_of_work(write=False) as uow:
        assert await uow.refresh_tokens.find("h2") is None
