"""The sign-in read has a generic plan that PostgreSQL can keep, so it is not planned on every sign-in.

asyncpg prepares each statement; PostgreSQL plans its first five executions for their parameters and then
keeps one generic plan, unless the generic plan looks more expensive. The sign-in read joins nine tables
and names the user by two username keys (as typed, lower-cased), usually equal. Written as an OR, the
generic plan scanned the whole users table, so PostgreSQL planned the join again on every sign-in (~0.5 ms
of its CPU, more than running it; and on a large pool the generic plan would be a disaster). As an IN list
the generic plan finds the user through the (pool, username key) index, as a custom plan does.
"""

from __future__ import annotations

from userpools.domain.user import User
from userpools.store import clients, pg
from userpools.store.database import Database

POOL = "us-east-1_PlanCache1"
USERS = 1000


async def _seed(database: Database) -> None:
    async with database.unit_of_work(write=True) as uow:
        await uow.pools.insert(POOL, "plans", {"Arn": "arn"}, 1000.0)
        await uow.clients.insert(POOL, "client1", "c", {}, 1000.0)
        for n in range(USERS):
            name = f"user{n}"
            user = User(0, POOL, name, f"sub-{n}", "CONFIRMED", True, {"sub": f"sub-{n}"}, 1000.0, 1000.0)
            await uow.users.insert(user, name, {})
    async with database.relaxed_connection() as conn:  # as store/pg_stats.py does as users arrive
        await conn.raw.execute("ANALYZE users")


async def _generic_plan(database: Database, params: dict[str, str]) -> str:
    statement = clients._WITH_POOL[(False, True)]
    sql, args = pg._STATEMENTS.get(statement, params).arguments(params)
    literals = ", ".join("NULL" if a is None else str(a) if isinstance(a, int) else f"'{a}'" for a in args)
    async with database.relaxed_connection() as conn:
        await conn.raw.execute("SET plan_cache_mode = force_generic_plan")
        try:
            await conn.raw.execute(f"PREPARE sign_in_read AS {sql}")
            rows = await conn.raw.fetch(f"EXPLAIN EXECUTE sign_in_read({literals})")
            await conn.raw.execute("DEALLOCATE sign_in_read")
        finally:
            await conn.raw.execute("RESET plan_cache_mode")
    return "\n".join(row[0] for row in rows)


async def test_the_generic_plan_of_the_sign_in_read_finds_the_user_by_index(postgres: Database) -> None:
    await _seed(postgres)
    params = {"client_id": "client1", "k1": "user7", "k2": "user7"}
    plan = await _generic_plan(postgres, params)
    assert "$5" in plan or "$6" in plan, plan  # a generic plan: the keys are parameters
    assert "Seq Scan on users" not in plan, plan
    assert "uq_users_pool_id_username_key" in plan, plan
    async with postgres.unit_of_work(write=False) as uow:
        found = await uow.clients.with_pool("client1", user_keys=("user7", "user7"))
    assert found is not None and found[1]["Id"] == POOL
