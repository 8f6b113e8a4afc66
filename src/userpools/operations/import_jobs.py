"""CSV user import jobs: CreateUserImportJob, StartUserImportJob, StopUserImportJob, DescribeUserImportJob,
ListUserImportJobs (GetCSVHeader, the file's columns, is in ``operations.pools``).

Implements the API pages of the same names and the developer guide's "Importing users into user pools from
a CSV file". A job is Created with a pre-signed URL on this server that takes one PUT of the CSV within 15
minutes (``web/import_upload.py``); StartUserImportJob makes it Pending and the background runner
(``operations/import_runner.py``) InProgress, then Succeeded or Failed; StopUserImportJob makes a running job
Stopping, then Stopped; a job never started within 24 hours is Expired.

Known differences: the URL is this server's, not S3's; per-row results go to a stored log printed by
``userpools import-log JOB`` instead of CloudWatch Logs (the role ARN is kept but never assumed); password
hashes (``PasswordHashingAlgorithm``) are not imported.
"""

from __future__ import annotations

import hashlib
import hmac
import string
from typing import Any
from urllib.parse import urlencode

from userpools.crypto.sealing import Sealer
from userpools.errors import InvalidParameterException, PreconditionNotMetException, ResourceNotFoundException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import decode_token, encode_token

UPLOAD_SECONDS = 15 * 60  # the pre-signed URL's validity, as Cognito's
EXPIRE_SECONDS = 24 * 3600  # a job not started within this becomes Expired ("24-48 hours" on Cognito)
UPLOAD_PATH = "/import-upload/"
_ID_ALPHABET = string.ascii_letters + string.digits
_STOPPABLE = ("Pending", "InProgress")


def upload_signature(sealer: Sealer, pool_id: str, job_id: str, expires: int) -> str:
    """HMAC of the job and the URL's expiry under a server key: it can't be guessed or moved to a job."""
    key = sealer.derive("import-upload")
    return hmac.new(key, f"{pool_id}\n{job_id}\n{expires}".encode(), hashlib.sha256).hexdigest()


def upload_url(ctx: Context, pool_id: str, job_id: str, expires: int) -> str:
    signature = upload_signature(ctx.services.sealer, pool_id, job_id, expires)
    query = urlencode({"pool": pool_id, "expires": expires, "signature": signature})
    return f"{ctx.settings.base_url}{UPLOAD_PATH}{job_id}?{query}"


def current_status(job: dict[str, Any], now: float) -> str:
    """The job's status; a Created job past its start window reads Expired even before the sweep marks it."""
    if job["status"] == "Created" and now >= job["created"] + EXPIRE_SECONDS:
        return "Expired"
    return str(job["status"])


def job_type(job: dict[str, Any], now: float) -> dict[str, Any]:
    """The wire ``UserImportJobType``."""
    out: dict[str, Any] = {
        "JobName": job["name"],
        "JobId": job["job_id"],
        "UserPoolId": job["pool_id"],
        "PreSignedUrl": job["presigned_url"],
        "CreationDate": job["created"],
        "Status": current_status(job, now),
        "CloudWatchLogsRoleArn": job["role_arn"],
        "ImportedUsers": job["imported"],
        "SkippedUsers": job["skipped"],
        "FailedUsers": job["failed"],
    }
    for key, column in (("StartDate", "started"), ("CompletionDate", "completed")):
        if job[column] is not None:
            out[key] = job[column]
    if job["message"]:
        out["CompletionMessage"] = job["message"]
    return out


async def _load_job(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    job = await ctx.uow.import_jobs.get(pool["Id"], req["JobId"])
    if job is None:
        raise ResourceNotFoundException(
            f"Import job {req['JobId']} does not exist in user pool {pool['Id']}."
        )
    return job


async def _new_job_id(ctx: Context) -> str:
    while True:
        job_id = "import-" + "".join(ctx.random.choice(_ID_ALPHABET) for _ in range(10))
        if not await ctx.uow.import_jobs.exists(job_id):
            return job_id


@operation("CreateUserImportJob", write=True)
async def create_user_import_job(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    if req.get("PasswordHashingAlgorithm"):
        raise InvalidParameterException(
            "Importing password hashes (PasswordHashingAlgorithm) is not supported by Userpools: "
            "imported users reset their password."
        )
    job_id = await _new_job_id(ctx)
    now = ctx.now
    expires = int(now) + UPLOAD_SECONDS
    job = {
        "job_id": job_id,
        "pool_id": pool["Id"],
        "name": req["JobName"],
        "status": "Created",
        "role_arn": req["CloudWatchLogsRoleArn"],
        "presigned_url": upload_url(ctx, pool["Id"], job_id, expires),
        "upload_expires": float(expires),
        "uploaded": False,
        "created": now,
        "started": None,
        "completed": None,
        "message": None,
        "imported": 0,
        "skipped": 0,
        "failed": 0,
        "next_row": 0,
        "owner": None,
        "heartbeat": None,
    }
    await ctx.uow.import_jobs.insert(job)
    return {"UserImportJob": job_type(job, now)}


@operation("StartUserImportJob", write=True)
async def start_user_import_job(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Created → Pending; the runner picks the job up once this commits (on this node or, later, any)."""
    job = await _load_job(ctx, req)
    now = ctx.now
    status = current_status(job, now)
    if status == "Expired" and job["status"] == "Created":
        await ctx.uow.import_jobs.update(job["job_id"], ("Created",), status="Expired", completed=now)
        await ctx.uow.import_jobs.drop_upload(job["job_id"])
        raise ctx.fail_after_commit(
            PreconditionNotMetException(
                f"Import job {job['job_id']} expired: it was not started within 24 hours of its creation."
            )
        )
    if status != "Created":
        raise PreconditionNotMetException(
            f"Import job {job['job_id']} is {status}: only a job in the Created status can be started."
        )
    if not job["uploaded"]:
        raise PreconditionNotMetException(
            f"No CSV file was uploaded for import job {job['job_id']}: PUT it to its PreSignedUrl first."
        )
    pool = await load_pool(ctx, job["pool_id"])
    if not set(pool.get("AutoVerifiedAttributes") or ()) & {"email", "phone_number"}:
        raise PreconditionNotMetException(
            "The user pool has no auto-verified attribute (email or phone_number): imported users could "
            "not reset their passwords."
        )
    await ctx.uow.import_jobs.update(job["job_id"], ("Created",), status="Pending", started=now)
    job.update(status="Pending", started=now)
    scheduler = ctx.services.import_jobs
    if scheduler is not None:
        job_id = job["job_id"]

        async def kick() -> None:
            scheduler.kick(job_id)

        ctx.after_commit.append(kick)
    return {"UserImportJob": job_type(job, now)}


@operation("StopUserImportJob", write=True)
async def stop_user_import_job(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Pending / InProgress → Stopping; the runner stops after its current batch (→ Stopped)."""
    job = await _load_job(ctx, req)
    now = ctx.now
    if job["status"] not in _STOPPABLE:
        raise PreconditionNotMetException(
            f"Import job {job['job_id']} is {current_status(job, now)}: only a Pending or InProgress job can "
            "be stopped."
        )
    if not await ctx.uow.import_jobs.update(job["job_id"], _STOPPABLE, status="Stopping"):
        raise PreconditionNotMetException(f"Import job {job['job_id']} has just finished.")
    job["status"] = "Stopping"
    return {"UserImportJob": job_type(job, now)}


@operation("DescribeUserImportJob", write=False)
async def describe_user_import_job(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"UserImportJob": job_type(await _load_job(ctx, req), ctx.now)}


@operation("ListUserImportJobs", write=False)
async def list_user_import_jobs(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Newest first, keyset-paged on (creation date, job id)."""
    pool = await load_pool(ctx, req["UserPoolId"])
    limit = req["MaxResults"]
    after = decode_token(req.get("PaginationToken"))
    if after is not None and not (
        isinstance(after, list)
        and len(after) == 2
        and isinstance(after[0], int | float)
        and isinstance(after[1], str)
    ):
        raise InvalidParameterException("Invalid pagination token.")
    page = await ctx.uow.import_jobs.page(pool["Id"], tuple(after) if after else None, limit + 1)
    now = ctx.now
    out: dict[str, Any] = {"UserImportJobs": [job_type(job, now) for job in page[:limit]]}
    if len(page) > limit:
        last = page[limit - 1]
        out["PaginationToken"] = encode_token([last["created"], last["job_id"]])
    return out
