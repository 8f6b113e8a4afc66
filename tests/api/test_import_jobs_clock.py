"""Import job deadlines: the upload URL's 15 minutes and the 24 hours a Created job waits to be started."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_import_jobs_support import create, describe, email_pool, upload, users_csv, wait_for
from test_users_support import error_of

from pg_support import store_server
from userpools.ports import FakeClock
from userpools.testing import RunningServer


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    with store_server(clock=clock) as srv:
        yield srv


def test_upload_url_expires_after_15_minutes(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    data = users_csv(idp, pool_id, 2)
    clock.advance(15 * 60 + 1)
    expired = upload(job, data)
    assert expired.status_code == 403 and "Request has expired" in expired.text
    fresh = create(idp, pool_id)
    clock.advance(14 * 60)
    assert upload(fresh, data).status_code == 200
    idp.start_user_import_job(UserPoolId=pool_id, JobId=fresh["JobId"])
    assert wait_for(idp, pool_id, fresh["JobId"])["ImportedUsers"] == 2


def test_a_job_not_started_within_24_hours_expires(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    assert upload(job, users_csv(idp, pool_id, 2)).status_code == 200
    clock.advance(23 * 3600)
    assert describe(idp, pool_id, job["JobId"])["Status"] == "Created"
    clock.advance(3600 + 1)
    assert describe(idp, pool_id, job["JobId"])["Status"] == "Expired"
    listed = idp.list_user_import_jobs(UserPoolId=pool_id, MaxResults=10)["UserImportJobs"]
    assert [j["Status"] for j in listed] == ["Expired"]
    code, message = error_of(idp.start_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])
    assert code == "PreconditionNotMetException" and "expired" in message
    expired = describe(idp, pool_id, job["JobId"])
    assert expired["Status"] == "Expired" and "CompletionDate" in expired  # now stored as such
    assert error_of(idp.stop_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])[0] == (
        "PreconditionNotMetException"
    )
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_the_sweep_stores_expiry_and_drops_the_file(clocked: RunningServer, clock: FakeClock) -> None:
    idp = clocked.client()
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    assert upload(job, users_csv(idp, pool_id, 1)).status_code == 200
    clock.advance(24 * 3600 + 1)
    scheduler = clocked.app.state.services.import_jobs

    async def sweep_and_read() -> tuple[dict[str, Any] | None, bytes | None]:
        await scheduler.sweep()
        async with clocked.app.state.database.unit_of_work(False) as uow:
            return await uow.import_jobs.get(pool_id, job["JobId"]), await uow.import_jobs.read_upload(
                job["JobId"]
            )

    row, data = clocked.run(sweep_and_read())
    assert row is not None and row["status"] == "Expired" and data is None
