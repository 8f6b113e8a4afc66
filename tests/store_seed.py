"""A pool with an app client ``client1`` and one confirmed user, written straight to a store (store tests)."""

from __future__ import annotations

from userpools.domain.user import User
from userpools.store.database import Database


async def seed_user(database: Database, pool_id: str, username: str = "alice", sub: str = "sub-1") -> int:
    """The new user's row id."""
    async with database.unit_of_work(write=True) as uow:
        await uow.pools.insert(pool_id, "seeded", {"Arn": "arn"}, 1000.0)
        await uow.clients.insert(pool_id, "client1", "c", {}, 1000.0)
        user = User(0, pool_id, username, sub, "CONFIRMED", True, {"sub": sub}, 1000.0, 1000.0)
        return await uow.users.insert(user, username, {})
