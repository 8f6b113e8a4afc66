"""The background runner of CSV user import jobs: an asyncio task per started job, on any node.

State lives in the store (``store/import_jobs.py``): a node claims a started job (``owner``, kept alive by a
``heartbeat`` each batch), reads its file once and imports it in batches, each one transaction that inserts
the batch's users (one executemany), its log lines and the job's counters and ``next_row``. A job whose
node died is claimed again by a sweep (at once on a SQLite file this process owns alone; after the lease,
``import_lease_seconds``, on PostgreSQL or a SQLite file shared by several workers) and resumes after its
last committed batch: no row is imported twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from userpools.domain.user import RESET_REQUIRED, User, key_of
from userpools.domain.user_import import (
    SMS_MFA_OPTION,
    CsvFile,
    CsvFileError,
    ImportRules,
    RowError,
    header_problem,
    parse,
    row_user,
)
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import InvalidParameterException
from userpools.operations.context import Services
from userpools.operations.import_jobs import EXPIRE_SECONDS
from userpools.operations.pools import csv_header
from userpools.operations.users_core import index_of, internal_username, rules_of
from userpools.store.database import Database
from userpools.store.import_jobs import RUNNING, BatchConflict
from userpools.store.uow import UnitOfWork

log = logging.getLogger("userpools.import")

SWEEP_SECONDS = 5.0
MAX_CONFLICT_RETRIES = 5
TOO_MANY = "Too many users have failed or been skipped during the import."
SKIPPED_EXISTS = "The user already exists."


@dataclass
class _Batch:
    users: list[dict[str, Any]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    imported: int = 0
    skipped: int = 0
    failed: int = 0

    def note(self, line: int, outcome: str, reason: str) -> None:
        self.log.append({"line": line, "outcome": outcome, "reason": reason})
        if outcome == "SKIPPED":
            self.skipped += 1
        else:
            self.failed += 1


class ImportScheduler:
    """Starts, resumes and stops import jobs; ``kick`` is called once a StartUserImportJob commits."""

    def __init__(self, database: Database, batch_size: int = 1000, lease: float = 60.0) -> None:
        self.database = database
        self.batch_size = batch_size
        self.lease = lease
        self.owner = secrets.token_hex(8)
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.services: Services | None = None
        self._sweeper: asyncio.Task[None] | None = None
        # Cleared, it holds every job of this node before its next batch (tests observe a running job).
        self.proceed = asyncio.Event()
        self.proceed.set()

    def bind(self, services: Services) -> None:
        self.services = services

    def kick(self, job_id: str) -> None:
        if job_id not in self.tasks:
            task = asyncio.get_running_loop().create_task(self._run(job_id), name=f"import {job_id}")
            self.tasks[job_id] = task
            task.add_done_callback(lambda _t: self.tasks.pop(job_id, None))

    async def start(self) -> None:
        await self.sweep()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever(), name="import sweep")

    async def close(self) -> None:
        pending = [t for t in (self._sweeper, *self.tasks.values()) if t is not None]
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(min(SWEEP_SECONDS, self.lease / 2))
            try:
                await self.sweep()
            except Exception:
                log.exception("import job sweep failed")

    @property
    def _now(self) -> float:
        assert self.services is not None
        return self.services.clock.now()

    def _stale_before(self) -> float:
        # A store this process owns alone: a running job no task of ours runs is orphaned.
        return self._now - self.lease if self.database.shared else self._now + 1

    async def sweep(self) -> None:
        """Expires jobs never started and resumes started ones no live node runs."""
        async with self.database.unit_of_work(True) as uow:
            await uow.import_jobs.expire_created(self._now - EXPIRE_SECONDS, self._now)
            orphans = await uow.import_jobs.runnable(self._stale_before())
        for job_id in orphans:
            self.kick(job_id)

    # --- one job --------------------------------------------------------------------------------
    async def _run(self, job_id: str) -> None:
        try:
            await self._import(job_id)
        except asyncio.CancelledError:
            raise  # shutdown: the job stays claimed; a restart resumes it after its last batch
        except Exception as exc:
            log.exception("import job %s failed", job_id)
            await self._finish(job_id, "Failed", f"Internal error: {type(exc).__name__}"[:128])

    async def _import(self, job_id: str) -> None:
        async with self.database.unit_of_work(True) as uow:
            if not await uow.import_jobs.claim(job_id, self.owner, self._now, self._stale_before()):
                return  # another node runs it, or it is no longer running
            job = await uow.import_jobs.owned(job_id, self.owner)
            assert job is not None
            pool = await uow.pools.get(job["pool_id"])
            data = await uow.import_jobs.read_upload(job_id)
            if job["status"] == "Pending":
                await uow.import_jobs.update(job_id, ("Pending",), status="InProgress")
        if job["status"] == "Stopping":
            await self._finish(job_id, "Stopped", None)
            return
        if pool is None or data is None:
            await self._finish(job_id, "Failed", "The user pool or the job's CSV file no longer exists.")
            return
        try:
            csv = await asyncio.to_thread(parse, data)  # up to 100 MB: off the event loop
            problem = header_problem(csv.header, csv_header(pool))
        except CsvFileError as exc:
            problem = str(exc)
        if problem is not None:
            # The log keeps the whole reason (CompletionMessage holds 128 characters): line 1, the header.
            short = (
                problem
                if len(problem) <= 128
                else f"The CSV file can't be imported. See: userpools import-log {job_id}"
            )
            await self._finish(job_id, "Failed", short, {"line": 1, "outcome": "FAILED", "reason": problem})
            return
        await self._batches(job_id, pool, csv)

    async def _batches(self, job_id: str, pool: dict[str, Any], csv: CsvFile) -> None:
        rules = rules_of(pool)
        checks = ImportRules.of(
            pool["SchemaAttributes"], rules.auto_verified, pool.get("MfaConfiguration") or "OFF"
        )
        conflicts = 0
        while True:
            await self.proceed.wait()
            try:
                async with self.database.unit_of_work(True) as uow:
                    job = await uow.import_jobs.owned(job_id, self.owner)
                    if job is None or job["status"] not in RUNNING:
                        return  # taken over by another node, or finished elsewhere
                    if job["status"] == "Stopping":
                        break
                    start = job["next_row"]
                    if start >= len(csv.rows):
                        break
                    end = min(start + self.batch_size, len(csv.rows))
                    batch = await self._batch(uow, rules, checks, csv, start, end)
                    await uow.import_jobs.commit_batch(
                        job_id,
                        batch.users,
                        batch.log,
                        {
                            "imported": job["imported"] + batch.imported,
                            "skipped": job["skipped"] + batch.skipped,
                            "failed": job["failed"] + batch.failed,
                            "next_row": end,
                            "heartbeat": self._now,
                        },
                    )
                self._count(batch)
                conflicts = 0
            except BatchConflict:
                conflicts += 1  # a concurrent sign-up took a name first: the batch is checked again
                if conflicts > MAX_CONFLICT_RETRIES:
                    raise
            await asyncio.sleep(0)  # let requests in between batches
        await self._complete(job_id, len(csv.rows))

    def _count(self, batch: _Batch) -> None:
        """userpools_import_users_total, once the batch has committed."""
        assert self.services is not None
        counter = self.services.metrics.imported
        for result, amount in (
            ("imported", batch.imported),
            ("skipped", batch.skipped),
            ("failed", batch.failed),
        ):
            if amount:
                counter.inc(result, amount=amount)

    async def _batch(
        self, uow: UnitOfWork, rules: PoolRules, checks: ImportRules, csv: CsvFile, start: int, end: int
    ) -> _Batch:
        assert self.services is not None
        random = self.services.random
        now = self._now
        batch = _Batch()
        candidates: list[tuple[int, str, dict[str, Any]]] = []
        for line, values in csv.rows[start:end]:
            try:
                username, attributes, mfa = row_user(checks, csv.header, values)
                sub = random.uuid4()
                name = internal_username(rules, username, attributes, sub)
            except RowError as exc:
                batch.note(line, "FAILED", str(exc))
                continue
            except InvalidParameterException as exc:
                batch.note(line, "FAILED", exc.message)
                continue
            settings = {"MFAOptions": [dict(SMS_MFA_OPTION)]} if mfa else {}
            user = User(
                0, rules.pool_id, name, sub, RESET_REQUIRED, True, {"sub": sub, **attributes}, now, now
            )
            row = {
                "pool_id": rules.pool_id,
                "username": name,
                "username_key": key_of(name, rules.case_sensitive),
                "sub": sub,
                "status": RESET_REQUIRED,
                "enabled": True,
                "created": now,
                "modified": now,
                "attributes": user.attributes,
                "settings": settings,
                **index_of(rules, user),
            }
            candidates.append((line, name, row))
        await self._keep_unique(uow, rules, candidates, batch)
        return batch

    async def _keep_unique(
        self,
        uow: UnitOfWork,
        rules: PoolRules,
        candidates: list[tuple[int, str, dict[str, Any]]],
        batch: _Batch,
    ) -> None:
        """Skips users whose name exists, fails those whose alias is taken: by the pool or earlier rows."""
        repo = uow.import_jobs
        taken = {
            "username_key": await repo.taken(
                rules.pool_id, "username_key", [c[2]["username_key"] for c in candidates]
            )
        }
        for attribute in ("email", "phone_number", "preferred_username"):
            column = f"alias_{attribute}"
            keys = [c[2][column] for c in candidates if c[2][column] is not None]
            taken[column] = await repo.taken(rules.pool_id, column, keys)
        for line, _name, row in candidates:
            if row["username_key"] in taken["username_key"]:
                batch.note(line, "SKIPPED", SKIPPED_EXISTS)
                continue
            clash = next(
                (c for c in taken if c != "username_key" and row[c] is not None and row[c] in taken[c]), None
            )
            if clash is not None:
                attribute = clash.removeprefix("alias_")
                if attribute in rules.username_attributes:
                    batch.note(line, "SKIPPED", SKIPPED_EXISTS)
                else:
                    batch.note(line, "FAILED", f"An account with the given {attribute} already exists.")
                continue
            for column, held in taken.items():
                if row[column] is not None:
                    held.add(row[column])
            batch.users.append(row)
            batch.imported += 1

    async def _complete(self, job_id: str, rows: int) -> None:
        async with self.database.unit_of_work(True) as uow:
            job = await uow.import_jobs.owned(job_id, self.owner)
        if job is None:
            return
        if job["status"] == "Stopping":
            await self._finish(job_id, "Stopped", None)
        elif rows and job["imported"] == 0:
            await self._finish(job_id, "Failed", f"{TOO_MANY} See: userpools import-log {job_id}")
        elif job["skipped"] or job["failed"]:
            message = f"Import Job Completed. Skipped and failed rows: userpools import-log {job_id}"
            await self._finish(job_id, "Succeeded", message)
        else:
            await self._finish(job_id, "Succeeded", "Import Job Completed Successfully.")

    async def _finish(
        self, job_id: str, status: str, message: str | None, log_line: dict[str, Any] | None = None
    ) -> None:
        async with self.database.unit_of_work(True) as uow:
            done = await uow.import_jobs.update(
                job_id, RUNNING, status=status, message=message, completed=self._now, owner=None
            )
            if done:
                await uow.import_jobs.drop_upload(job_id)
                if log_line is not None:
                    await uow.import_jobs.commit_batch(job_id, [], [log_line], {})
        if done:
            log.info("import job %s %s", job_id, status)
