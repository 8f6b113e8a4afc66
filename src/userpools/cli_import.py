"""``userpools import POOL FILE`` (create → upload → start → progress) and ``userpools import-log JOB``.

``import`` talks to a running server through its API (boto3) and the job's pre-signed URL, as any Cognito
client would; ``import-log`` reads the job log from the store, like ``keys rotate``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, TextIO

from userpools import config

DEFAULT_ROLE = "arn:aws:iam::000000000000:role/userpools-import"
DONE = ("Succeeded", "Failed", "Stopped", "Expired")
BAR = 30


def add_commands(sub: Any) -> None:
    i = sub.add_parser("import", help="import users from a CSV file into a pool on a running server")
    i.add_argument("pool", help="user pool id")
    i.add_argument("file", help="CSV file with the header GetCSVHeader lists")
    i.add_argument(
        "--endpoint-url", help="the server (default USERPOOLS_PUBLIC_URL or http://127.0.0.1:9229)"
    )
    i.add_argument("--job-name", help="job name (default: the file's name)")
    i.add_argument("--role-arn", default=DEFAULT_ROLE, help="CloudWatchLogsRoleArn recorded on the job")
    i.add_argument("--interval", type=float, default=0.5, help="seconds between progress checks")
    i.set_defaults(func=run_import)
    g = sub.add_parser("import-log", help="print the skipped and failed rows of an import job")
    g.add_argument("job", help="import job id (import-...)")
    g.add_argument("--db", help="SQLite file path or postgresql://... URL (default: the server's)")
    g.add_argument("--data-dir", help="directory of the default database (default .userpools)")
    g.set_defaults(func=import_log)


def _client(args: argparse.Namespace) -> Any:
    import boto3
    from botocore.config import Config

    settings = config.from_env()
    endpoint = args.endpoint_url or settings.base_url
    region = args.pool.partition("_")[0] or settings.region
    keys = settings.access_keys
    key_id, secret = (keys[0].access_key_id, keys[0].secret_access_key) if keys else ("local", "local")
    session = boto3.session.Session()
    credentials = session.get_credentials()
    if credentials is not None and not keys:
        key_id, secret = credentials.access_key, credentials.secret_key
    return boto3.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )


def count_rows(data: bytes) -> int:
    """Data rows of the file (non-blank lines after the header), for the progress bar's total."""
    lines = [line for line in data.splitlines()[1:] if line.strip()]
    return len(lines)


def progress_line(job: dict[str, Any], total: int) -> str:
    done = job["ImportedUsers"] + job["SkippedUsers"] + job["FailedUsers"]
    share = done / total if total else 1.0
    filled = int(BAR * min(share, 1.0))
    return (
        f"[{'#' * filled}{'.' * (BAR - filled)}] {share:4.0%} {done}/{total} rows  "
        f"imported {job['ImportedUsers']}  skipped {job['SkippedUsers']}  failed {job['FailedUsers']}  "
        f"{job['Status']}"
    )


def run_import(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"userpools: {exc}", file=sys.stderr)
        return 2
    idp = _client(args)
    name = args.job_name or "".join(c if c.isalnum() or c in "+=,.@-_" else "-" for c in path.name)[:128]
    try:
        job = idp.create_user_import_job(
            UserPoolId=args.pool, JobName=name, CloudWatchLogsRoleArn=args.role_arn
        )
        job_id = job["UserImportJob"]["JobId"]
        _upload(job["UserImportJob"]["PreSignedUrl"], data)
        idp.start_user_import_job(UserPoolId=args.pool, JobId=job_id)
        print(f"{job_id}: importing {path} into {args.pool}", file=sys.stderr)
        final = _follow(idp, args.pool, job_id, count_rows(data), args.interval, sys.stderr)
    except (ClientError, BotoCoreError, OSError) as exc:
        print(f"\nuserpools: {exc}", file=sys.stderr)
        return 1
    message = final.get("CompletionMessage", "")
    print(f"{job_id}: {final['Status']}" + (f": {message}" if message else ""))
    if final["SkippedUsers"] or final["FailedUsers"]:
        print(f"see the skipped and failed rows with: userpools import-log {job_id}")
    return 0 if final["Status"] == "Succeeded" else 1


def _upload(url: str, data: bytes) -> None:
    request = urllib.request.Request(
        url,
        data=data,
        method="PUT",
        headers={"Content-Type": "text/csv", "x-amz-server-side-encryption": "aws:kms"},
    )
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        raise OSError(f"upload refused ({exc.code}): {exc.read().decode(errors='replace')}") from None


def _follow(idp: Any, pool_id: str, job_id: str, total: int, interval: float, out: TextIO) -> dict[str, Any]:
    """Polls DescribeUserImportJob, redrawing one progress line, until the job ends."""
    tty = out.isatty()
    last = ""
    while True:
        job: dict[str, Any] = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        line = progress_line(job, total)
        if tty:
            out.write(f"\r{line}\033[K")
        elif line != last:
            out.write(line + "\n")  # a log file or pipe gets one line per change, no carriage returns
        out.flush()
        last = line
        if job["Status"] in DONE:
            if tty:
                out.write("\n")
            return job
        time.sleep(interval)


def import_log(args: argparse.Namespace) -> int:
    settings = config.from_env(db=args.db, data_dir=Path(args.data_dir) if args.data_dir else None)
    lines = asyncio.run(_read_log(settings, args.job))
    if lines is None:
        print(f"userpools: import job {args.job} does not exist in {settings.database_url}", file=sys.stderr)
        return 1
    for line, outcome, reason in lines:
        print(f"[{outcome}] Line Number {line} - {reason}")
    return 0


async def _read_log(settings: config.Settings, job_id: str) -> list[tuple[int, str, str]] | None:
    from userpools.store.database import Database

    database = Database(settings.database_url)
    await database.start()
    try:
        async with database.unit_of_work(False) as uow:
            if not await uow.import_jobs.exists(job_id):
                return None
            return await uow.import_jobs.log(job_id)
    finally:
        await database.close()
