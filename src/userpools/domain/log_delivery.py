"""A pool's log delivery configuration and the records it exports (docs/threat-protection.md).

https://docs.aws.amazon.com/cognito/latest/developerguide/exporting-quotas-and-usage.html
The configuration (LogDeliveryConfigurationType's LogConfigurations) is kept in the pool document under
``LOG_KEY``, which is no UserPoolType member (DescribeUserPool leaves it out), so the senders read it with
the pool they already have. Which records a configuration receives:
- ``userNotification``: LogLevel ERROR gets the failed email / SMS deliveries, INFO also the successful ones.
- ``userAuthEvents``: LogLevel INFO gets every auth event of the pool, ERROR only the failed ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from userpools.ports import LogWriter, Message

LOG_KEY = "LogDeliveryConfiguration"
NOTIFICATION, AUTH_EVENTS = "userNotification", "userAuthEvents"
VERSION = "1.0"


def configs_for(pool: dict[str, Any], source: str) -> list[dict[str, Any]]:
    """The pool's log configurations of one EventSource."""
    return [c for c in pool.get(LOG_KEY) or () if c.get("EventSource") == source]


def _stamp(now: float) -> str:
    return dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _record(pool_id: str, source: str, level: str, now: float, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventTimestamp": _stamp(now),
        "logLevel": level,
        "eventSource": "USER_NOTIFICATION" if source == NOTIFICATION else "USER_AUTH_EVENTS",
        "logSourceVersion": VERSION,
        "userPoolId": pool_id,
        "message": message,
    }


async def write_notification(
    writer: LogWriter, configs: Sequence[dict[str, Any]], message: Message, now: float, error: str | None
) -> None:
    """Logs one email / SMS delivery (``error`` None) or its failure to the configurations that want it."""
    level = "INFO" if error is None else "ERROR"
    body: dict[str, Any] = {
        "deliveryMedium": "EMAIL" if message.channel == "email" else "SMS",
        "messageKind": message.kind,
        "username": message.username,
        "destination": message.destination,
        "status": "DELIVERED" if error is None else "FAILED",
    }
    if error is not None:
        body["reason"] = error
    record = _record(message.pool_id, NOTIFICATION, level, now, body)
    for config in configs:
        if error is not None or config.get("LogLevel") == "INFO":
            await writer.write(config, record)


async def write_auth_event(
    writer: LogWriter,
    configs: Sequence[dict[str, Any]],
    pool_id: str,
    user: dict[str, str],
    event: dict[str, Any],
    now: float,
) -> None:
    """Logs one auth event (AuthEventType, wire-shaped, CreationDate as epoch seconds) with its user."""
    failed = event.get("EventResponse") == "Fail"
    record = _record(pool_id, AUTH_EVENTS, "ERROR" if failed else "INFO", now, {**event, **user})
    for config in configs:
        if failed or config.get("LogLevel") == "INFO":
            await writer.write(config, record)
