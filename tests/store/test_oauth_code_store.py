"""Authorization codes on both stores: stored and read back, used once (also under a race), purged."""

from __future__ import annotations

import asyncio

from store_seed import seed_user
from userpools.store.database import Database
from userpools.store.oauth_codes import StoredCode

POOL = "us-east-1_CodeStore1"


def _code(user_id: int, expires: float = 1300.0) -> StoredCode:
    return StoredCode(
        POOL,
        "client1",
        user_id,
        "https://app/cb",
        ["openid", "email"],
        "n-1",
        "c" * 43,
        "S256",
        1000.0,
        expires,
    )


async def test_code_round_trip_and_single_use(database: Database) -> None:
    user_id = await seed_user(database, POOL)
    async with database.unit_of_work(write=True) as uow:
        await uow.oauth_codes.insert("h1", _code(user_id))
    async with database.unit_of_work(write=False) as uow:
        assert await uow.oauth_codes.get("h1") == _code(user_id)
        assert await uow.oauth_codes.get("other") is None

    async def use(family: str) -> bool:
        async with database.unit_of_work(write=True) as uow:
            return await uow.oauth_codes.mark_used("h1", 1100.0, family)

    results = await asyncio.gather(use("family-a"), use("family-b"))
    assert sorted(results) == [False, True]
    async with database.unit_of_work(write=False) as uow:
        stored = await uow.oauth_codes.get("h1")
    assert stored is not None and stored.used == 1100.0
    assert stored.origin_jti == ("family-a" if results[0] else "family-b")


async def test_purge_and_cascade(database: Database) -> None:
    user_id = await seed_user(database, POOL)
    async with database.unit_of_work(write=True) as uow:
        await uow.oauth_codes.insert("old", _code(user_id, expires=1100.0))
        await uow.oauth_codes.insert("new", _code(user_id, expires=1400.0))
        await uow.oauth_codes.purge_expired(1200.0)
    async with database.unit_of_work(write=True) as uow:
        assert await uow.oauth_codes.get("old") is None and await uow.oauth_codes.get("new") is not None
        await uow.users.delete(user_id)
    async with database.unit_of_work(write=False) as uow:
        assert await uow.oauth_codes.get("new") is None  # the user's codes go with it
