"""Senders for local development: a log line, or a JSON-lines outbox file that ``userpools outbox`` reads."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import asdict
from pathlib import Path

from userpools.adapters.lines import append_line
from userpools.ports import Clock, Message

log = logging.getLogger("userpools.messages")


class ConsoleSender:
    async def send(self, message: Message) -> None:
        log.info(
            "%s to %s (%s/%s): %s %s",
            message.channel,
            message.destination,
            message.pool_id,
            message.username,
            message.subject,
            message.body,
        )


class FileSender:
    """Appends each message as one JSON line; safe for several senders in one or several processes."""

    _locks: dict[Path, asyncio.Lock] = {}

    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = path
        self.clock = clock

    async def send(self, message: Message) -> None:
        line = json.dumps({"sent_at": self.clock.now(), **asdict(message)}, ensure_ascii=False) + "\n"
        lock = self._locks.setdefault(self.path, asyncio.Lock())
        async with lock:
            await asyncio.to_thread(append_line, self.path, line)


def read_outbox(path: Path, user: str | None = None, limit: int = 20) -> list[dict[str, object]]:
    """The latest ``limit`` messages, oldest first, optionally for one user (username or destination)."""
    if not path.exists():
        return []
    messages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if user is None or user in (item.get("username"), item.get("destination")):
            messages.append(item)
    return messages[-limit:]
