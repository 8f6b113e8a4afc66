"""The change journal on both stores: images written with each write, compaction, plan and apply."""

from __future__ import annotations

from sqlalchemy import func, select

from userpools.domain.user import User
from userpools.ports import FakeClock
from userpools.store import restore
from userpools.store.database import Database
from userpools.store.journal import compact
from userpools.store.tables import pool_journal

POOL = "us-east-1_Journal12"


def _user(name: str) -> User:
    sub = f"00000000-0000-4000-8000-{abs(hash(name)) % 10**12:012d}"
    return User(0, POOL, name, sub, "CONFIRMED", True, {"sub": sub}, 1.0, 1.0)


async def _images(database: Database) -> int:
    async with database.unit_of_work(write=False) as uow:
        query = select(func.count()).select_from(pool_journal).where(pool_journal.c.pool_id == POOL)
        return int((await uow.conn.execute(query)).scalar_one())


async def test_compaction_keeps_the_state_inside_the_window(database: Database) -> None:
    clock = FakeClock(1000.0)
    database.clock = clock
    alice, bob, carol = _user("alice"), _user("bob"), _user("carol")
    async with database.unit_of_work(write=True) as uow:
        await uow.pools.insert(POOL, "journal", {}, 1.0)
        for user in (alice, bob):
            user.id = await uow.users.insert(user, user.username, {})
        await uow.users.write_password_verifier(
            bob.id, "00ff", "abcd", temporary=False, expires=None, now=1000.0, keep_history=0, first=True
        )
        await uow.groups.insert(POOL, "team", description=None, role_arn=None, precedence=None, now=1000.0)
        await uow.groups.add_member(POOL, "team", bob.id)
    clock.current = 2000.0
    async with database.unit_of_work(write=True) as uow:
        alice.attributes["name"] = "Alice"
        await uow.users.save(alice, {})
    clock.current = 3000.0
    async with database.unit_of_work(write=True) as uow:
        await uow.users.delete(bob.id)
    clock.current = 4000.0
    async with database.unit_of_work(write=True) as uow:
        carol.id = await uow.users.insert(carol, carol.username, {})
    # alice x2, bob, bob's verifier, team, membership; bob and verifier deleted; carol.
    assert await _images(database) == 9

    async with database.unit_of_work(write=True) as uow:
        await compact(uow.conn, POOL, 2500.0)
    assert await _images(database) == 8  # alice's first image folded into her second

    async with database.unit_of_work(write=True) as uow:
        found = await restore.plan(uow.conn, POOL, 2500.0)
        assert found.preview() == [
            {"Entity": "Users", "CreateCount": 1, "UpdateCount": 0, "DeleteCount": 1},
            {"Entity": "Groups", "CreateCount": 0, "UpdateCount": 0, "DeleteCount": 0},
            {"Entity": "Group memberships", "CreateCount": 1, "UpdateCount": 0, "DeleteCount": 0},
        ]
        uow.journal.bypass = True
        await restore.apply(uow.conn, uow.journal, POOL, found)
    async with database.unit_of_work(write=False) as uow:
        back = await uow.users.by_sub(POOL, bob.sub)
        assert back is not None and back.username == "bob"
        verifier = await uow.users.read_password_verifier(back.id)
        assert verifier is not None and (verifier.salt, verifier.verifier) == ("00ff", "abcd")
        assert await uow.groups.is_member("team", back.id)
        assert await uow.users.by_sub(POOL, carol.sub) is None
        found_alice = await uow.users.by_sub(POOL, alice.sub)
        assert found_alice is not None and found_alice.attributes["name"] == "Alice"

    clock.current = 5000.0
    async with database.unit_of_work(write=True) as uow:  # deletions older than the cutoff leave nothing
        await compact(uow.conn, POOL, 10_000.0)
    async with database.unit_of_work(write=True) as uow:
        again = await restore.plan(uow.conn, POOL, 10_000.0)
    assert all(p["CreateCount"] == p["UpdateCount"] == p["DeleteCount"] == 0 for p in again.preview())
