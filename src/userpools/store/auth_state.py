"""Repository for sign-in state: the password verifier with the lockout counter, and single-use markers.

Sign-in reads a user's verifier and failed-attempt counter in one query (``sign_in_secrets``, privileged);
answered challenge sessions and SRP secret blocks are recorded (``use_once``) so that a replay fails on
every node until the value would have expired anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from userpools.store.connection import Conn
from userpools.store.tables import auth_failures, auth_used_sessions, user_credentials

_SECRETS = (
    select(
        user_credentials.c.salt,
        user_credentials.c.verifier,
        user_credentials.c.temporary,
        user_credentials.c.expires,
        auth_failures.c.failures,
        auth_failures.c.last_failure,
    )
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


class AuthStateRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def sign_in_secrets(self, user_id: int) -> SignInSecrets | None:
        """Privileged: the verifier and failure counter of a user, None when the user has no password."""
        row = (await self.conn.execute(_SECRETS, {"user_id": user_id})).first()
        if row is None:
            return None
        return SignInSecrets(
            row.salt, row.verifier, row.temporary, row.expires, row.failures or 0, row.last_failure or 0.0
        )

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
