"""Repository for sign-in state: the password verifier with the lockout counter, and single-use markers.

Sign-in reads a user's verifier and failed-attempt counter in one query (``sign_in_secrets``, privileged);
``user_for_sign_in`` reads them with the user's profile in that same query (one round trip fewer on
PostgreSQL) and keeps them for this unit of work's next ``sign_in_secrets`` call. Answered challenge
sessions and SRP secret blocks are recorded (``use_once``) so that a replay fails on every node until the
value would have expired anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from userpools.domain.user import User
from userpools.store.connection import Conn
from userpools.store.tables import auth_failures, auth_used_sessions, user_credentials, users
from userpools.store.users import PREFIXED_PROFILE, PROFILE, Prefixed, user_from_row

_SECRET_COLUMNS = (
    user_credentials.c.salt,
    user_credentials.c.verifier,
    user_credentials.c.temporary,
    user_credentials.c.expires,
    auth_failures.c.failures,
    auth_failures.c.last_failure,
)
_USER_FOR_SIGN_IN = (
    select(*PROFILE, *_SECRET_COLUMNS)
    .select_from(
        users.outerjoin(user_credentials, user_credentials.c.user_id == users.c.id).outerjoin(
            auth_failures, auth_failures.c.user_id == users.c.id
        )
    )
    .where(users.c.pool_id == bindparam("pool_id"), users.c.username_key == bindparam("key"))
)
_SECRETS = (
    select(*_SECRET_COLUMNS)
    .select_from(
        user_credentials.outerjoin(auth_failures, auth_failures.c.user_id == user_credentials.c.user_id)
    )
    .where(user_credentials.c.user_id == bindparam("user_id"))
)
_FAILURES = select(auth_failures.c.failures, auth_failures.c.last_failure).where(
    auth_failures.c.user_id == bindparam("user_id")
)
_COUNT_FAILURE = (
    update(auth_failures)
    .where(auth_failures.c.user_id == bindparam("uid"))
    .values(failures=auth_failures.c.failures + 1, last_failure=bindparam("now"))
)
_FIRST_FAILURE = insert(auth_failures).values(
    user_id=bindparam("uid"), failures=1, last_failure=bindparam("now")
)
_CLEAR_FAILURES = delete(auth_failures).where(auth_failures.c.user_id == bindparam("uid"))
_USE = insert(auth_used_sessions).values(session_id=bindparam("sid"), expires=bindparam("expires"))
_PURGE = delete(auth_used_sessions).where(auth_used_sessions.c.expires < bindparam("now"))


@dataclass(frozen=True)
class SignInSecrets:
    """A user's SRP salt and verifier (secrets: never put them in a response) and lockout counter."""

    salt: str
    verifier: str
    temporary: bool
    expires: float | None  # temporary passwords only
    failures: int
    last_failure: float


@dataclass(frozen=True)
class Failures:
    count: int
    last: float


def _secrets(row: Any) -> SignInSecrets | None:
    if row.salt is None:  # no credentials row (outer join)
        return None
    return SignInSecrets(
        row.salt, row.verifier, row.temporary, row.expires, row.failures or 0, row.last_failure or 0.0
    )


# Read-ahead (UnitOfWork.read_ahead) keys: a user looked up by username key (None: nobody has it), and
# the sign-in secrets of a user by id.
SIGN_IN_USER = "sign-in-user"
SIGN_IN_SECRETS = "sign-in-secrets"
# The profile and secret columns under "u_" names, for queries that read them beside other tables.
PREFIXED_USER_COLUMNS = [*PREFIXED_PROFILE, *(c.label(f"u_{c.name}") for c in _SECRET_COLUMNS)]


def remember_sign_in_users(
    read_ahead: dict[tuple[str, str], Any], pool_id: str, keys: tuple[str, ...], rows: Sequence[Any]
) -> None:
    """Keeps, for this unit of work's ``user_for_sign_in``, who each username key in ``keys`` names (from
    rows carrying PREFIXED_USER_COLUMNS), and their sign-in secrets."""
    found: dict[str, User] = {}
    for row in rows:
        if row.u_id is not None and row.u_username_key not in found:
            user = user_from_row(Prefixed(row))
            found[row.u_username_key] = user
            read_ahead[(SIGN_IN_SECRETS, str(user.id))] = _secrets(Prefixed(row))
    for key in keys:
        read_ahead[(SIGN_IN_USER, f"{pool_id}\x00{key}")] = found.get(key)


class AuthStateRepo:
    def __init__(self, conn: Conn, read_ahead: dict[tuple[str, str], Any] | None = None) -> None:
        self.conn = conn
        self.read_ahead = read_ahead if read_ahead is not None else {}

    async def user_for_sign_in(self, pool_id: str, username_key: str) -> User | None:
        """The user named ``username_key``; its sign-in secrets are read in the same query and kept for
        the next ``sign_in_secrets`` of that user in this unit of work. No query when the request's
        first read (``ClientRepo.with_pool`` with ``user_keys``) already looked for that key."""
        known = (SIGN_IN_USER, f"{pool_id}\x00{username_key}")
        if known in self.read_ahead:
            found: User | None = self.read_ahead.pop(known)
            return found
        row = (await self.conn.execute(_USER_FOR_SIGN_IN, {"pool_id": pool_id, "key": username_key})).first()
        if row is None:
            return None
        user = user_from_row(row)
        self.read_ahead[(SIGN_IN_SECRETS, str(user.id))] = _secrets(row)
        return user

    async def sign_in_secrets(self, user_id: int) -> SignInSecrets | None:
        """Privileged: the verifier and failure counter of a user, None when the user has no password."""
        known = (SIGN_IN_SECRETS, str(user_id))
        if known in self.read_ahead:
            secrets: SignInSecrets | None = self.read_ahead.pop(known)
            return secrets
        row = (await self.conn.execute(_SECRETS, {"user_id": user_id})).first()
        return None if row is None else _secrets(row)

    async def failures(self, user_id: int) -> Failures:
        row = (await self.conn.execute(_FAILURES, {"user_id": user_id})).first()
        return Failures(row.failures, row.last_failure) if row else Failures(0, 0.0)

    async def count_failure(self, user_id: int, now: float) -> None:
        """One more failed password check for the user."""
        result = cast(
            CursorResult[Any], await self.conn.execute(_COUNT_FAILURE, {"uid": user_id, "now": now})
        )
        if result.rowcount:
            return
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(_FIRST_FAILURE, {"uid": user_id, "now": now})
        except IntegrityError:  # a concurrent failure created the row first
            await self.conn.execute(_COUNT_FAILURE, {"uid": user_id, "now": now})

    async def clear_failures(self, user_id: int) -> None:
        await self.conn.execute(_CLEAR_FAILURES, {"uid": user_id})

    async def use_once(self, session_id: str, expires: float) -> bool:
        """Records ``session_id`` as used; False when it already was (the caller must fail the request)."""
        try:
            await self.conn.execute(_USE, {"sid": session_id, "expires": expires})
        except IntegrityError:
            return False  # PostgreSQL has aborted the transaction: the caller raises, which rolls back
        return True

    async def purge_used(self, now: float) -> None:
        """Forgets markers whose sessions have expired (an expired session fails on its own)."""
        await self.conn.execute(_PURGE, {"now": now})
