"""The interfaces the core needs from the outside world: time, randomness, message senders, stores.

Operations receive these through ``operations.context.Context``; nothing in ``domain`` or
``operations`` reads the wall clock or ``secrets`` directly, so tests can control both.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Epoch seconds."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


@dataclass
class FakeClock:
    """A clock tests move by hand."""

    current: float = 1_700_000_000.0

    def now(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds


class Random(Protocol):
    def token_bytes(self, n: int) -> bytes: ...
    def choice(self, alphabet: str) -> str: ...
    def uuid4(self) -> str: ...


class SystemRandom:
    def token_bytes(self, n: int) -> bytes:
        return secrets.token_bytes(n)

    def choice(self, alphabet: str) -> str:
        return secrets.choice(alphabet)

    def uuid4(self) -> str:
        return str(uuid.uuid4())


@dataclass(frozen=True)
class Message:
    """One outbound email or SMS."""

    channel: str  # "email" | "sms"
    pool_id: str
    username: str
    destination: str
    body: str
    subject: str = ""
    kind: str = ""  # what caused it: "invitation", "verification", ...
    extra: dict[str, str] = field(default_factory=dict)


class Sender(Protocol):
    async def send(self, message: Message) -> None: ...


class LogWriter(Protocol):
    """Writes one exported-log record to the local destination a LogConfigurationType maps to."""

    async def write(self, config: dict[str, Any], record: dict[str, Any]) -> None: ...
