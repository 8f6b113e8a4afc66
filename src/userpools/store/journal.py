"""The change journal behind point-in-time recovery (docs/recovery.md).

Repositories record the after-image of every write of a pool's user data (user profiles, their password
verifiers, groups, group memberships) here; the unit of work flushes them as one batched INSERT just before
it commits, so a request that writes a user pays one extra statement, whatever it touched. The state of an
entity at time T is the latest image at or before T, or "absent" when there is none (every entity is
journaled from its creation; compaction keeps the latest image older than the retention window).

While a recovery of the pool is pending (PREVIEW_GENERATING / PREVIEW_GENERATED, for at most 24 hours)
the flush refuses: writes to user data are paused, and the request fails with
ConcurrentModificationException before anything is committed. Reads and sign-ins that write nothing of
the pool's user data (refresh tokens, failure counters) go on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, or_, select

from userpools.errors import ConcurrentModificationException
from userpools.ports import Clock
from userpools.store.connection import Conn
from userpools.store.tables import pool_journal, pool_recoveries, users

# Statuses during which the pool's user data may not change (see StartPointInTimeRecovery).
PAUSING = ("PREVIEW_GENERATING", "PREVIEW_GENERATED", "RESTORING")
PREVIEW_LIFETIME = 24 * 3600.0  # InitiatePointInTimeRecovery: the preview expires after 24 hours

_INSERT = insert(pool_journal)
_PAUSING = exists().where(
    pool_recoveries.c.pool_id == bindparam("pool_id"),
    # Spelled out rather than IN (...): an expanding IN is re-rendered on every execution.
    or_(
        pool_recoveries.c.status == "RESTORING",
        and_(
            or_(*(pool_recoveries.c.status == s for s in PAUSING if s != "RESTORING")),
            pool_recoveries.c.created > bindparam("since"),
        ),
    ),
)
_PAUSED = select(_PAUSING)
# The usual flush, one image: inserted only if no recovery pauses the pool, in the same statement, so
# the check costs no round trip of its own (no row back: paused).
_J = pool_journal.c
_INSERT_UNLESS_PAUSED = (
    insert(pool_journal)
    .from_select(
        ["pool_id", "at", "kind", "key", "doc"],
        select(
            bindparam("pool_id", type_=_J.pool_id.type),
            bindparam("at", type_=_J.at.type),
            bindparam("kind", type_=_J.kind.type),
            bindparam("key", type_=_J.key.type),
            bindparam("doc", type_=_J.doc.type),
        ).where(~_PAUSING),
    )
    .returning(_J.seq)
)
_OWNER = select(users.c.pool_id, users.c.sub).where(users.c.id == bindparam("id"))


class Journal:
    """The after-images one unit of work wrote, by entity; the last write of an entity wins."""

    __slots__ = ("bypass", "clock", "conn", "entries", "owners")

    def __init__(self, conn: Conn, clock: Clock) -> None:
        self.conn = conn
        self.clock = clock
        self.entries: dict[tuple[str, str, str], Any] = {}
        self.owners: dict[int, tuple[str, str]] = {}  # users.id -> (pool_id, sub), learnt from reads
        self.bypass = False  # set by the recovery itself, which writes while the pool is paused

    def record(self, pool_id: str, kind: str, key: str, doc: dict[str, Any] | None) -> None:
        self.entries[(pool_id, kind, key)] = doc

    def know(self, user_id: int, pool_id: str, sub: str) -> None:
        self.owners[user_id] = (pool_id, sub)

    async def owner(self, user_id: int) -> tuple[str, str] | None:
        """(pool_id, sub) of the user with this row id (usually known already from the request's reads)."""
        found = self.owners.get(user_id)
        if found is None:
            row = (await self.conn.execute(_OWNER, {"id": user_id})).first()
            if row is None:
                return None
            found = self.owners[user_id] = (row.pool_id, row.sub)
        return found

    async def flush(self) -> None:
        if not self.entries:
            return
        now = self.clock.now()
        since = now - PREVIEW_LIFETIME
        rows = [
            {"pool_id": pool, "at": now, "kind": kind, "key": key, "doc": doc}
            for (pool, kind, key), doc in self.entries.items()
        ]
        self.entries = {}
        if len(rows) == 1 and not self.bypass:
            if (await self.conn.execute(_INSERT_UNLESS_PAUSED, {**rows[0], "since": since})).first() is None:
                raise _paused_error(rows[0]["pool_id"])
            return
        if not self.bypass:
            for pool_id in {row["pool_id"] for row in rows}:
                if await paused(self.conn, pool_id, now):
                    raise _paused_error(pool_id)
        await self.conn.execute(_INSERT, rows)


def _paused_error(pool_id: str) -> ConcurrentModificationException:
    return ConcurrentModificationException(
        f"User pool {pool_id} has a point-in-time recovery in progress; "
        "writes to its users and groups are paused until it ends."
    )


async def compact(conn: Conn, pool_id: str, cutoff: float) -> None:
    """Drops images older than ``cutoff`` except the latest of each entity (still its state at cutoff).

    A latest image that says "deleted" goes too: no image at all means the same.
    """
    j = pool_journal
    old = and_(j.c.pool_id == pool_id, j.c.at < cutoff)
    latest = select(func.max(j.c.seq)).where(old).group_by(j.c.kind, j.c.key)
    await conn.execute(j.delete().where(old, or_(j.c.seq.not_in(latest), j.c.doc.is_(None))))


async def paused(conn: Conn, pool_id: str, now: float) -> bool:
    return bool(
        (await conn.execute(_PAUSED, {"pool_id": pool_id, "since": now - PREVIEW_LIFETIME})).scalar_one()
    )
