"""Cognito's trigger event envelope and checks of the response fields a trigger may set.

Implements the "Lambda trigger common parameters" of the developer guide
(cognito-user-identity-pools-working-with-aws-lambda-triggers.html). Difference: ``awsSdkVersion`` is
always ``aws-sdk-unknown-unknown`` (the caller's SDK is not tracked).
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import User
from userpools.errors import InvalidLambdaResponseException

# Admin operations have no app client; Cognito sends this in callerContext.clientId.
NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE"
UNRECOGNIZABLE = "Unrecognizable lambda output"


def envelope(
    *,
    region: str,
    pool_id: str,
    source: str,
    user_name: str,
    client_id: str | None,
    request: dict[str, Any],
    response: dict[str, Any],
    version: str = "1",
) -> dict[str, Any]:
    """The event a trigger function receives."""
    return {
        "version": version,
        "region": region,
        "userPoolId": pool_id,
        "userName": user_name,
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": client_id or NO_CLIENT},
        "triggerSource": source,
        "request": request,
        "response": response,
    }


def user_attributes(user: User) -> dict[str, str]:
    """A user as ``request.userAttributes``: attributes (``dev:`` ones hidden), ``cognito:user_status``."""
    shown = {k: v for k, v in user.attributes.items() if not k.startswith("dev:")}
    return shown | {"cognito:user_status": user.status}


def name_values(items: list[dict[str, str]] | None) -> dict[str, str] | None:
    """Wire ``[{Name, Value}]`` (ValidationData) as the event's ``{name: value}``; None when not given."""
    if items is None:
        return None
    return {item["Name"]: item.get("Value", "") for item in items}


def flag(response: dict[str, Any], name: str) -> bool:
    """A boolean response field (absent or null: false); anything else is an unrecognizable response."""
    value = response.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return value


def text(response: dict[str, Any], name: str) -> str | None:
    """A string response field (absent or null: None)."""
    value = response.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    return value
