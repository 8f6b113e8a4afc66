"""``userpools outbox``: the latest messages written by the file sender."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from cli_support import run_cli

from userpools.adapters.outbox import FileSender
from userpools.ports import FakeClock, Message


def _write(path: Path, *messages: Message) -> None:
    sender = FileSender(path, FakeClock())

    async def send_all() -> None:
        for message in messages:
            await sender.send(message)

    asyncio.run(send_all())


def test_outbox_prints_latest_messages_filtered_by_user(tmp_path: Path) -> None:
    _write(
        tmp_path / "outbox.jsonl",
        Message("email", "us-east-1_a", "alice", "alice@example.com", "Your code is 123456", "Your code"),
        Message("sms", "us-east-1_a", "bob", "+15555550100", "Code 654321"),
        Message("email", "us-east-1_a", "alice", "alice@example.com", "Your code is 999999", "Your code"),
    )
    result = run_cli("outbox", "--data-dir", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "email to alice@example.com (alice) [Your code]: Your code is 123456",
        "sms to +15555550100 (bob): Code 654321",
        "email to alice@example.com (alice) [Your code]: Your code is 999999",
    ]
    only_bob = run_cli("outbox", "--data-dir", str(tmp_path), "--user", "+15555550100")
    assert only_bob.stdout.splitlines() == ["sms to +15555550100 (bob): Code 654321"]
    latest = run_cli(
        "outbox", "--file", str(tmp_path / "outbox.jsonl"), "--user", "alice", "--limit", "1", "--json"
    )
    item = json.loads(latest.stdout)
    assert (item["username"], item["body"], item["sent_at"]) == (
        "alice",
        "Your code is 999999",
        1_700_000_000.0,
    )


def test_outbox_when_nothing_was_sent(tmp_path: Path) -> None:
    result = run_cli("outbox", "--data-dir", str(tmp_path))
    assert result.returncode == 0
    assert result.stdout == ""
    assert "no messages" in result.stderr
