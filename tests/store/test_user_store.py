"""UserRepo on both stores: profiles, aliases, keyset pages, verifiers and codes; index use at scale."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite

from store_seed import seed_user
from userpools.domain import list_filter
from userpools.domain.user import User, active_aliases, filter_columns
from userpools.domain.user_pool_rules import pool_rules
from userpools.store.database import Database
from userpools.store.users import DuplicateUser, StaleUser, page_query

POOL = "us-east-1_Store1234"
RULES = pool_rules(
    {"Id": POOL, "AliasAttributes": ["email"], "UsernameConfiguration": {"CaseSensitive": False}}
)


def _index(attributes: dict[str, str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {f"f_{k}": v for k, v in filter_columns(attributes).items()}
    out.update({f"alias_{k}": v for k, v in active_aliases(RULES, attributes).items()})
    return out


def _user(name: str, **attributes: str) -> User:
    sub = f"00000000-0000-4000-8000-{abs(hash(name)) % 10**12:012d}"
    return User(0, POOL, name, sub, "CONFIRMED", True, {"sub": sub, **attributes}, 1.0, 1.0)


async def _seed(database: Database, *people: User) -> list[User]:
    async with database.unit_of_work(write=True) as uow:
        if not await uow.pools.exists(POOL):
            await uow.pools.insert(POOL, "store", {}, 1.0)
        for user in people:
            user.id = await uow.users.insert(user, user.username.lower(), _index(user.attributes))
    return list(people)


async def test_profiles_and_aliases(database: Database) -> None:
    alice, bob = await _seed(
        database,
        _user("Alice", email="Alice@X.io", email_verified="true"),
        _user("bob", email="alice@x.io"),  # same email, unverified: no alias
    )
    async with database.unit_of_work(write=False) as uow:
        got = await uow.users.by_username_key(POOL, "alice")
        assert got is not None and got.username == "Alice" and got.attributes["email"] == "Alice@X.io"
        assert (await uow.users.by_alias(POOL, "email", "alice@x.io")).id == alice.id  # type: ignore[union-attr]
        assert (await uow.users.by_sub(POOL, bob.sub)).username == "bob"  # type: ignore[union-attr]
        assert (await uow.users.by_id(bob.id)).username == "bob"  # type: ignore[union-attr]
        assert await uow.users.by_username_key(POOL, "nobody") is None
    # A verified alias is unique in the pool, enforced by the store too.
    bob.attributes["email_verified"] = "true"
    with pytest.raises(DuplicateUser):
        async with database.unit_of_work(write=True) as uow:
            await uow.users.save(bob, _index(bob.attributes))
    # So is the username (a concurrent creator that lost the race gets DuplicateUser, not a crash).
    with pytest.raises(DuplicateUser):
        async with database.unit_of_work(write=True) as uow:
            await uow.users.insert(_user("ALICE"), "alice", {})
    bob.status, bob.enabled, bob.modified = "RESET_REQUIRED", False, 2.0
    bob.attributes["email_verified"] = "false"
    async with database.unit_of_work(write=True) as uow:
        await uow.users.save(bob, _index(bob.attributes))
    async with database.unit_of_work(write=False) as uow:
        again = await uow.users.by_id(bob.id)
    assert again is not None and (again.status, again.enabled, again.modified) == (
        "RESET_REQUIRED",
        False,
        2.0,
    )


async def test_credentials_and_codes(database: Database) -> None:
    [user] = await _seed(database, _user("carol"))
    async with database.unit_of_work(write=True) as uow:
        assert await uow.users.read_password_verifier(user.id) is None
        for n in range(4):
            await uow.users.write_password_verifier(
                user.id,
                f"s{n}",
                f"v{n}",
                temporary=n == 3,
                expires=9.0 if n == 3 else None,
                now=float(n),
                keep_history=2,
            )
        cred = await uow.users.read_password_verifier(user.id)
        assert cred is not None
        assert (cred.salt, cred.verifier, cred.temporary, cred.expires, cred.set_at) == (
            "s3",
            "v3",
            True,
            9.0,
            3.0,
        )
        assert cred.history == [["s2", "v2"], ["s1", "v1"]]
        await uow.users.put_code(user.id, "forgot_password", "h1", 100.0, 1.0)
        await uow.users.put_code(user.id, "forgot_password", "h2", 200.0, 2.0)
        await uow.users.count_code_attempt(user.id, "forgot_password")
        code = await uow.users.read_code(user.id, "forgot_password")
        assert code is not None and (code.code_hash, code.expires, code.attempts) == ("h2", 200.0, 1)
        assert await uow.users.read_code(user.id, "verify_email") is None
        await uow.users.delete_code(user.id, "forgot_password")
        assert await uow.users.read_code(user.id, "forgot_password") is None
        await uow.users.put_code(user.id, "verify_email", "h3", 100.0, 1.0)
        await uow.users.delete(user.id)
        assert await uow.users.by_id(user.id) is None
        assert await uow.users.read_password_verifier(user.id) is None
        assert await uow.users.read_code(user.id, "verify_email") is None


async def test_keyset_pages(database: Database) -> None:
    people = [
        _user(f"u{i}", email=f"{'ab'[i % 2]}{i}@x.io", given_name="Zed" if i % 3 else "Amy") for i in range(7)
    ]
    await _seed(database, *people)

    async def walk(filter_text: str, limit: int) -> list[str]:
        query = list_filter.parse(filter_text)
        out: list[str] = []
        after: Any = None
        async with database.unit_of_work(write=False) as uow:
            while True:
                rows = await uow.users.page(POOL, query.column, query.condition, after, limit)
                out += [u.username for _v, _k, u in rows]
                if len(rows) < limit:
                    return out
                after = rows[-1][:2]

    assert await walk("", 3) == [f"u{i}" for i in range(7)]
    assert await walk('email ^= "a"', 2) == ["u0", "u2", "u4", "u6"]
    assert await walk('email ^= ""', 2) == ["u0", "u2", "u4", "u6", "u1", "u3", "u5"]
    assert await walk('given_name = "amy"', 1) == ["u0", "u3", "u6"]
    assert await walk('status = "Enabled"', 4) == [f"u{i}" for i in range(7)]
    assert await walk('username = "u5"', 4) == ["u5"]


async def test_list_queries_use_an_index(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("query plans are checked on SQLite; PostgreSQL plans depend on statistics")
    await _seed(database, _user("x", email="x@x.io"))
    for filter_text in (
        'email = "x@x.io"',
        'email ^= "x"',
        'name ^= "x"',
        'username = "x"',
        "",
        'cognito:user_status = "CONFIRMED"',
        'status = "Enabled"',
        'sub = "x"',
        'phone_number ^= "+1"',
        'preferred_username = "x"',
        'family_name = "x"',
        'email ^= ""',
        'status ^= ""',
        'status = "Disabled"',
        'cognito:user_status ^= "C"',
    ):
        query = list_filter.parse(filter_text)
        after = (True, "b") if query.column == "enabled" else ("a", "b")
        plan = await _plan(database, query.column, query.condition, after)
        assert "SCAN users" not in plan.replace("USING INDEX", "").replace("USING COVERING INDEX", ""), plan
        assert "USE TEMP B-TREE" not in plan, (filter_text, plan)


async def _plan(database: Database, column: str, condition: Any, after: Any) -> str:
    statement = page_query(POOL, column, condition, after, 5)
    async with database.unit_of_work(write=False) as uow:
        sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        rows = await uow.conn.execute(text("EXPLAIN QUERY PLAN " + sql))
        return "\n".join(str(r[-1]) for r in rows)


async def test_contract_helpers_on_both_stores(database: Database, tmp_path: Any) -> None:
    """create_user / load_user / user_type as other families (seeding, groups) call them."""
    from userpools.adapters.outbox import ConsoleSender
    from userpools.config import Settings
    from userpools.crypto.sealing import Sealer
    from userpools.crypto.srp import verify_password
    from userpools.errors import InvalidPasswordException, UserNotFoundException
    from userpools.operations.context import Context, Services
    from userpools.operations.users import create_user, load_user, user_type
    from userpools.ports import FakeClock, SystemRandom

    services = Services(
        Settings(data_dir=tmp_path),
        FakeClock(),
        SystemRandom(),
        ConsoleSender(),
        ConsoleSender(),
        Sealer(bytes(32), SystemRandom()),
    )
    pool = {"Id": POOL, "AliasAttributes": ["email"]}
    async with database.unit_of_work(write=True) as uow:
        await uow.pools.insert(POOL, "contract", {}, 1.0)
        ctx = Context(services, uow, "req", "us-east-1")
        user = await create_user(
            ctx, pool, "dana", {"email": "d@x.io", "email_verified": "true"}, "Passw0rd!x", permanent=True
        )
        listed = await create_user(ctx, pool, "eve", [{"Name": "name", "Value": "Eve"}], None, permanent=True)
        with pytest.raises(InvalidPasswordException):
            await create_user(ctx, pool, "frank", {}, "weak", permanent=False)
    async with database.unit_of_work(write=False) as uow:
        ctx = Context(services, uow, "req", "us-east-1")
        assert (await load_user(ctx, pool, "d@x.io")).id == user.id
        assert (await load_user(ctx, pool, "eve")).status == "RESET_REQUIRED"
        with pytest.raises(UserNotFoundException):
            await load_user(ctx, pool, "frank")
        cred = await uow.users.read_password_verifier(user.id)
        assert cred is not None and not cred.temporary
        assert verify_password(cred.salt, cred.verifier, POOL, "dana", "Passw0rd!x")
    wire = user_type(listed, ["name"])
    assert wire["Attributes"] == [{"Name": "name", "Value": "Eve"}]
    assert wire["UserStatus"] == "RESET_REQUIRED" and wire["Enabled"] is True
    assert set(wire) == {
        "Username",
        "Attributes",
        "UserCreateDate",
        "UserLastModifiedDate",
        "Enabled",
        "UserStatus",
    }


async def test_postgresql_plans_lookups_on_their_unique_indexes_once_the_pool_grows(
    database: Database,
) -> None:
    """Without statistics PostgreSQL scanned the whole pool for a lookup by sub or username
    (store/pg_stats.py); the store analyzes the users table itself as it grows."""
    if database.is_sqlite:
        pytest.skip("SQLite plans these lookups on the unique indexes without statistics")
    people = [_user(f"p{i:04d}") for i in range(300)]
    await _seed(database, *people)
    await database.analyzer.idle()
    async with database.unit_of_work(write=False) as uow:
        analyzed = await uow.conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'users'"))
        assert analyzed.scalar_one() >= 300
        for column, value in (("sub", people[150].sub), ("username_key", "p0150")):
            sql = f"EXPLAIN SELECT * FROM users WHERE pool_id = '{POOL}' AND {column} = '{value}'"
            plan = "\n".join(str(r[0]) for r in await uow.conn.execute(text(sql)))
            assert f"uq_users_pool_id_{column}" in plan, plan


async def test_a_save_over_a_concurrent_change_is_refused(database: Database) -> None:
    """Two units read one user; the second to save would undo the first's change: StaleUser instead."""
    await seed_user(database, "us-east-1_Stale0001")

    async def read(uow: Any) -> User:
        user = await uow.users.by_username_key("us-east-1_Stale0001", "alice")
        assert user is not None
        return user

    async with database.unit_of_work(write=True) as slow:
        late = await read(slow)
        async with database.unit_of_work(write=True) as quick:  # runs and commits in between
            first = await read(quick)
            first.attributes["given_name"] = "Ann"
            first.modified = 2000.0
            await quick.users.save(first, {})
            first.attributes["family_name"] = "Lee"  # saving twice in one unit is no conflict
            first.modified = 2001.0
            await quick.users.save(first, {})
        late.attributes["nickname"] = "al"
        late.modified = 2002.0
        with pytest.raises(StaleUser):
            await slow.users.save(late, {})
    async with database.unit_of_work(write=False) as uow:
        kept = await read(uow)
    assert kept.attributes.get("given_name") == "Ann" and kept.attributes.get("family_name") == "Lee"
    assert "nickname" not in kept.attributes and kept.modified == 2001.0
