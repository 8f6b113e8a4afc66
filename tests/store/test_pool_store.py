"""PoolRepo on both stores: keyset paging (with and without a region prefix), replace, domains, delete."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from userpools.store.database import Database
from userpools.store.tables import domains, groups

IDS = [
    "eu-west-1_AAAAAAAA1",
    "us-east-1_Zzzzzzzz9",
    "us-east-1_aaaaaaaa1",
    "us-east-1_BBBBBBBB2",
    "us-east-10_CCCCCCC3",
    "us-east-1_00000000a",
]


async def _seed(database: Database) -> None:
    async with database.unit_of_work(write=True) as uow:
        for n, pool_id in enumerate(IDS):
            await uow.pools.insert(pool_id, f"name{n}", {"Arn": f"arn/{pool_id}", "Tier": n}, 1000.0 + n)


async def _all_pages(database: Database, limit: int, prefix: str | None) -> list[str]:
    seen: list[str] = []
    after = None
    while True:
        async with database.unit_of_work(write=False) as uow:
            page = await uow.pools.page(after, limit, prefix=prefix)
        seen += [p["Id"] for p in page]
        if len(page) < limit:
            return seen
        after = page[-1]["Id"]


async def test_page_walks_every_pool_once_in_id_order(database: Database) -> None:
    await _seed(database)
    for limit in (1, 2, 5, 60):
        assert await _all_pages(database, limit, None) == sorted(IDS)


async def test_page_with_prefix_keeps_to_the_region(database: Database) -> None:
    await _seed(database)
    region = sorted(i for i in IDS if i.startswith("us-east-1_"))
    for limit in (1, 2, 3, 60):
        assert await _all_pages(database, limit, "us-east-1_") == region
    assert await _all_pages(database, 10, "ap-south-1_") == []


async def test_page_returns_whole_documents(database: Database) -> None:
    await _seed(database)
    async with database.unit_of_work(write=False) as uow:
        first = (await uow.pools.page(None, 1, prefix="eu-west-1_"))[0]
    assert first == {
        "Arn": "arn/eu-west-1_AAAAAAAA1",
        "Tier": 0,
        "Id": "eu-west-1_AAAAAAAA1",
        "Name": "name0",
        "CreationDate": 1000.0,
        "LastModifiedDate": 1000.0,
    }


async def test_replace_keeps_computed_members_out_and_can_rename(database: Database) -> None:
    await _seed(database)
    pool_id = IDS[1]
    async with database.unit_of_work(write=True) as uow:
        pool = await uow.pools.get(pool_id)
        assert pool is not None
        pool.update(EstimatedNumberOfUsers=5, Domain="d", Extra=True)
        await uow.pools.replace(pool_id, pool, 2000.0, name="renamed")
    async with database.unit_of_work(write=True) as uow:
        again = await uow.pools.get(pool_id)
        assert again is not None
        assert again["Name"] == "renamed" and again["Extra"] is True
        assert again["LastModifiedDate"] == 2000.0 and again["CreationDate"] == 1001.0
        assert "EstimatedNumberOfUsers" not in again and "Domain" not in again
        await uow.pools.replace(pool_id, again, None)
    async with database.unit_of_work(write=False) as uow:
        untouched = await uow.pools.get(pool_id)
    assert untouched is not None and untouched["LastModifiedDate"] == 2000.0


async def test_domains_of_and_delete(database: Database) -> None:
    await _seed(database)
    pool_id = IDS[2]
    async with database.unit_of_work(write=True) as uow:
        assert await uow.pools.domains_of(pool_id) == {}
        for name, custom in (("myprefix", False), ("auth.example.com", True)):
            await uow.conn.execute(
                insert(domains).values(domain=name, pool_id=pool_id, custom=custom, doc={}, created=1.0)
            )
        await uow.conn.execute(
            insert(groups).values(pool_id=pool_id, name="admins", created=1.0, modified=1.0)
        )
    async with database.unit_of_work(write=True) as uow:
        assert await uow.pools.domains_of(pool_id) == {
            "Domain": "myprefix",
            "CustomDomain": "auth.example.com",
        }
        assert await uow.pools.count_users(pool_id) == 0
        await uow.pools.delete(pool_id)
    async with database.unit_of_work(write=False) as uow:
        assert not await uow.pools.exists(pool_id)
        assert await uow.pools.get(pool_id) is None
        assert await uow.pools.domains_of(pool_id) == {}
        assert len(await uow.pools.page(None, 60)) == len(IDS) - 1
        left = select(func.count()).select_from(groups).where(groups.c.pool_id == pool_id)
        assert (await uow.conn.execute(left)).scalar_one() == 0  # deleting a pool deletes what it holds
