"""Where a pool's exported logs go (SetLogDeliveryConfiguration): JSON lines in local files, or stdout.

https://docs.aws.amazon.com/cognito/latest/developerguide/exporting-quotas-and-usage.html
There is no CloudWatch, S3 or Firehose here; each destination ARN names a file under the server's log
directory (``Settings.log_dir``, default ``data_dir/logs``; ``stdout`` writes every record to standard
output instead):
- CloudWatchLogsConfiguration ``arn:aws:logs:<region>:<account>:log-group:<name>``
  → ``cloudwatch/<name>.jsonl``
- S3Configuration ``arn:aws:s3:::<bucket>`` → ``s3/<bucket>.jsonl``
- FirehoseConfiguration ``arn:aws:firehose:<region>:<account>:deliverystream/<name>``
  → ``firehose/<name>.jsonl``
(``/`` and any character outside ``[A-Za-z0-9._#-]`` in a name become ``_``). Records follow the shape of
Cognito's exported logs: ``eventTimestamp``, ``logLevel``, ``eventSource`` (USER_NOTIFICATION /
USER_AUTH_EVENTS), ``logSourceVersion``, ``userPoolId`` and a ``message`` object.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

from userpools.adapters.lines import append_line

_UNSAFE = re.compile(r"[^A-Za-z0-9._#-]")
_LOG_GROUP = re.compile(r"^arn:[\w-]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$")
_BUCKET = re.compile(r"^arn:[\w-]+:s3:::([^/:]+)$")
_STREAM = re.compile(r"^arn:[\w-]+:firehose:[^:]*:[^:]*:deliverystream/(.+)$")
_KINDS = (
    ("CloudWatchLogsConfiguration", "LogGroupArn", "cloudwatch", _LOG_GROUP),
    ("S3Configuration", "BucketArn", "s3", _BUCKET),
    ("FirehoseConfiguration", "StreamArn", "firehose", _STREAM),
)
STDOUT = "stdout"


def destination(config: dict[str, Any]) -> tuple[str, str] | None:
    """``(kind, file name)`` of a LogConfigurationType's destination, or None when it has none or an ARN
    that isn't one of the three forms."""
    for member, arn_key, kind, pattern in _KINDS:
        arn = (config.get(member) or {}).get(arn_key)
        if arn is None:
            continue
        match = pattern.match(str(arn))
        if match is None:
            return None
        name = _UNSAFE.sub("_", match.group(1).strip("/").replace("/", "_"))
        return (kind, name) if name.strip("._") else None
    return None


class LogSink:
    """Appends log records to the files destinations map to; one lock per file within the process."""

    def __init__(self, log_dir: str) -> None:
        self.log_dir = log_dir
        self._locks: dict[str, asyncio.Lock] = {}

    def path_of(self, config: dict[str, Any]) -> Path | None:
        """The file ``config``'s destination maps to (None: standard output, or no destination)."""
        where = destination(config)
        if where is None or self.log_dir == STDOUT:
            return None
        kind, name = where
        return Path(self.log_dir) / kind / f"{name}.jsonl"

    async def write(self, config: dict[str, Any], record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        if destination(config) is None:
            return
        path = self.path_of(config)
        key = str(path) if path is not None else STDOUT
        async with self._locks.setdefault(key, asyncio.Lock()):
            if path is None:
                sys.stdout.write(line)
                sys.stdout.flush()
            else:
                await asyncio.to_thread(append_line, path, line)
