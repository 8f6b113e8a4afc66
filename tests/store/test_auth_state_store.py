"""AuthStateRepo on both stores: verifier and lockout counter in one read, failures, single-use markers."""

from __future__ import annotations

import pytest

from userpools.domain.user import User
from userpools.store.auth_state import SIGN_IN_SECRETS, SIGN_IN_USER
from userpools.store.database import Database

POOL = "us-east-1_Auth12345"


async def _user(database: Database, with_password: bool = True) -> int:
    async with database.unit_of_work(write=True) as uow:
        if not await uow.pools.exists(POOL):
            await uow.pools.insert(POOL, "auth", {}, 1.0)
        sub = "00000000-0000-4000-8000-000000000001"
        user_id = await uow.users.insert(
            User(0, POOL, "alice", sub, "CONFIRMED", True, {"sub": sub}, 1.0, 1.0), "alice", {}
        )
        if with_password:
            await uow.users.write_password_verifier(
                user_id, "ab", "cd", temporary=False, expires=None, now=1.0, keep_history=0
            )
    return user_id


async def test_secrets_and_failure_counter(database: Database) -> None:
    user_id = await _user(database)
    async with database.unit_of_work(write=False) as uow:
        secrets = await uow.auth.sign_in_secrets(user_id)
        assert secrets is not None and (secrets.salt, secrets.verifier, secrets.failures) == ("ab", "cd", 0)
        assert await uow.auth.sign_in_secrets(user_id + 1000) is None
    for now in (10.0, 11.0, 12.5):
        async with database.unit_of_work(write=True) as uow:
            await uow.auth.count_failure(user_id, now)
    async with database.unit_of_work(write=True) as uow:
        secrets = await uow.auth.sign_in_secrets(user_id)
        assert secrets is not None and (secrets.failures, secrets.last_failure) == (3, 12.5)
        assert (await uow.auth.failures(user_id)).count == 3
        await uow.auth.clear_failures(user_id)
    async with database.unit_of_work(write=False) as uow:
        assert (await uow.auth.failures(user_id)).count == 0


async def test_counters_survive_a_failure_answer_only_when_committed(database: Database) -> None:
    user_id = await _user(database)
    with pytest.raises(RuntimeError):
        async with database.unit_of_work(write=True) as uow:
            await uow.auth.count_failure(user_id, 5.0)
            raise RuntimeError("rolled back")
    async with database.unit_of_work(write=False) as uow:
        assert (await uow.auth.failures(user_id)).count == 0


async def test_markers_are_single_use_and_purged(database: Database) -> None:
    async with database.unit_of_work(write=True) as uow:
        assert await uow.auth.use_once("a" * 32, 100.0)
        assert await uow.auth.use_once("b" * 32, 200.0)
    async with database.unit_of_work(write=True) as uow:
        assert not await uow.auth.use_once("a" * 32, 100.0)
    async with database.unit_of_work(write=True) as uow:
        await uow.auth.purge_used(150.0)
        assert await uow.auth.use_once("a" * 32, 100.0)  # forgotten once expired
    async with database.unit_of_work(write=True) as uow:
        assert not await uow.auth.use_once("b" * 32, 200.0)


async def test_the_client_query_reads_the_signing_in_user_ahead(database: Database) -> None:
    """ClientRepo.with_pool(user_keys=...) finds the user and its secrets in its one query; the sign-in's
    later lookups are answered from it, the same as by their own queries."""
    user_id = await _user(database)
    async with database.unit_of_work(write=True) as uow:
        await uow.clients.insert(POOL, "client1", "app", {}, 1.0)
        await uow.clients.add_secret("client1", "s1", "secret-1", 1.0)
        await uow.clients.add_secret("client1", "s2", "secret-2", 2.0)
        await uow.auth.count_failure(user_id, 5.0)
    async with database.unit_of_work(write=False) as direct:
        alone = await direct.auth.user_for_sign_in(POOL, "alice")
        alone_secrets = await direct.auth.sign_in_secrets(user_id)
    async with database.unit_of_work(write=False) as uow:
        found = await uow.clients.with_pool("client1", None, ("Alice", "alice"))
        assert found is not None and found[0]["ClientId"] == "client1" and found[1]["Id"] == POOL
        assert (SIGN_IN_USER, f"{POOL}\x00alice") in uow.read_ahead
        assert await uow.clients.secrets_of("client1") == [
            "secret-1",
            "secret-2",
        ]  # not repeated per user row
        assert await uow.auth.user_for_sign_in(POOL, "Alice") is None  # nobody holds the key as typed
        assert await uow.auth.user_for_sign_in(POOL, "alice") == alone
        secrets = await uow.auth.sign_in_secrets(user_id)
        assert secrets == alone_secrets and secrets is not None and secrets.failures == 1
        assert not any(key[0] in (SIGN_IN_USER, SIGN_IN_SECRETS) for key in uow.read_ahead)  # used once
