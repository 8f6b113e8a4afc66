"""One-time codes: generation, purposes, lifetimes, where they go and how their messages read.

Codes are six random digits (as Cognito's), single-use, stored only as a keyed digest
(``crypto.code_digest``).
Lifetimes per https://docs.aws.amazon.com/cognito/latest/developerguide/limits.html: sign-up and attribute
verification codes 24 h, password-reset codes 1 h. Delivery details follow ``CodeDeliveryDetailsType``
(API_CodeDeliveryDetailsType.html) with Cognito's masking (``j***@e***``, ``+*******1234``).
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from userpools.domain import messages
from userpools.domain.user import User
from userpools.domain.user_pool_rules import PoolRules
from userpools.ports import Random

HOUR = 3600.0
DAY = 86400.0
CODE_DIGITS = 6
# Wrong submissions one code survives; then it is spent (LimitExceededException until a new one is sent).
MAX_WRONG_SUBMISSIONS = 5

SIGN_UP = "confirm_sign_up"
FORGOT_PASSWORD = messages.FORGOT_PASSWORD
LIFETIME = {SIGN_UP: DAY, FORGOT_PASSWORD: HOUR}

CONTACTS = ("email", "phone_number")
_MEDIUM = {"email": "EMAIL", "phone_number": "SMS"}
_CHANNEL = {"email": "email", "phone_number": "sms"}


def verify_purpose(attribute: str) -> str:
    return messages.verify_purpose(attribute)


def lifetime(purpose: str) -> float:
    """Seconds a code of ``purpose`` stays valid (attribute verification codes: 24 h)."""
    return LIFETIME.get(purpose, DAY)


def new_code(random: Random) -> str:
    return "".join(random.choice("0123456789") for _ in range(CODE_DIGITS))


def channel_of(attribute: str) -> str:
    """``email`` → the email sender, ``phone_number`` → the SMS sender."""
    return _CHANNEL[attribute]


def mask(attribute: str, value: str) -> str:
    return messages.mask_email(value) if attribute == "email" else messages.mask_phone(value)


def delivery_details(attribute: str, value: str) -> dict[str, str]:
    """A wire ``CodeDeliveryDetailsType`` for a code sent to ``value``."""
    return {
        "Destination": mask(attribute, value),
        "DeliveryMedium": _MEDIUM[attribute],
        "AttributeName": attribute,
    }


def sign_up_attribute(rules: PoolRules, user: User) -> str | None:
    """Where a sign-up confirmation code goes: an auto-verified phone first, else an auto-verified email.

    COGNITO-FACTS 6.1: one code, phone preferred when both are auto-verified.
    """
    for attribute in ("phone_number", "email"):
        if attribute in rules.auto_verified and user.attributes.get(attribute):
            return attribute
    return None


def simulated_details(rules: PoolRules, username: str, secret: bytes) -> dict[str, str]:
    """CodeDeliveryDetails for a user that doesn't exist (PreventUserExistenceErrors=ENABLED).

    The medium follows the username's shape, else the pool's preference (recovery order / auto-verified
    attributes); the masked destination is derived from a keyed hash of the username, so repeated calls
    answer alike and nothing tells a real user from a missing one.
    """
    if "@" in username:
        return delivery_details("email", username)
    if username.startswith("+") and username[1:].isdigit():
        return delivery_details("phone_number", username)
    seed = hashlib.sha256(secret + rules.pool_id.encode() + b"\x00" + username.encode()).digest()
    phone_first = (
        "phone_number" in rules.auto_verified
        if rules.auto_verified
        else rules.recovery[0][0] == "verified_phone_number"
    )
    if phone_first:
        return delivery_details("phone_number", "+1" + "".join(str(b % 10) for b in seed[:10]))
    letters = "abcdefghijklmnopqrstuvwxyz"
    return delivery_details("email", f"{letters[seed[0] % 26]}x@{letters[seed[1] % 26]}x")


def compose(
    rules: PoolRules,
    attribute: str,
    code: str,
    username: str,
    *,
    link: dict[str, str] | None = None,
) -> tuple[str, str]:
    """``(subject, body)`` of a code message from the pool's VerificationMessageTemplate.

    ``link`` (sign-up confirmation only) holds the query of the hosted UI's ``/confirmUser`` URL and its
    base; with ``DefaultEmailOption`` CONFIRM_WITH_LINK an email carries the ``{##text##}`` link instead of
    the code.
    """
    template = rules.verification_template
    channel = channel_of(attribute)
    if link is not None and channel == "email" and template.get("DefaultEmailOption") == "CONFIRM_WITH_LINK":
        subject = template.get("EmailSubjectByLink") or "Your verification link"
        body = template.get("EmailMessageByLink") or (
            "Please click the link below to verify your email address. {##Verify Email##} "
        )
        return subject, render_link(body, link)
    subject, body = messages.code_message(template, channel)
    return subject, messages.render(body, code=code, username=username)


def render_link(template: str, link: dict[str, str]) -> str:
    """Replaces ``{##text##}`` with an HTML anchor to ``<base>/confirmUser?...`` labelled ``text``."""
    base = link.pop("base")
    url = f"{base}/confirmUser?{urlencode(link)}"
    start = template.find("{##")
    end = template.find("##}", start + 3)
    if start < 0 or end < 0:
        return f"{template}{url}"
    text = template[start + 3 : end]
    return f'{template[:start]}<a href="{url}">{text}</a>{template[end + 3 :]}'
