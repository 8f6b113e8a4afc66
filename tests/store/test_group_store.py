"""GroupRepo on both stores: uniqueness, keyset pages, memberships and what deleting cascades to."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, insert, select

from userpools.store.database import Database
from userpools.store.groups import GroupRepo
from userpools.store.tables import user_groups, users
from userpools.store.uow import UnitOfWork

POOL = "us-east-1_Groups0001"
OTHER = "us-east-1_Groups0002"


async def _user(uow: UnitOfWork, pool_id: str, name: str) -> int:
    """A bare users row (the users repository is another module's concern)."""
    row = {
        "pool_id": pool_id, "username": name, "username_key": name, "sub": f"sub-{pool_id}-{name}",
        "status": "CONFIRMED", "enabled": True, "created": 1.0, "modified": 1.0,
        "attributes": {}, "settings": {},
    }  # fmt: skip
    result = await uow.conn.execute(insert(users).values(**row).returning(users.c.id))
    return int(result.scalar_one())


async def _setup(db: Database) -> dict[str, int]:
    async with db.unit_of_work(write=True) as uow:
        for pool_id in (POOL, OTHER):
            await uow.pools.insert(pool_id, pool_id, {}, 1.0)
        ids = {name: await _user(uow, POOL, name) for name in ("ann", "bob", "cy")}
        ids["other"] = await _user(uow, OTHER, "ann")
    return ids


async def _group(uow: UnitOfWork, pool_id: str, name: str, precedence: int | None = None) -> bool:
    return await uow.groups.insert(
        pool_id, name, description=None, role_arn=None, precedence=precedence, now=2.0
    )


async def test_insert_get_update_and_uniqueness(database: Database) -> None:
    await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        assert await uow.groups.insert(
            POOL, "g", description="d", role_arn="arn:aws:iam::1:role/r", precedence=0, now=2.0
        )
        assert not await _group(uow, POOL, "g")
        assert await _group(uow, POOL, "G")  # names are case-sensitive
        assert await _group(uow, OTHER, "g")  # and per pool
        await uow.groups.update(POOL, "g", {"Description": "new"}, 3.0)
    async with database.unit_of_work(write=False) as uow:
        assert await uow.groups.get(POOL, "g") == {
            "GroupName": "g", "UserPoolId": POOL, "Description": "new", "RoleArn": "arn:aws:iam::1:role/r",
            "Precedence": 0, "CreationDate": 2.0, "LastModifiedDate": 3.0,
        }  # fmt: skip
        assert await uow.groups.get(POOL, "missing") is None
        assert await uow.groups.count(POOL) == 2


async def test_pages_are_keyset_ordered_by_name(database: Database) -> None:
    await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        for name in ("c", "a", "e", "b", "d"):
            await _group(uow, POOL, name)
        await _group(uow, OTHER, "zz")
    async with database.unit_of_work(write=False) as uow:
        first = await uow.groups.page(POOL, None, 2)
        assert [g["GroupName"] for g in first] == ["a", "b"]
        rest = await uow.groups.page(POOL, "b", 10)
        assert [g["GroupName"] for g in rest] == ["c", "d", "e"]


async def test_memberships(database: Database) -> None:
    ids = await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        await _group(uow, POOL, "low", precedence=1)
        await _group(uow, POOL, "none")
        await _group(uow, POOL, "high", precedence=0)
        await _group(uow, POOL, "also-low", precedence=1)
        for name in ("low", "none", "high", "also-low"):
            assert await uow.groups.add_member(POOL, name, ids["ann"])
        assert not await uow.groups.add_member(POOL, "low", ids["ann"])  # idempotent
        for user in ("cy", "bob"):
            assert await uow.groups.add_member(POOL, "low", ids[user])
    async with database.unit_of_work(write=False) as uow:
        assert await uow.groups.count_groups_of_user(ids["ann"]) == 4
        tokens = [g["GroupName"] for g in await uow.groups.groups_of_user(ids["ann"])]
        assert tokens == ["high", "also-low", "low", "none"]
        page = await uow.groups.page_of_user(ids["ann"], None, 3)
        assert [g["GroupName"] for g in page] == ["also-low", "high", "low"]
        page = await uow.groups.page_of_user(ids["ann"], "low", 3)
        assert [g["GroupName"] for g in page] == ["none"]
        members = await uow.groups.member_ids(POOL, "low", None, 2)
        assert members == [ids["ann"], ids["bob"]]
        assert await uow.groups.member_ids(POOL, "low", members[-1], 2) == [ids["cy"]]
        assert await uow.groups.groups_of_user(ids["other"]) == []
    async with database.unit_of_work(write=True) as uow:
        await uow.groups.remove_member("low", ids["ann"])
        await uow.groups.remove_member("low", ids["ann"])
        assert not await uow.groups.is_member("low", ids["ann"])
        assert await uow.groups.is_member("low", ids["bob"])


async def test_deleting_a_group_or_user_removes_memberships(database: Database) -> None:
    ids = await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        for name in ("g1", "g2"):
            await _group(uow, POOL, name)
            for user in ("ann", "bob"):
                await uow.groups.add_member(POOL, name, ids[user])
        await uow.groups.delete(POOL, "g1")
        await uow.conn.execute(delete(users).where(users.c.id == ids["bob"]))
    async with database.unit_of_work(write=False) as uow:
        rows = (await uow.conn.execute(select(user_groups.c.user_id, user_groups.c.group_name))).all()
        assert [(r.user_id, r.group_name) for r in rows] == [(ids["ann"], "g2")]
        # Deleting the pool takes groups and memberships with it.
    async with database.unit_of_work(write=True) as uow:
        await uow.pools.delete(POOL)
    async with database.unit_of_work(write=False) as uow:
        assert (await uow.conn.execute(select(user_groups))).all() == []
        assert await uow.groups.count(POOL) == 0


async def test_losing_a_race_is_reported_not_raised(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A concurrent creator wins between check and insert: the savepoint keeps the transaction usable."""
    ids = await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        await _group(uow, POOL, "g")
        await uow.groups.add_member(POOL, "g", ids["ann"])
    checks: list[Any] = []

    def blind_first(real: Any) -> Any:
        async def check(self: GroupRepo, *args: Any) -> bool:
            checks.append(args)
            return False if len(checks) == 1 else bool(await real(self, *args))

        return check

    async with database.unit_of_work(write=True) as uow:
        monkeypatch.setattr(GroupRepo, "_group_exists", blind_first(GroupRepo._group_exists))
        assert not await _group(uow, POOL, "g")
        checks.clear()
        monkeypatch.setattr(GroupRepo, "is_member", blind_first(GroupRepo.is_member))
        assert not await uow.groups.add_member(POOL, "g", ids["ann"])
        monkeypatch.undo()
        assert await _group(uow, POOL, "after")  # the transaction still works
    async with database.unit_of_work(write=False) as uow:
        assert [g["GroupName"] for g in await uow.groups.page(POOL, None, 10)] == ["after", "g"]
        assert await uow.groups.member_ids(POOL, "g", None, 10) == [ids["ann"]]


async def test_name_order_is_binary_on_every_store(database: Database) -> None:
    await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        for name in ("a", "é", "Z", "B", "ab"):
            await _group(uow, POOL, name)
    async with database.unit_of_work(write=False) as uow:
        first = await uow.groups.page(POOL, None, 3)
        assert [g["GroupName"] for g in first] == ["B", "Z", "a"]
        rest = await uow.groups.page(POOL, "a", 3)
        assert [g["GroupName"] for g in rest] == ["ab", "é"]
