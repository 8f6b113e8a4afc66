"""Runs the real AWS CLI (awscli from the project's virtualenv) against a live server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from userpools.testing import RunningServer

AWS = str(Path(sys.executable).with_name("aws"))


def aws(live: RunningServer, *args: str) -> Any:
    """``aws cognito-idp ARGS --endpoint-url <live>``; the parsed JSON output (asserts success)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_ACCESS_KEY_ID": "AKIDAWSCLI",
        "AWS_SECRET_ACCESS_KEY": "aws-cli-secret",
        "AWS_DEFAULT_REGION": live.settings.region,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_PAGER": "",
    }
    result = subprocess.run(
        [AWS, "cognito-idp", *args, "--endpoint-url", live.url, "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else {}
