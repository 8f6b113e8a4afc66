"""``userpools import`` and ``import-log`` against a served store, and an import surviving a killed server."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from cli_support import USERPOOLS, _wait_listening, clean_env, client, run_cli, serving

from userpools.testing import free_port

ROLE = "arn:aws:iam::123456789012:role/CognitoImportRole"


def _pool(idp: Any) -> tuple[str, list[str]]:
    pool_id = idp.create_user_pool(PoolName="imports", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    return pool_id, idp.get_csv_header(UserPoolId=pool_id)["CSVHeader"]


def _csv(columns: list[str], usernames: list[str], verified: str = "true") -> str:
    lines = [",".join(columns)]
    for name in usernames:
        values = dict.fromkeys(columns, "")
        values.update(
            {
                "cognito:username": name,
                "cognito:mfa_enabled": "false",
                "email": f"{name}@example.com",
                "email_verified": verified,
            }
        )
        lines.append(",".join(values[c] for c in columns))
    return "\n".join(lines) + "\n"


def test_import_command_runs_a_job_and_import_log_prints_its_rows(tmp_path: Path) -> None:
    db = tmp_path / "userpools.db"
    with serving("--db", str(db)) as url:
        idp = client(url)
        pool_id, columns = _pool(idp)
        good = tmp_path / "users.csv"
        good.write_text(_csv(columns, [f"u{i}" for i in range(120)]))
        done = run_cli("import", pool_id, str(good), "--endpoint-url", url, "--interval", "0.1", timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Succeeded" in done.stdout
        assert "imported 120" in done.stderr and "100%" in done.stderr  # the progress bar's last state
        assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"] == 120
        # The same users again plus one unverified: nothing imported, so the job fails and says where to look.
        bad = tmp_path / "again.csv"
        bad.write_text(
            _csv(columns, ["u1", "u2"]) + _csv(columns, ["fresh"], verified="false").split("\n", 1)[1]
        )
        failed = run_cli("import", pool_id, str(bad), "--endpoint-url", url, "--interval", "0.1", timeout=120)
        assert failed.returncode == 1
        assert "Failed" in failed.stdout and "userpools import-log import-" in failed.stdout
        job_id = failed.stdout.split(":", 1)[0].strip()
        log = run_cli("import-log", job_id, "--db", str(db))
        assert log.returncode == 0, log.stderr
        assert log.stdout.splitlines() == [
            "[SKIPPED] Line Number 2 - The user already exists.",
            "[SKIPPED] Line Number 3 - The user already exists.",
            "[FAILED] Line Number 4 - The User Record does not set the auto verified attribute "
            "email_verified to true.",
        ]
    missing = run_cli("import-log", "import-nothing000", "--db", str(db))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    unreachable = run_cli("import", pool_id, str(good), "--endpoint-url", f"http://127.0.0.1:{free_port()}")
    assert unreachable.returncode == 1


def _start(db: Path, port: int) -> subprocess.Popen[str]:
    env = clean_env(USERPOOLS_IMPORT_BATCH_SIZE="25")
    proc = subprocess.Popen(
        [USERPOOLS, "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _wait_listening(proc, port)
    return proc


def test_a_killed_server_resumes_the_import_after_its_last_batch(tmp_path: Path) -> None:
    """SIGKILL mid-import, restart on the same store: every row is imported exactly once."""
    db, port, rows = tmp_path / "userpools.db", free_port(), 30_000
    url = f"http://127.0.0.1:{port}"
    proc = _start(db, port)
    try:
        idp = client(url)
        pool_id, columns = _pool(idp)
        job = idp.create_user_import_job(UserPoolId=pool_id, JobName="big", CloudWatchLogsRoleArn=ROLE)
        job_id, upload_url = job["UserImportJob"]["JobId"], job["UserImportJob"]["PreSignedUrl"]
        import requests

        data = _csv(columns, [f"user{i}" for i in range(rows)]).encode()
        assert requests.put(upload_url, data=data, timeout=60).status_code == 200
        idp.start_user_import_job(UserPoolId=pool_id, JobId=job_id)
        deadline = time.monotonic() + 60
        while True:
            state = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
            if state["ImportedUsers"] >= 500:
                break
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    proc = _start(db, port)
    try:
        resumed = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        assert 0 < resumed["ImportedUsers"] < rows, "the kill should interrupt the job"
        deadline = time.monotonic() + 120
        while resumed["Status"] in ("Pending", "InProgress"):
            assert time.monotonic() < deadline, resumed
            time.sleep(0.1)
            resumed = idp.describe_user_import_job(UserPoolId=pool_id, JobId=job_id)["UserImportJob"]
        assert resumed["Status"] == "Succeeded", resumed
        # A batch run twice would have its second copy skipped as existing users.
        assert (resumed["ImportedUsers"], resumed["SkippedUsers"], resumed["FailedUsers"]) == (rows, 0, 0)
        assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"] == rows
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if proc.stdout is not None:
            proc.stdout.close()
