"""The ``identities`` attribute of federated and linked users.

Cognito keeps, on every user an external identity signs in as, a JSON list of those identities:
``{"userId", "providerName", "providerType", "issuer", "primary", "dateCreated"}`` with ``primary`` a
boolean and ``dateCreated`` epoch milliseconds (the developer guide's "Linking federated users" shows the
attribute). In the ID token the same list appears as the ``identities`` claim with every value a string
(``"primary": "true"``, ``"dateCreated": "1700000000000"``), ``issuer`` staying null when unknown.
"""

from __future__ import annotations

import json
import re
from typing import Any

ATTRIBUTE = "identities"
_ENTITY_ID = re.compile(r"<(?:\w+:)?EntityDescriptor\b[^>]*\bentityID=\"([^\"]+)\"")


def issuer_of(provider: dict[str, Any]) -> str | None:
    """The provider's issuer as ``identities`` records it: OIDC issuer, SAML entity ID, else null."""
    details = provider.get("ProviderDetails") or {}
    if provider.get("ProviderType") == "OIDC":
        return details.get("oidc_issuer") or None
    if provider.get("ProviderType") == "SAML":
        found = _ENTITY_ID.search(details.get("MetadataFile") or "")
        return found.group(1) if found else None
    return None


def parse(value: str | None) -> list[dict[str, Any]]:
    if not value:
        return []
    try:
        items = json.loads(value)
    except ValueError:
        return []
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def add(
    attributes: dict[str, str], provider: dict[str, Any], user_id: str, *, primary: bool, issuer: str | None,
    now: float,
) -> None:  # fmt: skip
    """Records the identity (``provider``, ``user_id``) in ``attributes`` (replacing an older record)."""
    items = [i for i in parse(attributes.get(ATTRIBUTE)) if not _same(i, provider["ProviderName"], user_id)]
    items.append(
        {
            "userId": user_id,
            "providerName": provider["ProviderName"],
            "providerType": provider["ProviderType"],
            "issuer": issuer,
            "primary": primary,
            "dateCreated": int(now * 1000),
        }
    )
    attributes[ATTRIBUTE] = json.dumps(items, separators=(",", ":"))


def rename(attributes: dict[str, str], provider_name: str, old: str, new: str) -> None:
    """The identity recorded under ``old`` (a linked attribute value) is ``new`` (its subject) now."""
    items = parse(attributes.get(ATTRIBUTE))
    for item in items:
        if _same(item, provider_name, old):
            item["userId"] = new
    if items:
        attributes[ATTRIBUTE] = json.dumps(items, separators=(",", ":"))


def remove(attributes: dict[str, str], provider_name: str, user_id: str) -> None:
    items = [i for i in parse(attributes.get(ATTRIBUTE)) if not _same(i, provider_name, user_id)]
    if items:
        attributes[ATTRIBUTE] = json.dumps(items, separators=(",", ":"))
    else:
        attributes.pop(ATTRIBUTE, None)


def token_claim(value: str) -> list[dict[str, str | None]]:
    """The ID token's ``identities`` claim: the attribute with every value a string (issuer may be null)."""
    out: list[dict[str, str | None]] = []
    for item in parse(value):
        claim: dict[str, str | None] = {}
        for key in ("dateCreated", "userId", "providerName", "providerType", "issuer", "primary"):
            raw = item.get(key)
            claim[key] = None if raw is None else (str(raw).lower() if isinstance(raw, bool) else str(raw))
        out.append(claim)
    return out


def _same(item: dict[str, Any], provider_name: str, user_id: str) -> bool:
    return item.get("providerName") == provider_name and str(item.get("userId")) == user_id
