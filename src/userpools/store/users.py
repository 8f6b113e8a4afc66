"""Repository for users, their password verifiers and their one-time codes.

Profiles (``users``) are what lists and lookups return; verifiers (``user_credentials``) and codes
(``user_codes``) are reached only through the explicitly named privileged methods below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, delete, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from userpools.domain.user import User
from userpools.store.connection import Conn
from userpools.store.journal import Journal
from userpools.store.tables import user_codes, user_credentials, users

PROFILE = [c for c in users.c if not c.name.startswith(("f_", "alias_"))]
# The profile columns under "u_" names, for queries that read a user beside another table's row.
PREFIXED_PROFILE = [c.label(f"u_{c.name}") for c in PROFILE]
# The users holding username key k1 or k2 (a name as typed and lower-cased), for such joins. IN, not OR:
# PostgreSQL's generic plan for the OR scanned the whole users table, so it planned the 9-table sign-in
# join afresh on every sign-in (~0.5 ms of CPU); the IN list's generic plan uses the index
# (tests/store/test_pg_plans.py).
NAMED_K1_OR_K2 = users.c.username_key.in_([bindparam("k1"), bindparam("k2")])
# Read-ahead (UnitOfWork.read_ahead) key: the user a username key names in a pool (None: nobody), read
# by another repository's query (PoolRepo.get with user keys) for this unit of work's by_username_key.
USER_BY_KEY = "user-by-key"
# Lookups run on every request that names a user: built once, so SQLAlchemy compiles them once.
_BY_POOL = select(*PROFILE).where(users.c.pool_id == bindparam("pool_id"))
_BY_USERNAME = _BY_POOL.where(users.c.username_key == bindparam("key"))
_BY_SUB = _BY_POOL.where(users.c.sub == bindparam("key"))
_BY_ALIAS = {a: _BY_POOL.where(users.c[f"alias_{a}"] == bindparam("key"))
             for a in ("email", "phone_number", "preferred_username")}  # fmt: skip
_BY_ID = select(*PROFILE).where(users.c.id == bindparam("id"))
_BY_IDS = select(*PROFILE).where(users.c.id.in_(bindparam("ids", expanding=True))).order_by(users.c.id)
# Writes of every sign-up and user creation, likewise built once (values come as parameters).
_INSERT = insert(users).returning(users.c.id)
_SAVE = update(users).where(users.c.id == bindparam("b_id")).returning(users.c.username_key)
_SAVE_UNCHANGED = (
    update(users)
    .where(users.c.id == bindparam("b_id"), users.c.modified == bindparam("b_stored_modified"))
    .returning(users.c.username_key)
)
_DELETE = delete(users).where(users.c.id == bindparam("id")).returning(users.c.pool_id, users.c.sub)
_READ_VERIFIER = select(user_credentials).where(user_credentials.c.user_id == bindparam("user_id"))
_INSERT_VERIFIER = insert(user_credentials)
_UPDATE_VERIFIER = update(user_credentials).where(user_credentials.c.user_id == bindparam("b_user_id"))


class DuplicateUser(Exception):
    """A username, sub or alias already taken in the pool (a concurrent writer won the race)."""


class StaleUser(Exception):
    """The user changed (or went) since this unit of work read it: the whole unit must run again.

    Reads before a unit's first write run outside its transaction (store/connection.py, store/pg.py), so
    another unit may save the same user in between; writing back the profile read earlier would undo
    that change. The runner retries the operation (operations/runner.py).
    """


@dataclass(frozen=True)
class Credentials:
    """A user's SRP verifier (a secret: never put it in a response)."""

    salt: str
    verifier: str
    temporary: bool
    expires: float | None
    set_at: float
    history: list[list[str]]  # earlier [salt, verifier] pairs, newest first


@dataclass(frozen=True)
class StoredCode:
    code_hash: str
    expires: float
    attempts: int
    created: float


def user_from_row(row: Any) -> User:
    """A ``User`` from a row with the profile columns of ``users`` (``id``, ``pool_id``, ... ``settings``)."""
    return User(
        id=row.id,
        pool_id=row.pool_id,
        username=row.username,
        sub=row.sub,
        status=row.status,
        enabled=row.enabled,
        attributes=dict(row.attributes),
        created=row.created,
        modified=row.modified,
        settings=dict(row.settings or {}),
        stored_modified=row.modified,
    )


class Prefixed:
    """A row's "u_" columns under their own names (what user_from_row reads)."""

    __slots__ = ("row",)

    def __init__(self, row: Any) -> None:
        self.row = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, f"u_{name}")


def remember_users(
    read_ahead: dict[tuple[str, str], Any], pool_id: str, keys: tuple[str, ...], rows: Sequence[Any]
) -> None:
    """Keeps, for this unit of work's ``by_username_key``, who each username key in ``keys`` names (from
    rows carrying PREFIXED_PROFILE; a row whose ``u_id`` is NULL names nobody)."""
    found = {row.u_username_key: row for row in rows if row.u_id is not None}
    for key in keys:
        row = found.get(key)
        read_ahead[(USER_BY_KEY, f"{pool_id}\x00{key}")] = None if row is None else Prefixed(row)


def _image(user: User, username_key: str, index: dict[str, str | None]) -> dict[str, Any]:
    """The journal's after-image of a profile: every column of its ``users`` row but the id and pool."""
    return {
        "username": user.username,
        "username_key": username_key,
        "sub": user.sub,
        "status": user.status,
        "enabled": user.enabled,
        "created": user.created,
        "modified": user.modified,
        "attributes": user.attributes,
        "settings": user.settings,
        **index,
    }


def credential_image(values: dict[str, Any]) -> dict[str, Any]:
    """The journal's copy of a verifier row: the same salted SRP verifier, no weaker than the original."""
    return {k: values[k] for k in ("salt", "verifier", "temporary", "expires", "set_at", "history")}


class UserRepo:
    def __init__(
        self, conn: Conn, journal: Journal, read_ahead: dict[tuple[str, str], Any] | None = None
    ) -> None:
        self.conn = conn
        self.journal = journal
        self.read_ahead = read_ahead if read_ahead is not None else {}

    # --- profiles -------------------------------------------------------------------------------
    async def insert(self, user: User, username_key: str, index: dict[str, str | None]) -> int:
        """Stores a new profile; ``index`` holds the derived ``f_*`` / ``alias_*`` columns."""
        image = _image(user, username_key, index)
        try:
            result = await self.conn.execute(_INSERT, {"pool_id": user.pool_id, **image})
        except IntegrityError as exc:
            raise DuplicateUser(str(exc.orig)) from exc
        user_id = int(result.scalar_one())
        self.journal.record(user.pool_id, "user", user.sub, image)
        self.journal.know(user_id, user.pool_id, user.sub)
        return user_id

    async def save(self, user: User, index: dict[str, str | None]) -> None:
        """Writes back a changed profile (status, enabled, attributes, settings, modified)."""
        values = {
            "b_id": user.id,
            "status": user.status,
            "enabled": user.enabled,
            "attributes": user.attributes,
            "settings": user.settings,
            "modified": user.modified,
            **index,
        }
        statement = _SAVE
        if user.stored_modified is not None:
            statement, values["b_stored_modified"] = _SAVE_UNCHANGED, user.stored_modified
        try:
            row = (await self.conn.execute(statement, values)).first()
        except IntegrityError as exc:
            raise DuplicateUser(str(exc.orig)) from exc
        if row is None:
            if statement is _SAVE_UNCHANGED:
                raise StaleUser(f"user {user.id} changed since it was read")
            return
        user.stored_modified = user.modified
        # The key comes back from the UPDATE itself: no read for the journal.
        self.journal.record(user.pool_id, "user", user.sub, _image(user, row.username_key, index))

    async def delete(self, user_id: int) -> None:
        for table in (user_codes, user_credentials):
            await self.conn.execute(delete(table).where(table.c.user_id == user_id))
        row = (await self.conn.execute(_DELETE, {"id": user_id})).first()
        if row is not None:
            self.journal.record(row.pool_id, "user", row.sub, None)
            self.journal.record(row.pool_id, "credential", row.sub, None)

    async def _one(self, statement: Select[Any], params: dict[str, Any]) -> User | None:
        return self._known((await self.conn.execute(statement, params)).first())

    def _known(self, row: Any) -> User | None:
        if row is None:
            return None
        self.journal.know(row.id, row.pool_id, row.sub)
        return user_from_row(row)

    async def by_username_key(self, pool_id: str, username_key: str) -> User | None:
        """No query when the request's pool read (``PoolRepo.get`` with user keys) already looked."""
        known = (USER_BY_KEY, f"{pool_id}\x00{username_key}")
        if known in self.read_ahead:
            return self._known(self.read_ahead.pop(known))
        return await self._one(_BY_USERNAME, {"pool_id": pool_id, "key": username_key})

    async def by_alias(self, pool_id: str, attribute: str, key: str) -> User | None:
        """The user holding the active alias ``attribute`` = ``key`` (email, phone, preferred_username)."""
        return await self._one(_BY_ALIAS[attribute], {"pool_id": pool_id, "key": key})

    async def by_sub(self, pool_id: str, sub: str) -> User | None:
        return await self._one(_BY_SUB, {"pool_id": pool_id, "key": sub})

    async def by_id(self, user_id: int) -> User | None:
        return await self._one(_BY_ID, {"id": user_id})

    async def by_ids(self, user_ids: list[int]) -> list[User]:
        """The users with these ids, in id order, in one query (missing ids are left out)."""
        if not user_ids:
            return []
        rows = (await self.conn.execute(_BY_IDS, {"ids": user_ids})).all()
        return [user_from_row(row) for row in rows]

    async def page(
        self,
        pool_id: str,
        column: str,
        condition: tuple[str, Any] | None,
        after: tuple[Any, str] | None,
        limit: int,
    ) -> list[tuple[Any, str, User]]:
        """Users ordered by (``column``, username_key), after the key ``after``.

        ``condition`` is ``("eq", value)``, ``("prefix", (low, high))`` or ``("in", values)``; the index
        ``(pool_id, column, username_key)`` answers every form without scanning the pool.
        Returns ``(column value, username_key, user)`` triples.
        """
        statement, params = _page(pool_id, column, condition, after, limit)
        rows = (await self.conn.execute(statement, params)).all()
        return [(r.sort_value, r.sort_key, user_from_row(r)) for r in rows]

    # --- credentials (privileged) ---------------------------------------------------------------
    async def read_password_verifier(self, user_id: int) -> Credentials | None:
        """Privileged: the user's SRP salt, verifier and password history."""
        row = (await self.conn.execute(_READ_VERIFIER, {"user_id": user_id})).first()
        if row is None:
            return None
        return Credentials(row.salt, row.verifier, row.temporary, row.expires, row.set_at, list(row.history))

    async def write_password_verifier(
        self,
        user_id: int,
        salt: str,
        verifier: str,
        *,
        temporary: bool,
        expires: float | None,
        now: float,
        keep_history: int,
        first: bool = False,
    ) -> None:
        """Privileged: replaces the verifier; the previous one joins the history (``keep_history`` kept).

        ``first``: the user was created in this unit of work and has none yet (no read needed).
        """
        current = None if first else await self.read_password_verifier(user_id)
        values = {
            "salt": salt,
            "verifier": verifier,
            "temporary": temporary,
            "expires": expires,
            "set_at": now,
        }
        if current is None:
            values["history"] = []
            await self.conn.execute(_INSERT_VERIFIER, {"user_id": user_id, **values})
        else:
            values["history"] = [[current.salt, current.verifier], *current.history][:keep_history]
            await self.conn.execute(_UPDATE_VERIFIER, {"b_user_id": user_id, **values})
        owner = await self.journal.owner(user_id)
        if owner is not None:
            self.journal.record(owner[0], "credential", owner[1], credential_image(values))

    # --- one-time codes (privileged) ------------------------------------------------------------
    async def put_code(self, user_id: int, purpose: str, code_hash: str, expires: float, now: float) -> None:
        """Privileged: stores the (hashed) live code for ``purpose``, replacing any earlier one."""
        await self.delete_code(user_id, purpose)
        await self.conn.execute(
            insert(user_codes).values(
                user_id=user_id,
                purpose=purpose,
                code_hash=code_hash,
                expires=expires,
                attempts=0,
                created=now,
            )
        )

    async def read_code(self, user_id: int, purpose: str) -> StoredCode | None:
        """Privileged: the stored code digest for ``purpose``."""
        row = (
            await self.conn.execute(
                select(user_codes).where(user_codes.c.user_id == user_id, user_codes.c.purpose == purpose)
            )
        ).first()
        return StoredCode(row.code_hash, row.expires, row.attempts, row.created) if row else None

    async def count_code_attempt(self, user_id: int, purpose: str) -> None:
        await self.conn.execute(
            update(user_codes)
            .where(user_codes.c.user_id == user_id, user_codes.c.purpose == purpose)
            .values(attempts=user_codes.c.attempts + 1)
        )

    async def delete_code(self, user_id: int, purpose: str) -> None:
        await self.conn.execute(
            delete(user_codes).where(user_codes.c.user_id == user_id, user_codes.c.purpose == purpose)
        )


def page_query(
    pool_id: str, column: str, condition: tuple[str, Any] | None, after: tuple[Any, str] | None, limit: int
) -> Select[Any]:
    """The keyset query behind ``UserRepo.page``, values bound (public so tests can check its query plan)."""
    statement, params = _page(pool_id, column, condition, after, limit)
    return statement.params(params)


def _page(
    pool_id: str, column: str, condition: tuple[str, Any] | None, after: tuple[Any, str] | None, limit: int
) -> tuple[Select[Any], dict[str, Any]]:
    params: dict[str, Any] = {"pool_id": pool_id, "limit": limit}
    kind = None
    if condition is not None:
        kind, value = condition
        if kind == "prefix":
            params["low"], params["high"] = value
        else:
            params["value"] = value
    if after is not None:
        params["after_value"], params["after_key"] = after
    return _page_statement(column, kind, after is not None), params


@cache
def _page_statement(column: str, kind: str | None, has_after: bool) -> Select[Any]:
    """One prebuilt statement per query shape (filtered column, comparison, first page or not)."""
    col = users.c[column]
    key = users.c.username_key
    query = select(*PROFILE, col.label("sort_value"), key.label("sort_key")).where(
        users.c.pool_id == bindparam("pool_id", type_=users.c.pool_id.type)
    )
    if kind == "eq":
        query = query.where(col == bindparam("value", type_=col.type))
    elif kind == "prefix":
        query = query.where(col >= bindparam("low", type_=col.type), col < bindparam("high", type_=col.type))
    elif kind is not None:
        query = query.where(col.in_(bindparam("value", type_=col.type, expanding=True)))
    limit = bindparam("limit", type_=Integer)
    if column == "username_key" or kind == "eq":
        # One value of ``column``: the index is already in username_key order within it.
        if has_after:
            query = query.where(key > bindparam("after_key", type_=key.type))
        return query.order_by(key).limit(limit)
    if has_after:
        after = tuple_(bindparam("after_value", type_=col.type), bindparam("after_key", type_=key.type))
        query = query.where(tuple_(col, key) > after)
    return query.where(col.is_not(None)).order_by(col, key).limit(limit)
