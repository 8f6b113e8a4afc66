"""What a sign-in at an identity provider yields, whatever the protocol."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UpstreamIdentity:
    """A user as an identity provider described them: its claims (OIDC, OAuth) or attributes (SAML).

    SAML attributes come by name (multi-valued ones as lists) with the subject as ``NameID``.
    """

    provider_name: str
    provider_type: str
    issuer: str | None
    claims: dict[str, Any]
    id_token: str | None = None
    token_response: dict[str, Any] = field(default_factory=dict)
