"""Times a CSV user import of N users (default 100,000) into a fresh pool on a live server.

    .venv/bin/python tools/bench_import.py [--users 100000] [--pg postgresql://postgres@127.0.0.1:5432]

Starts Userpools in-process on a free port (SQLite in a temporary directory, or with --pg a fresh
PostgreSQL database it drops afterwards), writes the CSV (username, name, verified email, phone number),
then times create → PUT → start → Succeeded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg
import requests

from userpools.testing import server


def csv_bytes(header: list[str], users: int) -> bytes:
    lines = [",".join(header)]
    for i in range(users):
        row = dict.fromkeys(header, "")
        row.update(
            {
                "cognito:username": f"user{i:07d}",
                "cognito:mfa_enabled": "false",
                "name": f"User Number {i}",
                "email": f"user{i}@example.com",
                "email_verified": "true",
                "phone_number": f"+1555{i:07d}",
            }
        )
        lines.append(",".join(row[h] for h in header))
    return ("\n".join(lines) + "\n").encode()


@contextmanager
def database(pg: str) -> Iterator[str]:
    """ "" (SQLite) or the URL of a fresh PostgreSQL database on the server ``pg``, dropped afterwards."""
    if not pg:
        yield ""
        return
    name = f"userpools_bench_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        conn = await asyncpg.connect(f"{pg}/postgres")
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--users", type=int, default=100_000)
    p.add_argument(
        "--pg", default="", help="a PostgreSQL server URL, e.g. postgresql://postgres@127.0.0.1:5432"
    )
    args = p.parse_args()
    with database(args.pg) as db, server(db=db) as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(
            PoolName="bench", AutoVerifiedAttributes=["email"], AliasAttributes=["email"]
        )["UserPool"]["Id"]
        data = csv_bytes(idp.get_csv_header(UserPoolId=pool_id)["CSVHeader"], args.users)
        began = time.perf_counter()
        job = idp.create_user_import_job(
            UserPoolId=pool_id, JobName="bench", CloudWatchLogsRoleArn="arn:aws:iam::000000000000:role/bench"
        )["UserImportJob"]
        requests.put(job["PreSignedUrl"], data=data, timeout=300).raise_for_status()
        uploaded = time.perf_counter()
        idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
        while True:
            state = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])["UserImportJob"]
            if state["Status"] not in ("Pending", "InProgress"):
                break
            time.sleep(0.2)
        done = time.perf_counter()
        load = os.getloadavg()
        print(
            f"{args.users} users ({len(data) / 1e6:.1f} MB) on {'PostgreSQL' if args.pg else 'SQLite'}: "
            f"{state['Status']}, imported {state['ImportedUsers']}, skipped {state['SkippedUsers']}, "
            f"failed {state['FailedUsers']}; upload {uploaded - began:.2f} s, "
            f"import {done - uploaded:.2f} s, "
            f"total {done - began:.2f} s; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )


if __name__ == "__main__":
    main()
