"""Repository for threat protection: risk configurations and users' auth events (issue 6).

Risk configurations are kept per pool (client ``ALL``) and per app client. Auth events are read newest
first through the ``(user_id, created, event_id)`` index, keyset-paged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select, update

from userpools.store.connection import Conn
from userpools.store.tables import auth_events as ev
from userpools.store.tables import risk_configurations as rc

POOL_WIDE = "ALL"


@dataclass
class AuthEvent:
    event_id: str
    user_id: int
    created: float
    event_type: str
    response: str
    risk_decision: str | None = None
    risk_level: str | None = None
    compromised: bool = False
    challenges: list[dict[str, str]] = field(default_factory=list)
    context: dict[str, str] = field(default_factory=dict)
    ip: str | None = None
    device: str | None = None
    feedback: str | None = None
    feedback_provider: str | None = None
    feedback_date: float | None = None


_COLUMNS = tuple(ev.c)


def _event(row: Any) -> AuthEvent:
    return AuthEvent(**dict(row._mapping))


class RiskRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # -- risk configurations ------------------------------------------------------------------------
    async def configuration(self, pool_id: str, client_id: str) -> tuple[dict[str, Any], float] | None:
        """The stored configuration of ``client_id`` (``ALL``: the pool's) and when it changed."""
        query = select(rc.c.doc, rc.c.modified).where(rc.c.pool_id == pool_id, rc.c.client_id == client_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else (dict(row.doc), float(row.modified))

    async def effective(self, pool_id: str, client_id: str) -> tuple[str, dict[str, Any]] | None:
        """The configuration a sign-in of ``client_id`` obeys: its own, else the pool's (one query)."""
        query = select(rc.c.client_id, rc.c.doc).where(
            rc.c.pool_id == pool_id, rc.c.client_id.in_((client_id, POOL_WIDE))
        )
        rows = {row.client_id: dict(row.doc) for row in await self.conn.execute(query)}
        for key in (client_id, POOL_WIDE):
            if key in rows:
                return key, rows[key]
        return None

    async def put_configuration(self, pool_id: str, client_id: str, doc: dict[str, Any], now: float) -> None:
        where = (rc.c.pool_id == pool_id, rc.c.client_id == client_id)
        done = await self.conn.execute(update(rc).where(*where).values(doc=doc, modified=now))
        if done.rowcount == 0:
            await self.conn.execute(
                insert(rc).values(pool_id=pool_id, client_id=client_id, doc=doc, modified=now)
            )

    async def delete_configuration(self, pool_id: str, client_id: str) -> None:
        await self.conn.execute(delete(rc).where(rc.c.pool_id == pool_id, rc.c.client_id == client_id))

    # -- auth events --------------------------------------------------------------------------------
    async def add_event(self, event: AuthEvent) -> None:
        await self.conn.execute(insert(ev).values(**event.__dict__))

    async def events(
        self, user_id: int, limit: int, before: tuple[float, str] | None = None
    ) -> list[AuthEvent]:
        """The user's events newest first, after the (created, event_id) key ``before`` when given."""
        query = select(*_COLUMNS).where(ev.c.user_id == user_id)
        if before is not None:
            created, event_id = before
            query = query.where(
                or_(ev.c.created < created, and_(ev.c.created == created, ev.c.event_id < event_id))
            )
        query = query.order_by(ev.c.created.desc(), ev.c.event_id.desc()).limit(limit)
        return [_event(row) for row in await self.conn.execute(query)]

    async def event(self, user_id: int, event_id: str) -> AuthEvent | None:
        query = select(*_COLUMNS).where(ev.c.user_id == user_id, ev.c.event_id == event_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else _event(row)

    async def set_feedback(self, event_id: str, value: str, provider: str, now: float) -> None:
        await self.conn.execute(
            update(ev)
            .where(ev.c.event_id == event_id)
            .values(feedback=value, feedback_provider=provider, feedback_date=now)
        )

    async def finish_event(self, event: AuthEvent) -> None:
        """Stores the outcome of an event that was InProgress (its response and challenge answers)."""
        await self.conn.execute(
            update(ev)
            .where(ev.c.event_id == event.event_id)
            .values(response=event.response, challenges=event.challenges)
        )
