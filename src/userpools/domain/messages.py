"""Message templates (invitations, codes) with Cognito's default texts, and destination masking.

Defaults per https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-message-customizations.html
"""

from __future__ import annotations

from userpools.domain.user_pool_rules import PoolRules
from userpools.ports import Message

INVITE_SUBJECT = "Your temporary password"
INVITE_MESSAGE = "Your username is {username} and temporary password is {####}."
CODE_SUBJECT = "Your verification code"
CODE_MESSAGE = "Your verification code is {####}."

# Purposes of stored one-time codes (``user_codes.purpose``).
FORGOT_PASSWORD = "forgot_password"


def verify_purpose(attribute: str) -> str:
    """Code purpose for verifying ``email`` / ``phone_number``."""
    return f"verify_{attribute}"


def render(template: str, *, code: str, username: str | None = None) -> str:
    text = template.replace("{####}", code)
    if username is not None:
        text = text.replace("{username}", username)
    return text


def invitation(template: dict[str, str], channel: str) -> tuple[str, str]:
    """``(subject, body template)`` of the AdminCreateUser invitation for ``channel`` (email|sms)."""
    if channel == "email":
        return template.get("EmailSubject") or INVITE_SUBJECT, template.get("EmailMessage") or INVITE_MESSAGE
    return "", template.get("SMSMessage") or INVITE_MESSAGE


def code_message(template: dict[str, str], channel: str) -> tuple[str, str]:
    """``(subject, body template)`` of a verification / password-reset code (VerificationMessageTemplate)."""
    if channel == "email":
        return template.get("EmailSubject") or CODE_SUBJECT, template.get("EmailMessage") or CODE_MESSAGE
    return "", template.get("SmsMessage") or CODE_MESSAGE


def mask_email(email: str) -> str:
    """``jane@example.com`` → ``j***@e***`` as in CodeDeliveryDetails.Destination."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain[:1]}***"


def mask_phone(phone: str) -> str:
    """``+15555550123`` → ``+*******0123``."""
    return "+" + "*" * max(len(phone) - 5, 0) + phone[-4:]


def outbound(
    rules: PoolRules, channel: str, username: str, destination: str, body: str, subject: str, kind: str
) -> Message:
    """One message of the pool; emails carry the pool's From / Reply-To (EmailConfiguration)."""
    extra = dict(rules.email_sender) if channel == "email" else {}
    return Message(channel, rules.pool_id, username, destination, body, subject, kind, extra)
