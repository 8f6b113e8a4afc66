"""App client settings: defaults, token validity, auth flows and attribute permissions.

Implements the rules of CreateUserPoolClient / UpdateUserPoolClient
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html)
that need no storage. Known difference: AccessTokenValidity, IdTokenValidity and the three
TokenValidityUnits are always returned (Cognito omits the ones never set), so token issuers can read
one document.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from userpools.domain import schema as pool_schema
from userpools.errors import InvalidParameterException

UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
DEFAULT_UNITS = {"AccessToken": "hours", "IdToken": "hours", "RefreshToken": "days"}
DEFAULT_VALIDITY = {"AccessToken": 1, "IdToken": 1, "RefreshToken": 30}
# Inclusive ranges in seconds (developer guide, "Using tokens"): 5 min-1 day; 60 min-10 years.
VALIDITY_RANGE = {
    "AccessToken": (300, 86400),
    "IdToken": (300, 86400),
    "RefreshToken": (3600, 315_360_000),
}
_MEMBER = {
    "AccessToken": "AccessTokenValidity",
    "IdToken": "IdTokenValidity",
    "RefreshToken": "RefreshTokenValidity",
}

LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})
DEFAULT_FLOWS = ("ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH")
# GetClientToken (M2M): only for a client with a secret, and then the client's only flow (API reference).
CLIENT_TOKEN_FLOW = "ALLOW_CLIENT_TOKEN_AUTH"
# Cognito alone sets these; no app client may write them.
NEVER_WRITABLE = frozenset({"sub", "email_verified", "phone_number_verified"})


def token_validity(req: Mapping[str, Any]) -> dict[str, Any]:
    """The three validities and their units, defaults filled in and ranges checked."""
    units = {**DEFAULT_UNITS, **(req.get("TokenValidityUnits") or {})}
    out: dict[str, Any] = {"TokenValidityUnits": units}
    for token, member in _MEMBER.items():
        value = req.get(member)
        if value is None or (token == "RefreshToken" and value == 0):
            # Omitted (or RefreshTokenValidity 0): the default lifetime, expressed in the chosen unit.
            seconds = DEFAULT_VALIDITY[token] * UNIT_SECONDS[DEFAULT_UNITS[token]]
            value = max(1, seconds // UNIT_SECONDS[units[token]])
        low, high = VALIDITY_RANGE[token]
        if not low <= value * UNIT_SECONDS[units[token]] <= high:
            raise InvalidParameterException("Invalid range for token validity.")
        out[member] = value
    return out


def validity_seconds(client: Mapping[str, Any], token: str) -> int:
    """Lifetime in seconds of ``token`` ("AccessToken" | "IdToken" | "RefreshToken") for a stored client."""
    units = {**DEFAULT_UNITS, **(client.get("TokenValidityUnits") or {})}
    value = client.get(_MEMBER[token]) or DEFAULT_VALIDITY[token]
    return int(value) * UNIT_SECONDS[units[token]]


def explicit_auth_flows(flows: list[str] | None, has_secret: bool = False) -> list[str]:
    """ExplicitAuthFlows as stored: the default when omitted; legacy and ALLOW_ values can't mix;
    ALLOW_CLIENT_TOKEN_AUTH stands alone, on a client with a secret."""
    if flows is None:
        return list(DEFAULT_FLOWS)
    unique = list(dict.fromkeys(flows))
    if CLIENT_TOKEN_FLOW in unique:
        if len(unique) != 1:
            raise InvalidParameterException(
                "ALLOW_CLIENT_TOKEN_AUTH can't be combined with user authentication flows."
            )
        if not has_secret:
            raise InvalidParameterException("ALLOW_CLIENT_TOKEN_AUTH requires an app client with a secret.")
    legacy = [f for f in unique if f in LEGACY_FLOWS]
    if legacy and len(legacy) != len(unique):
        raise InvalidParameterException(
            "ExplicitAuthFlows can't mix legacy values (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, "
            "USER_PASSWORD_AUTH) with ALLOW_ values."
        )
    return unique


def pool_schema_of(pool: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The pool's schema; tolerates pool documents written before SchemaAttributes was stored."""
    attributes = pool.get("SchemaAttributes")
    if attributes:
        return list(attributes)
    extra = [a for a in pool.get("Schema") or [] if a.get("Name") not in pool_schema.STANDARD_NAMES]
    return pool_schema.standard_schema() + [dict(a) for a in extra]


def _known(schema: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return pool_schema.by_name(schema)


def read_attributes(names: list[str], schema: list[dict[str, Any]], verb: str) -> list[str]:
    known = _known(schema)
    if any(n not in known for n in names):
        raise InvalidParameterException(f"Invalid read attributes specified while {verb} a client")
    return list(dict.fromkeys(names))


def write_attributes(names: list[str], schema: list[dict[str, Any]], verb: str) -> list[str]:
    """Write permissions: known, never Cognito-owned, and covering every required attribute."""
    known = _known(schema)
    bad = any(n not in known or n in NEVER_WRITABLE for n in names)
    required = set(pool_schema.required_attributes(schema))
    if bad or not required <= set(names):
        raise InvalidParameterException(f"Invalid write attributes specified while {verb} a client")
    return list(dict.fromkeys(names))
