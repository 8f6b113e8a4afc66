"""The CustomMessage trigger: the function rewrites a code or invitation message before it is sent.

Implements user-pool-lambda-custom-message.html. The request carries ``codeParameter`` (``{####}``),
``linkParameter`` (``{##Click Here##}``), ``usernameParameter`` (``{username}``, AdminCreateUser only; else
null) and ``clientMetadata``; the response's ``emailSubject`` / ``emailMessage`` / ``smsMessage`` replace the
pool's texts. As in Cognito, a text that lacks the code placeholder (and, for AdminCreateUser, the username
placeholder; for a CONFIRM_WITH_LINK email, a ``{##...##}`` link) or is too long (email 20,000, SMS 140
characters) is ignored and the pool's own message goes out. Sources: CustomMessage_SignUp, _ResendCode,
_ForgotPassword, _AdminCreateUser, _UpdateUserAttribute, _VerifyUserAttribute and _Authentication (SMS_MFA
and EMAIL_OTP codes). A pool's custom sender trigger takes the channel's messages instead
(triggers/delivery.py), as in Cognito.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import codes, messages
from userpools.domain.user import User
from userpools.domain.user_pool_rules import PoolRules
from userpools.operations.context import Context
from userpools.triggers.events import text
from userpools.triggers.invoke import configured, run_trigger

CODE = "{####}"
LINK = "{##Click Here##}"
USERNAME = "{username}"
MAX_EMAIL = 20_000
MAX_SMS = 140


async def custom_message(
    ctx: Context,
    pool: dict[str, Any],
    rules: PoolRules,
    user: User,
    source: str,
    channel: str,
    default: tuple[str, str],
    *,
    code: str,
    client_metadata: dict[str, str] | None = None,
    client_id: str | None = None,
    username: str | None = None,
    link: dict[str, str] | None = None,
) -> tuple[str, str]:
    """``(subject, body)`` to send: the function's texts when valid, else ``default`` (already rendered).

    ``username`` is given for AdminCreateUser invitations; ``link`` (the ``/confirmUser`` query and base) for
    sign-up codes, used when the pool mails a link (CONFIRM_WITH_LINK).
    """
    link_mode = rules.verification_template.get("DefaultEmailOption") == "CONFIRM_WITH_LINK"
    if link is not None and not (channel == "email" and link_mode):
        link = None
    if configured(pool, "CustomMessage") is None:
        return default
    request = {
        "userAttributes": dict(user.attributes),
        "codeParameter": CODE,
        "linkParameter": LINK,
        "usernameParameter": USERNAME if username is not None else None,
        "clientMetadata": client_metadata or {},
    }
    response = await run_trigger(
        ctx, pool, "CustomMessage", source, user_name=user.username, request=request,
        client_id=client_id,
        response={"smsMessage": None, "emailMessage": None, "emailSubject": None},
    )  # fmt: skip
    assert response is not None  # configured above
    subject, sms, email = (
        text(response, "emailSubject"),
        text(response, "smsMessage"),
        text(response, "emailMessage"),
    )
    body = email if channel == "email" else sms
    if body is None or not _usable(body, channel, username is not None, link is not None):
        return default[0], default[1]
    if link is not None:
        rendered = codes.render_link(body, dict(link))
    else:
        rendered = messages.render(body, code=code, username=username)
    return (subject or default[0]) if channel == "email" else "", rendered


def _usable(body: str, channel: str, needs_username: bool, needs_link: bool) -> bool:
    if len(body) > (MAX_EMAIL if channel == "email" else MAX_SMS):
        return False
    if needs_link:
        start = body.find("{##")
        return start >= 0 and body.find("##}", start + 3) >= 0
    return CODE in body and (not needs_username or USERNAME in body)
