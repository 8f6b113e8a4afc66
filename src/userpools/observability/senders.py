"""Counts what the configured email and SMS senders deliver (userpools_messages_total)."""

from __future__ import annotations

from userpools.observability.metrics import Counter
from userpools.ports import Message, Sender


class CountingSender:
    """Wraps a sender: every message is counted as sent, or failed when the sender raises."""

    def __init__(self, inner: Sender, counter: Counter, channel: str) -> None:
        self.inner = inner
        self.counter = counter
        self.channel = channel

    async def send(self, message: Message) -> None:
        try:
            await self.inner.send(message)
        except BaseException:
            self.counter.inc(self.channel, "failed")
            raise
        self.counter.inc(self.channel, "sent")
