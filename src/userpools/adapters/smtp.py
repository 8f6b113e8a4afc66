"""Email over real SMTP (plain, STARTTLS or implicit TLS, optional login)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage

from userpools.config import Settings
from userpools.ports import Message


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, message: Message) -> None:
        await asyncio.to_thread(self._send, message)

    def _send(self, message: Message) -> None:
        s = self.settings
        mail = EmailMessage()
        mail["From"] = message.extra.get("from") or s.smtp_from
        mail["To"] = message.destination
        mail["Subject"] = message.subject
        if message.extra.get("reply_to"):
            mail["Reply-To"] = message.extra["reply_to"]
        if "<" in message.body and ">" in message.body:
            mail.set_content(message.body, subtype="html")
        else:
            mail.set_content(message.body)
        smtp_class = smtplib.SMTP_SSL if s.smtp_ssl else smtplib.SMTP
        with smtp_class(s.smtp_host, s.smtp_port, timeout=10) as smtp:
            if s.smtp_starttls and not s.smtp_ssl:
                smtp.starttls(context=ssl.create_default_context())
            if s.smtp_username:
                smtp.login(s.smtp_username, s.smtp_password)
            smtp.send_message(mail)
