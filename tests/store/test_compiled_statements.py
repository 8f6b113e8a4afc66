"""Prebuilt statements run compiled on the driver (store/compiled.py) and read exactly what SQLAlchemy reads.

On SQLite a statement's first execution goes through SQLAlchemy and later ones run compiled on sqlite3:
both must give the same documents (JSON columns decoded, booleans as booleans, the same user).
"""

from __future__ import annotations

from store_seed import seed_user
from userpools.store import clients
from userpools.store.database import Database

POOL = "us-east-1_Compiled1"


async def _sign_in_read(database: Database) -> object:
    async with database.unit_of_work(write=False) as uow:
        found = await uow.clients.with_pool("client1", user_keys=("alice", "alice"))
        user = await uow.auth.user_for_sign_in(POOL, "alice")
    return found, user


async def test_the_sign_in_read_is_the_same_through_sqlalchemy_and_compiled(database: Database) -> None:
    await seed_user(database, POOL)
    first, second, third = [await _sign_in_read(database) for _ in range(3)]
    assert first == second == third
    found, user = first  # type: ignore[misc]
    assert found[1]["Id"] == POOL and user.username == "alice" and user.enabled is True
    if database.is_sqlite:  # from the second execution on, the read ran compiled on sqlite3
        statement = clients._WITH_POOL[(False, True)]
        assert database._statements is not None
        compiled = database._statements.get_repeated(statement, {"client_id": "client1"})
        assert compiled is not None and compiled.statement is statement
