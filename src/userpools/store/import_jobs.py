"""Repository for CSV user import jobs: the job rows, their uploaded files, their logs and bulk user inserts.

A running job belongs to one node at a time (``owner``), which proves it is alive by ``heartbeat``; every
batch commits its users, log lines, counters and ``next_row`` together, so a restarted job resumes after
its last committed batch and never imports a row twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from userpools.store.connection import Conn
from userpools.store.tables import import_job_files, import_job_log, import_jobs, users

RUNNING = ("Pending", "InProgress", "Stopping")
_INSERT_USERS = insert(users)
_INSERT_LOG = insert(import_job_log)


class BatchConflict(Exception):
    """A concurrent writer took a username or alias of the batch first; the batch is to be retried."""


def _job(row: Any) -> dict[str, Any]:
    return dict(row._mapping)


class ImportJobRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    # --- jobs -----------------------------------------------------------------------------------
    async def insert(self, job: dict[str, Any]) -> None:
        await self.conn.execute(insert(import_jobs).values(**job))

    async def exists(self, job_id: str) -> bool:
        row = (
            await self.conn.execute(select(import_jobs.c.job_id).where(import_jobs.c.job_id == job_id))
        ).first()
        return row is not None

    async def get(self, pool_id: str, job_id: str) -> dict[str, Any] | None:
        query = select(import_jobs).where(import_jobs.c.job_id == job_id, import_jobs.c.pool_id == pool_id)
        row = (await self.conn.execute(query)).first()
        return _job(row) if row else None

    async def page(self, pool_id: str, after: tuple[float, str] | None, limit: int) -> list[dict[str, Any]]:
        """The pool's jobs, newest first (by creation time, then id), after the key ``after``."""
        query = select(import_jobs).where(import_jobs.c.pool_id == pool_id)
        if after is not None:
            query = query.where(tuple_(import_jobs.c.created, import_jobs.c.job_id) < tuple_(*after))
        query = query.order_by(import_jobs.c.created.desc(), import_jobs.c.job_id.desc()).limit(limit)
        return [_job(r) for r in (await self.conn.execute(query)).all()]

    async def running_in_pool(self, pool_id: str) -> bool:
        query = select(import_jobs.c.job_id).where(
            import_jobs.c.pool_id == pool_id, import_jobs.c.status.in_(RUNNING)
        )
        return (await self.conn.execute(query.limit(1))).first() is not None

    async def update(self, job_id: str, expected: Sequence[str], **values: Any) -> bool:
        """Sets ``values`` if the job's status is one of ``expected``; False when it wasn't."""
        statement = (
            update(import_jobs)
            .where(import_jobs.c.job_id == job_id, import_jobs.c.status.in_(expected))
            .values(**values)
        )
        return (await self.conn.execute(statement)).rowcount == 1

    async def runnable(self, stale_before: float) -> list[str]:
        """Started jobs no live node runs: never claimed, or whose owner's heartbeat is older than given."""
        query = select(import_jobs.c.job_id).where(
            import_jobs.c.status.in_(RUNNING),
            or_(import_jobs.c.owner.is_(None), import_jobs.c.heartbeat < stale_before),
        )
        return [r.job_id for r in (await self.conn.execute(query.order_by(import_jobs.c.created))).all()]

    async def claim(self, job_id: str, owner: str, now: float, stale_before: float) -> bool:
        """Takes the job for ``owner`` unless a live node holds it (atomic on every store)."""
        statement = (
            update(import_jobs)
            .where(
                import_jobs.c.job_id == job_id,
                import_jobs.c.status.in_(RUNNING),
                or_(
                    import_jobs.c.owner.is_(None),
                    import_jobs.c.owner == owner,
                    import_jobs.c.heartbeat < stale_before,
                ),
            )
            .values(owner=owner, heartbeat=now)
        )
        return (await self.conn.execute(statement)).rowcount == 1

    async def owned(self, job_id: str, owner: str) -> dict[str, Any] | None:
        """The job row if ``owner`` still holds it (read at the start of each batch's transaction)."""
        query = select(import_jobs).where(import_jobs.c.job_id == job_id, import_jobs.c.owner == owner)
        # Locked (PostgreSQL) so a node taking the job over waits for this batch to commit first.
        row = (await self.conn.execute(query.with_for_update())).first()
        return _job(row) if row else None

    async def expire_created(self, before: float, now: float) -> int:
        """Jobs created before ``before`` and never started become Expired; their files are deleted."""
        stale = and_(import_jobs.c.status == "Created", import_jobs.c.created < before)
        ids = [r.job_id for r in (await self.conn.execute(select(import_jobs.c.job_id).where(stale))).all()]
        if not ids:
            return 0
        await self.conn.execute(delete(import_job_files).where(import_job_files.c.job_id.in_(ids)))
        await self.conn.execute(
            update(import_jobs).where(import_jobs.c.job_id.in_(ids)).values(status="Expired", completed=now)
        )
        return len(ids)

    # --- the uploaded file ----------------------------------------------------------------------
    async def store_upload(self, job_id: str, data: bytes) -> bool:
        """Keeps the CSV of a Created job that has none yet; False otherwise (a URL serves one PUT)."""
        taken = (
            update(import_jobs)
            .where(
                import_jobs.c.job_id == job_id,
                import_jobs.c.status == "Created",
                import_jobs.c.uploaded.is_(False),
            )
            .values(uploaded=True)
        )
        if (await self.conn.execute(taken)).rowcount != 1:
            return False
        await self.conn.execute(insert(import_job_files).values(job_id=job_id, data=data))
        return True

    async def read_upload(self, job_id: str) -> bytes | None:
        query = select(import_job_files.c.data).where(import_job_files.c.job_id == job_id)
        row = (await self.conn.execute(query)).first()
        return bytes(row.data) if row else None

    async def drop_upload(self, job_id: str) -> None:
        await self.conn.execute(delete(import_job_files).where(import_job_files.c.job_id == job_id))

    # --- the log --------------------------------------------------------------------------------
    async def log(self, job_id: str) -> list[tuple[int, str, str]]:
        query = (
            select(import_job_log.c.line, import_job_log.c.outcome, import_job_log.c.reason)
            .where(import_job_log.c.job_id == job_id)
            .order_by(import_job_log.c.line)
        )
        return [(r.line, r.outcome, r.reason) for r in (await self.conn.execute(query)).all()]

    # --- one batch ------------------------------------------------------------------------------
    async def taken(self, pool_id: str, column: str, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` the pool's users already hold in ``column`` (username_key or alias_*)."""
        if not keys:
            return set()
        col = users.c[column]
        query = select(col).where(users.c.pool_id == pool_id, col.in_(bindparam("keys", expanding=True)))
        return {r[0] for r in (await self.conn.execute(query, {"keys": list(keys)})).all()}

    async def commit_batch(
        self,
        job_id: str,
        new_users: list[dict[str, Any]],
        log: list[dict[str, Any]],
        counters: dict[str, Any],
    ) -> None:
        """The batch's users and log lines, and the job's new counters and ``next_row``, in one go."""
        if new_users:
            try:  # the caller rolls the whole batch back on a conflict, so no savepoint is needed
                await self.conn.execute(_INSERT_USERS, new_users)
            except IntegrityError as exc:
                raise BatchConflict(str(exc.orig)) from exc
        if log:
            await self.conn.execute(_INSERT_LOG, [{"job_id": job_id, **line} for line in log])
        if counters:
            await self.conn.execute(
                update(import_jobs).where(import_jobs.c.job_id == job_id).values(**counters)
            )
