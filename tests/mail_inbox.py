"""A real SMTP server (aiosmtpd) on loopback catching the mail that trigger functions send."""

from __future__ import annotations

import email
import email.policy
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from userpools.testing import free_port


@dataclass
class Inbox:
    port: int
    code_file: Path | None = None  # each mail's 6-digit code is also written here (for the Node clients)
    mails: list[EmailMessage] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.mails.append(parsed)
        if self.code_file is not None:
            self.code_file.write_text(_code(parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.mails if m["To"] == address]

    def code_for(self, address: str, nth: int = -1) -> str:
        """The code in the ``nth`` mail to ``address`` (the last by default)."""
        sent = self.to(address)
        assert sent, f"no mail to {address}"
        return _code(sent[nth])


def _code(mail: EmailMessage) -> str:
    found = re.search(r"\b(\d{6})\b", str(mail.get_content()))
    assert found, mail.get_content()
    return found.group(1)


@contextmanager
def smtp_inbox(code_file: Path | None = None) -> Iterator[Inbox]:
    inbox = Inbox(free_port(), code_file)
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
