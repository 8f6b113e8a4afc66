"""A user profile as the service sees it (never a credential), its statuses, and its sign-in keys.

See https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from userpools.domain.user_pool_rules import PoolRules

UNCONFIRMED = "UNCONFIRMED"
CONFIRMED = "CONFIRMED"
FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
RESET_REQUIRED = "RESET_REQUIRED"
EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"
STATUSES = (UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, EXTERNAL_PROVIDER,
            "ARCHIVED", "COMPROMISED", "UNKNOWN")  # fmt: skip

# Attributes ListUsers can filter on, stored lower-cased in ``f_<name>`` columns.
FILTER_COLUMNS = ("email", "phone_number", "name", "given_name", "family_name", "preferred_username")
ALIAS_COLUMNS = ("email", "phone_number", "preferred_username")


@dataclass
class User:
    """One user. ``username`` is the internal username (a UUID = ``sub`` in UsernameAttributes pools)."""

    id: int
    pool_id: str
    username: str
    sub: str
    status: str
    enabled: bool
    attributes: dict[str, str]
    created: float
    modified: float
    settings: dict[str, Any] = field(
        default_factory=dict
    )  # MFAOptions, UserMFASettingList, PreferredMfaSetting
    # ``modified`` as last read from or written to the store: a save expects the row to still hold it, so
    # two concurrent changes of one user never silently undo each other (store/users.py, StaleUser).
    stored_modified: float | None = field(default=None, compare=False, repr=False)

    def verified(self, attribute: str) -> bool:
        """True when ``email`` / ``phone_number`` is present and marked verified."""
        return bool(self.attributes.get(attribute)) and (
            self.attributes.get(f"{attribute}_verified", "").lower() == "true"
        )


def key_of(value: str, case_sensitive: bool) -> str:
    return value if case_sensitive else value.lower()


def alias_key(rules: PoolRules, attribute: str, value: str) -> str:
    """How an alias value is compared: phone numbers exactly, email/preferred_username per CaseSensitive."""
    return value if attribute == "phone_number" else key_of(value, rules.case_sensitive)


def active_aliases(rules: PoolRules, attributes: dict[str, str]) -> dict[str, str | None]:
    """The sign-in alias keys a user holds: ``{attribute: key or None}``.

    UsernameAttributes values are sign-in names at once; AliasAttributes email/phone only once verified
    (COGNITO-FACTS §6.2); preferred_username needs no verification.
    """
    out: dict[str, str | None] = dict.fromkeys(ALIAS_COLUMNS)
    for attribute in ALIAS_COLUMNS:
        value = attributes.get(attribute)
        if not value:
            continue
        if attribute in rules.username_attributes:
            out[attribute] = alias_key(rules, attribute, value)
        elif attribute in rules.alias_attributes:
            needs_verification = attribute != "preferred_username"
            if not needs_verification or attributes.get(f"{attribute}_verified", "").lower() == "true":
                out[attribute] = alias_key(rules, attribute, value)
    return out


def filter_columns(attributes: dict[str, str]) -> dict[str, str | None]:
    """Lower-cased copies of the attributes ListUsers searches (its comparisons are case-insensitive)."""
    return {name: (attributes[name].lower() if attributes.get(name) else None) for name in FILTER_COLUMNS}
