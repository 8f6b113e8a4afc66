"""An import job whose runner dies mid-batch resumes after its last committed batch, on either store.

The runner is made to fail inside its fourth batch's transaction (as a crash would: that batch rolls back,
the task ends, the job stays InProgress and owned by its node); the job is then handed to a dead node whose
heartbeat is older than the lease, and the sweep — what a restarted or another node runs — takes it over.
tests/cli/test_import.py kills a real server process instead (SQLite).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from test_import_jobs_support import create, describe, email_pool, held, upload, users_csv, wait_for

from userpools.testing import RunningServer

ROWS, BATCH = 230, 20


def _run_until_the_runner_dies(idp: Any, live: RunningServer, pool_id: str, job_id: str) -> None:
    """Starts the job with batches of BATCH rows and a runner that dies inside its fourth batch."""
    scheduler = live.app.state.services.import_jobs
    real_batch, real_size = scheduler._batch, scheduler.batch_size
    calls = 0

    async def crashing_batch(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise asyncio.CancelledError  # dies inside the batch's transaction, before its commit
        return await real_batch(*args)

    async def configure(crash: bool) -> None:
        scheduler.batch_size = BATCH if crash else real_size
        if crash:
            scheduler._batch = crashing_batch
            scheduler._sweeper.cancel()  # no periodic sweep may resume the job before the test hands it over
        else:
            del scheduler._batch  # back to the class's method

    live.run(configure(True))
    try:
        with held(live):
            idp.start_user_import_job(UserPoolId=pool_id, JobId=job_id)
            wait_for(idp, pool_id, job_id, ("InProgress",))
        deadline = time.monotonic() + 60
        while job_id in scheduler.tasks:
            assert time.monotonic() < deadline, "the runner should have died"
            time.sleep(0.05)
    finally:
        live.run(configure(False))


def test_a_crashed_runner_resumes_without_importing_a_row_twice(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    job_id = job["JobId"]
    assert upload(job, users_csv(idp, pool_id, ROWS)).status_code == 200
    scheduler = live.app.state.services.import_jobs
    try:
        _run_until_the_runner_dies(idp, live, pool_id, job_id)
        crashed = describe(idp, pool_id, job_id)
        assert crashed["Status"] == "InProgress"
        assert (crashed["ImportedUsers"], crashed["SkippedUsers"], crashed["FailedUsers"]) == (
            3 * BATCH,
            0,
            0,
        )
        assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"] == 3 * BATCH

        async def hand_to_dead_node() -> None:
            async with live.app.state.database.unit_of_work(True) as uow:
                await uow.import_jobs.update(
                    job_id, ("InProgress",), owner="dead-node", heartbeat=scheduler._now - scheduler.lease - 1
                )
            await scheduler.sweep()

        live.run(hand_to_dead_node())
        done = wait_for(idp, pool_id, job_id)
    finally:

        async def restart_sweeper() -> None:
            scheduler._sweeper = asyncio.get_running_loop().create_task(scheduler._sweep_forever())

        live.run(restart_sweeper())
    assert done["Status"] == "Succeeded"
    # A batch imported twice would show its second copy as skipped (the users exist by then).
    assert (done["ImportedUsers"], done["SkippedUsers"], done["FailedUsers"]) == (ROWS, 0, 0)
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"] == ROWS


def test_a_live_nodes_job_is_not_taken_over(idp: Any, live: RunningServer) -> None:
    """On PostgreSQL a job whose node reported within the lease stays with that node."""
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    assert upload(job, users_csv(idp, pool_id, 5)).status_code == 200
    scheduler = live.app.state.services.import_jobs
    database = live.app.state.database
    with held(live):
        idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
        wait_for(idp, pool_id, job["JobId"], ("InProgress",))

        async def other_node_claims() -> bool:
            async with database.unit_of_work(True) as uow:
                return bool(
                    await uow.import_jobs.claim(
                        job["JobId"], "other-node", scheduler._now, scheduler._now - 60
                    )
                )

        assert live.run(other_node_claims()) is False
    assert wait_for(idp, pool_id, job["JobId"])["ImportedUsers"] == 5
