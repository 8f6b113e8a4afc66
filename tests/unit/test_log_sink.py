"""Log delivery destinations: which local file an ARN names, and the stdout sink."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from userpools.adapters.log_sink import LogSink, destination

STREAM = "arn:aws:firehose:us-east-1:1:deliverystream/a/b"
GROUP = {
    "CloudWatchLogsConfiguration": {
        "LogGroupArn": "arn:aws:logs:eu-west-1:1:log-group:/aws/cognito/my pool:*"
    }
}


@pytest.mark.parametrize(
    ("config", "where"),
    [
        (GROUP, ("cloudwatch", "aws_cognito_my_pool")),
        ({"S3Configuration": {"BucketArn": "arn:aws:s3:::logs-bucket"}}, ("s3", "logs-bucket")),
        ({"FirehoseConfiguration": {"StreamArn": STREAM}}, ("firehose", "a_b")),
        ({"S3Configuration": {"BucketArn": "arn:aws:s3:::bucket/with/key"}}, None),
        ({"CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:1:log-group:/../.."}}, None),
        ({"CloudWatchLogsConfiguration": {"LogGroupArn": "arn:aws:logs:us-east-1:1:log-group:.."}}, None),
        ({}, None),
    ],
)  # fmt: skip
def test_destination(config: dict[str, dict[str, str]], where: tuple[str, str] | None) -> None:
    assert destination(config) == where


def test_files_under_the_log_dir(tmp_path: Path) -> None:
    sink = LogSink(str(tmp_path))
    asyncio.run(sink.write(GROUP, {"n": 1}))
    asyncio.run(sink.write(GROUP, {"n": 2}))
    path = tmp_path / "cloudwatch" / "aws_cognito_my_pool.jsonl"
    assert [json.loads(line) for line in path.read_text().splitlines()] == [{"n": 1}, {"n": 2}]


def test_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(LogSink("stdout").write(GROUP, {"n": 1}))
    assert json.loads(capsys.readouterr().out) == {"n": 1}
