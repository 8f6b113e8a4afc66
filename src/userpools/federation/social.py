"""What the social providers need beyond plain OAuth 2.0 / OIDC.

- Sign in with Apple: the client secret is a short-lived ES256 JWT the service signs with the Apple
  private key of the ProviderDetails (``team_id`` as ``iss``, ``key_id`` as ``kid``), and the user's name
  comes only once, as the ``user`` form field of the first callback (Apple's "Sign in with Apple REST API").
- Facebook: its Graph API answers only the fields asked for (``attributes_url`` ends in ``fields=``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import jwt

from userpools.federation.errors import FederationError

APPLE_AUDIENCE = "https://appleid.apple.com"
APPLE_SECRET_LIFETIME = 300


def apple_client_secret(details: Mapping[str, str], now: float) -> str:
    """The client secret of a Sign in with Apple token request, signed with the provider's private key."""
    claims = {
        "iss": details["team_id"],
        "iat": int(now),
        "exp": int(now) + APPLE_SECRET_LIFETIME,
        "aud": APPLE_AUDIENCE,
        "sub": details["client_id"],
    }
    try:
        return jwt.encode(
            claims, details["private_key"], algorithm="ES256", headers={"kid": details["key_id"]}
        )
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise FederationError(
            f"The Sign in with Apple private key is not usable: {exc}", "server_error"
        ) from None


def apple_user_claims(user_field: str | None) -> dict[str, Any]:
    """``firstName``, ``lastName`` and ``name`` from Apple's first-callback ``user`` JSON (else nothing)."""
    if not user_field:
        return {}
    try:
        user = json.loads(user_field)
    except ValueError:
        return {}
    name = user.get("name") if isinstance(user, dict) else None
    if not isinstance(name, dict):
        return {}
    out = {k: v for k, v in (("firstName", name.get("firstName")), ("lastName", name.get("lastName")))
           if isinstance(v, str) and v}  # fmt: skip
    if out:
        out["name"] = " ".join(out[k] for k in ("firstName", "lastName") if k in out)
    return out


def facebook_fields(url: str, wanted: Iterable[str]) -> str:
    """``attributes_url`` with the mapped Graph API fields (and ``id``, the user id) appended."""
    fields = list(dict.fromkeys(["id", *wanted]))
    return url + ",".join(fields)
