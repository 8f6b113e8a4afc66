"""Message senders: SMTP against a real SMTP server (aiosmtpd), the file outbox and the console."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from userpools.adapters.outbox import ConsoleSender, FileSender, read_outbox
from userpools.adapters.smtp import SmtpSender
from userpools.config import Settings
from userpools.ports import FakeClock, Message
from userpools.testing import free_port, server


@dataclass
class Inbox:
    port: int
    mails: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(
        self, _server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"mailer", b"mail-secret")
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox(free_port())
    controller = Controller(
        box, hostname="127.0.0.1", port=box.port, authenticator=box.authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


CODE = Message(
    channel="email",
    pool_id="us-east-1_abc",
    username="alice",
    destination="alice@example.com",
    body="Your verification code is 123456",
    subject="Your verification code",
    kind="verification",
)


def test_smtp_sender_delivers_plain_text(inbox: Inbox) -> None:
    sender = SmtpSender(Settings(smtp_port=inbox.port, smtp_from="auth@example.com"))
    asyncio.run(sender.send(CODE))
    [(mail_from, rcpt, mail)] = inbox.mails
    assert (mail_from, rcpt) == ("auth@example.com", ["alice@example.com"])
    assert mail["Subject"] == "Your verification code"
    assert mail["From"] == "auth@example.com" and mail["To"] == "alice@example.com"
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content().strip() == "Your verification code is 123456"


def test_smtp_sender_html_reply_to_and_login(inbox: Inbox) -> None:
    settings = Settings(smtp_port=inbox.port, smtp_username="mailer", smtp_password="mail-secret")
    html = Message(
        "email", "us-east-1_abc", "bob", "bob@example.com", "<p>Code <b>654321</b></p>", "Hi",
        extra={"from": "Team <team@example.com>", "reply_to": "help@example.com"},
    )  # fmt: skip
    asyncio.run(SmtpSender(settings).send(html))
    [(_, _, mail)] = inbox.mails
    assert inbox.logins
    assert mail.get_content_type() == "text/html"
    assert mail["From"] == "Team <team@example.com>" and mail["Reply-To"] == "help@example.com"
    assert "<b>654321</b>" in mail.get_content()


def test_smtp_sender_raises_when_the_server_is_unreachable() -> None:
    with pytest.raises(OSError):
        asyncio.run(SmtpSender(Settings(smtp_port=free_port())).send(CODE))


def test_admin_create_user_invitation_goes_out_by_smtp(inbox: Inbox) -> None:
    with server(email_sender="smtp", smtp_port=inbox.port) as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(PoolName="smtp")["UserPool"]["Id"]
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="carol",
            TemporaryPassword="Temp-Passw0rd!",
            UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
            DesiredDeliveryMediums=["EMAIL"],
        )
    [(_, rcpt, mail)] = inbox.mails
    assert rcpt == ["carol@example.com"]
    body = mail.get_content()
    assert "carol" in body and "Temp-Passw0rd!" in body


def test_pool_from_and_reply_to_reach_the_mail(inbox: Inbox) -> None:
    with server(email_sender="smtp", smtp_port=inbox.port) as srv:
        idp = srv.client()
        pool_id = idp.create_user_pool(
            PoolName="branded",
            EmailConfiguration={
                "EmailSendingAccount": "DEVELOPER",
                "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
                "From": "Example Team <team@example.com>",
                "ReplyToEmailAddress": "help@example.com",
            },
        )["UserPool"]["Id"]
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username="dave",
            TemporaryPassword="Temp-Passw0rd!",
            UserAttributes=[{"Name": "email", "Value": "dave@example.com"}],
            DesiredDeliveryMediums=["EMAIL"],
        )
    [(_, _, mail)] = inbox.mails
    assert mail["From"] == "Example Team <team@example.com>"
    assert mail["Reply-To"] == "help@example.com"


def test_file_sender_appends_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "outbox.jsonl"
    sender = FileSender(path, FakeClock(1_800_000_000.0))

    async def send_two() -> None:
        await asyncio.gather(sender.send(CODE), sender.send(Message("sms", "p", "bob", "+15555550100", "1")))

    asyncio.run(send_two())
    items = read_outbox(path)
    assert sorted(i["username"] for i in items) == ["alice", "bob"]
    assert all(i["sent_at"] == 1_800_000_000.0 for i in items)
    assert read_outbox(path, user="alice@example.com")[0]["body"] == CODE.body
    assert read_outbox(tmp_path / "none.jsonl") == []


def test_console_sender_logs_the_message(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="userpools.messages"):
        asyncio.run(ConsoleSender().send(CODE))
    assert "alice@example.com" in caplog.text and "123456" in caplog.text
