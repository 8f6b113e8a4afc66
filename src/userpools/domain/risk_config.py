"""Risk configurations (SetRiskConfiguration / DescribeRiskConfiguration) and what they decide.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetRiskConfiguration.html
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
A configuration is stored as the request gave it (wire-shaped); the defaults below apply to what it
omits. Rules are in docs/threat-protection.md.
"""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

from userpools.errors import InvalidParameterException

MEMBERS = (
    "CompromisedCredentialsRiskConfiguration",
    "AccountTakeoverRiskConfiguration",
    "RiskExceptionConfiguration",
)
ALL_EVENTS = ("SIGN_IN", "PASSWORD_CHANGE", "SIGN_UP")
LEVELS = ("Low", "Medium", "High")
# Without a configuration (or an AccountTakeoverRiskConfiguration) every risk level is let through, as a
# pool that only turned threat protection on: risks are assessed and recorded, nothing is enforced.
NO_ACTION = {"EventAction": "NO_ACTION", "Notify": False}

DEFAULT_FROM = "no-reply@verificationemail.com"
# NotifyConfiguration's email templates when it gives none. Placeholders as Cognito's: {username},
# {ip-address}, {city}, {country}, {login-time}, {device-name}, {one-click-link-valid},
# {one-click-link-invalid}.
_BODY = (
    "We observed an unrecognized sign-in to your account with this information:\n"
    "Time: {login-time}\nDevice: {device-name}\nLocation: {ip-address}\n"
    "If this sign-in was by you, follow this link: {one-click-link-valid}\n"
    "If this sign-in was not by you, follow this link: {one-click-link-invalid}\n"
)
DEFAULT_EMAILS = {
    "BlockEmail": {"Subject": "Blocked sign-in attempt", "TextBody": "We blocked this sign-in.\n" + _BODY},
    "NoActionEmail": {"Subject": "New sign-in attempt", "TextBody": _BODY},
    "MfaEmail": {"Subject": "New sign-in attempt", "TextBody": "We asked for your second factor.\n" + _BODY},
}  # fmt: skip


def checked(req: dict[str, Any]) -> dict[str, Any]:
    """The configuration members of a SetRiskConfiguration request, checked; empty: back to the defaults."""
    doc = {key: copy.deepcopy(req[key]) for key in MEMBERS if key in req}
    takeover = doc.get("AccountTakeoverRiskConfiguration")
    if takeover is not None:
        actions = takeover["Actions"]
        notifies = any((actions.get(f"{level}Action") or {}).get("Notify") for level in LEVELS)
        if notifies and "NotifyConfiguration" not in takeover:
            raise InvalidParameterException(
                "NotifyConfiguration is required when an AccountTakeoverRiskConfiguration action has Notify."
            )
    exceptions = doc.get("RiskExceptionConfiguration") or {}
    for key in ("BlockedIPRangeList", "SkippedIPRangeList"):
        for value in exceptions.get(key) or ():
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise InvalidParameterException(f"{key} has an invalid IP range: {value}") from None
    return doc


def compromised_action(config: dict[str, Any], event: str) -> str:
    """BLOCK or NO_ACTION for a compromised password in ``event`` (SIGN_IN, PASSWORD_CHANGE, SIGN_UP)."""
    given = config.get("CompromisedCredentialsRiskConfiguration")
    if given is None:
        return "NO_ACTION"
    if event not in (given.get("EventFilter") or ALL_EVENTS):
        return "NO_ACTION"
    return str(given["Actions"]["EventAction"])


def takeover_action(config: dict[str, Any], level: str) -> dict[str, Any]:
    """The AccountTakeoverActionType for ``level`` (Low, Medium, High)."""
    actions = (config.get("AccountTakeoverRiskConfiguration") or {}).get("Actions") or {}
    return dict(actions.get(f"{level}Action") or NO_ACTION)


def notify_template(config: dict[str, Any], kind: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The email template of ``kind`` (BlockEmail, NoActionEmail, MfaEmail) and the NotifyConfiguration."""
    notify = (config.get("AccountTakeoverRiskConfiguration") or {}).get("NotifyConfiguration") or {}
    return dict(notify.get(kind) or DEFAULT_EMAILS[kind]), notify


def _in_ranges(ip: str, ranges: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(r, strict=False) for r in ranges)


def ip_exception(config: dict[str, Any], ip: str) -> str | None:
    """``blocked`` or ``skipped`` when ``ip`` falls in the RiskExceptionConfiguration's ranges."""
    exceptions = config.get("RiskExceptionConfiguration") or {}
    if ip and _in_ranges(ip, exceptions.get("BlockedIPRangeList") or []):
        return "blocked"
    if ip and _in_ranges(ip, exceptions.get("SkippedIPRangeList") or []):
        return "skipped"
    return None
