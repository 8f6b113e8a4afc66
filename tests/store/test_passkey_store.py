"""Passkeys on both stores: stored once per pool, paged by age, the signature counter moved only from the
value read (a concurrent replay loses), deleted, and gone with their user."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from userpools.domain.user import User
from userpools.store.database import Database
from userpools.store.passkeys import Passkey

POOL = "us-east-1_PasskeyStore1"


async def _seed(database: Database) -> int:
    async with database.unit_of_work(write=True) as uow:
        await uow.pools.insert(POOL, "passkeys", {"Arn": "arn"}, 1000.0)
        user = User(0, POOL, "alice", "sub-1", "CONFIRMED", True, {"sub": "sub-1"}, 1000.0, 1000.0)
        return await uow.users.insert(user, "alice", {})


def _key(user_id: int, credential_id: str, created: float) -> Passkey:
    return Passkey(credential_id, POOL, user_id, b"\xa5cose", 0, "Passkey", "example.com",
                   ["internal", "hybrid"], "platform", created)  # fmt: skip


async def test_insert_page_count_and_delete(database: Database) -> None:
    user_id = await _seed(database)
    keys = [_key(user_id, f"cred-{i}", 1000.0 + (i // 2)) for i in range(5)]  # pairs share a creation time
    async with database.unit_of_work(write=True) as uow:
        for key in keys:
            assert await uow.passkeys.insert(key)
        assert not await uow.passkeys.insert(replace(keys[0], friendly_name="again"))
    async with database.unit_of_work(write=False) as uow:
        assert await uow.passkeys.get(user_id, "cred-3") == keys[3]
        assert await uow.passkeys.count(user_id) == 5
        first = await uow.passkeys.page(user_id, None, 2)
        rest = await uow.passkeys.page(user_id, (first[-1].created, first[-1].credential_id), 10)
        assert first + rest == keys
        assert await uow.passkeys.of_user(user_id, "other.example") == []
    async with database.unit_of_work(write=True) as uow:
        assert await uow.passkeys.delete(user_id, "cred-0")
        assert not await uow.passkeys.delete(user_id, "cred-0")
        assert not await uow.passkeys.delete(user_id + 1, "cred-1")  # not another user's
        await uow.users.delete(user_id)
    async with database.unit_of_work(write=False) as uow:
        assert await uow.passkeys.of_user(user_id) == []  # gone with the user


async def test_counter_moves_once(database: Database) -> None:
    user_id = await _seed(database)
    async with database.unit_of_work(write=True) as uow:
        await uow.passkeys.insert(_key(user_id, "cred", 1000.0))

    async def use(count: int) -> bool:
        async with database.unit_of_work(write=True) as uow:
            return await uow.passkeys.used(user_id, "cred", 0, count)

    assert sorted(await asyncio.gather(use(5), use(6))) == [False, True]
    async with database.unit_of_work(write=False) as uow:
        stored = await uow.passkeys.get(user_id, "cred")
    assert stored is not None and stored.sign_count in (5, 6)
    big = 2**32 - 1  # the counter is 32-bit unsigned
    async with database.unit_of_work(write=True) as uow:
        assert await uow.passkeys.used(user_id, "cred", stored.sign_count, big)
    async with database.unit_of_work(write=False) as uow:
        assert (await uow.passkeys.get(user_id, "cred")).sign_count == big  # type: ignore[union-attr]
