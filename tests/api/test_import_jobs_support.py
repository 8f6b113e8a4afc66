"""Helpers of the user import job tests: CSV files, job set-up, waiting for a status, reading the log."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import requests

from userpools.testing import RunningServer

ROLE = "arn:aws:iam::123456789012:role/CognitoImportRole"
DONE = ("Succeeded", "Failed", "Stopped", "Expired")
_names = itertools.count()


def email_pool(idp: Any, **settings: Any) -> str:
    """A pool auto-verifying email (an import needs an auto-verified attribute)."""
    settings.setdefault("AutoVerifiedAttributes", ["email"])
    return str(idp.create_user_pool(PoolName=f"import{next(_names)}", **settings)["UserPool"]["Id"])


def header(idp: Any, pool_id: str) -> list[str]:
    return list(idp.get_csv_header(UserPoolId=pool_id)["CSVHeader"])


def row(columns: list[str], username: str, **values: str) -> dict[str, str]:
    """One user with a verified email ``<username>@example.com`` unless ``values`` say otherwise."""
    out = dict.fromkeys(columns, "")
    out.update({"cognito:username": username, "cognito:mfa_enabled": "false"})
    out.update({"email": f"{username}@example.com", "email_verified": "true"})
    out.update(values)
    return out


def csv_of(columns: list[str], rows: list[Mapping[str, str]]) -> bytes:
    lines = [",".join(columns), *(",".join(r[c] for c in columns) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


def users_csv(idp: Any, pool_id: str, count: int, prefix: str = "user") -> bytes:
    columns = header(idp, pool_id)
    return csv_of(columns, [row(columns, f"{prefix}{i}") for i in range(count)])


def create(idp: Any, pool_id: str, name: str = "job") -> dict[str, Any]:
    job: dict[str, Any] = idp.create_user_import_job(
        UserPoolId=pool_id, JobName=name, CloudWatchLogsRoleArn=ROLE
    )["UserImportJob"]
    return job


def upload(job: dict[str, Any], data: bytes) -> requests.Response:
    return requests.put(
        job["PreSignedUrl"], data=data, headers={"x-amz-server-side-encryption": "aws:kms"}, timeout=60
    )


def describe(idp: Any, pool_id: str, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
    return job


def wait_for(
    idp: Any, pool_id: str, job_id: str, statuses: tuple[str, ...] = DONE, timeout: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = describe(idp, pool_id, job_id)
        if job["Status"] in statuses:
            return job
        assert time.monotonic() < deadline, f"job still {job['Status']}"
        time.sleep(0.05)


def run_import(idp: Any, pool_id: str, data: bytes) -> dict[str, Any]:
    """Create → upload → start → the finished job."""
    job = create(idp, pool_id)
    assert upload(job, data).status_code == 200
    idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
    return wait_for(idp, pool_id, job["JobId"])


def job_log(live: RunningServer, job_id: str) -> list[tuple[int, str, str]]:
    async def read() -> list[tuple[int, str, str]]:
        async with live.app.state.database.unit_of_work(False) as uow:
            return list(await uow.import_jobs.log(job_id))

    return live.run(read())


@contextmanager
def held(live: RunningServer) -> Iterator[None]:
    """Holds the server's import jobs before their next batch while the block runs."""
    scheduler = live.app.state.services.import_jobs

    async def hold() -> None:
        scheduler.proceed.clear()

    async def release() -> None:
        scheduler.proceed.set()

    live.run(hold())
    try:
        yield
    finally:
        live.run(release())
