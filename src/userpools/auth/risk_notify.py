"""Threat protection's outputs: notification emails with feedback links, and auth-event log export.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html
(notification messages and feedback). The email uses the NotifyConfiguration template of its kind
(BlockEmail, MfaEmail, NoActionEmail; defaults in ``domain.risk_config``) and goes to the user's email
address, From NotifyConfiguration.From. ``{one-click-link-valid}`` / ``{one-click-link-invalid}`` become
links to ``{base_url}/risk/feedback`` that carry the event id and a FeedbackToken: the event's identity
sealed with the server key, which UpdateAuthEventFeedback checks (``open_feedback_token``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from urllib.parse import urlencode

from userpools.auth.gate import Caller
from userpools.domain import log_delivery, risk_config
from userpools.domain.user import User
from userpools.operations.context import Context
from userpools.ports import Message
from userpools.store.risk import AuthEvent

log = logging.getLogger("userpools")
FEEDBACK_PURPOSE = "auth-event-feedback"
FEEDBACK_PATH = "/risk/feedback"


def feedback_token(ctx: Context, pool_id: str, user_id: int, event_id: str) -> str:
    doc = json.dumps({"p": pool_id, "u": user_id, "e": event_id}, separators=(",", ":")).encode()
    return ctx.services.sealer.seal(FEEDBACK_PURPOSE, doc)


def open_feedback_token(ctx: Context, token: str) -> tuple[str, int, str] | None:
    """``(pool id, user id, event id)`` a FeedbackToken was issued for, or None when it isn't one."""
    raw = ctx.services.sealer.open(FEEDBACK_PURPOSE, token)
    try:
        doc = json.loads(raw) if raw is not None else None
        return str(doc["p"]), int(doc["u"]), str(doc["e"])  # type: ignore[index]
    except (ValueError, KeyError, TypeError):
        return None


def _link(ctx: Context, pool_id: str, user: User, event_id: str, token: str, value: str) -> str:
    query = urlencode(
        {"user_pool_id": pool_id, "username": user.username, "event_id": event_id, "feedback_token": token,
         "feedback_value": value}
    )  # fmt: skip
    return f"{ctx.settings.base_url}{FEEDBACK_PATH}?{query}"


async def notify(
    ctx: Context, who: Caller, user: User, event: AuthEvent, config: dict[str, Any], kind: str
) -> None:
    """Emails ``user`` about ``event`` with the ``kind`` template (nothing when the user has no email)."""
    email = user.attributes.get("email")
    if not email:
        return
    template, notify_config = risk_config.notify_template(config, kind)
    pool_id = who.rules.pool_id
    token = feedback_token(ctx, pool_id, user.id, event.event_id)
    values = {
        "{username}": user.username,
        "{ip-address}": event.context.get("IpAddress", "unknown"),
        "{city}": event.context.get("City", "unknown"),
        "{country}": event.context.get("Country", "unknown"),
        "{device-name}": event.context.get("DeviceName", "unknown"),
        "{login-time}": dt.datetime.fromtimestamp(event.created, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "{one-click-link-valid}": _link(ctx, pool_id, user, event.event_id, token, "Valid"),
        "{one-click-link-invalid}": _link(ctx, pool_id, user, event.event_id, token, "Invalid"),
    }
    body = str(template.get("HtmlBody") or template.get("TextBody") or "")
    for key, value in values.items():
        body = body.replace(key, value)
    extra = {"from": str(notify_config.get("From") or risk_config.DEFAULT_FROM)}
    if notify_config.get("ReplyTo"):
        extra["reply_to"] = str(notify_config["ReplyTo"])
    message = Message(
        "email", pool_id, user.username, email, body, str(template["Subject"]), "risk-notification", extra
    )
    ctx.send_later(message, log_delivery.configs_for(who.pool, log_delivery.NOTIFICATION))


def wire_event(event: AuthEvent) -> dict[str, Any]:
    """AuthEventType of a stored event."""
    out: dict[str, Any] = {
        "EventId": event.event_id,
        "EventType": event.event_type,
        "CreationDate": event.created,
        "EventResponse": event.response,
        "EventRisk": {"CompromisedCredentialsDetected": bool(event.compromised)},
        "ChallengeResponses": list(event.challenges),
        "EventContextData": dict(event.context),
    }
    if event.risk_decision:
        out["EventRisk"]["RiskDecision"] = event.risk_decision
    if event.risk_level:
        out["EventRisk"]["RiskLevel"] = event.risk_level
    if event.feedback:
        out["EventFeedback"] = {
            "FeedbackValue": event.feedback,
            "Provider": event.feedback_provider or "",
            "FeedbackDate": event.feedback_date,
        }
    return out


def export(ctx: Context, pool: dict[str, Any], user: User, event: AuthEvent) -> None:
    """Queues the event for the pool's userAuthEvents log configurations, written once committed."""
    configs = log_delivery.configs_for(pool, log_delivery.AUTH_EVENTS)
    writer = ctx.services.logs
    if not configs or writer is None:
        return
    record = wire_event(event)
    who = {"userName": user.username, "userSub": user.sub}
    now = ctx.now

    async def write() -> None:
        try:
            await log_delivery.write_auth_event(writer, configs, str(pool["Id"]), who, record, now)
        except OSError:  # the sign-in is done; a full disk must not turn it into an error
            log.exception("writing the auth event log failed")

    ctx.after_commit.append(write)
