"""A federated sign-in between ``/oauth2/authorize`` and the provider's answer, carried by the provider.

Authorize endpoint (``identity_provider``), cognito-user-pools-oidc-flow.html and
cognito-user-pools-SAML-session-initiation.html: a sign-in sent to an identity provider must come back
to the same domain, for the same authorize request, once, within 5 minutes (Cognito cancels it after
that). Nothing is stored until it comes back: the ``PendingFederation`` (the authorize parameters, the
provider, the OIDC nonce and PKCE verifier or the SAML AuthnRequest ID) is sealed with the master key
(AES-GCM, purpose ``federated-sign-in``, the domain name as associated data) into the ``state`` (OIDC and
social providers) or the ``RelayState`` (SAML) sent upstream, which the provider hands back unchanged;
any node opens it. Its random ``sid`` is recorded when the answer arrives (``AuthStateRepo.use_once``),
so a replayed answer is refused everywhere; so is a SAML assertion ID seen before (``assertion_marker``).

Known difference: the state is not bound to the browser that started the sign-in (Cognito's hosted UI
also keeps cookies for that); it is bound to the domain, the app client and redirect_uri it names.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from userpools.crypto.sealing import Sealer
from userpools.ports import Random

PURPOSE = "federated-sign-in"
LIFETIME = 300.0


@dataclass(frozen=True)
class PendingFederation:
    sid: str  # 32 hex digits, recorded once the answer comes
    provider: str  # the ProviderName
    params: dict[str, str]  # the authorize request's parameters, validated again at the answer
    expires: float
    oidc: dict[str, str] | None = None  # federation.oidc.PendingSignIn without its state (nonce, verifier)
    saml_request_id: str | None = None  # the AuthnRequest ID the SAML response must answer


def new_sid(random: Random) -> str:
    return random.token_bytes(16).hex()


def seal(sealer: Sealer, domain: str, pending: PendingFederation) -> str:
    raw = json.dumps(asdict(pending), separators=(",", ":")).encode()
    return sealer.seal(PURPOSE, raw, domain.encode())


def open_pending(sealer: Sealer, domain: str, token: str | None) -> PendingFederation | None:
    """The sign-in sealed in ``token`` for ``domain`` (even expired), or None (absent, forged, elsewhere)."""
    raw = sealer.open(PURPOSE, token, domain.encode()) if token else None
    if raw is None:
        return None
    try:
        data: dict[str, Any] = json.loads(raw)
        return PendingFederation(**data)
    except (ValueError, TypeError):
        return None


def assertion_marker(pool_id: str, issuer: str, assertion_id: str) -> str:
    """The single-use record of a SAML assertion (32 hex digits, as ``use_once`` keeps them)."""
    digest = hashlib.sha256(f"saml-assertion\0{pool_id}\0{issuer}\0{assertion_id}".encode()).hexdigest()
    return digest[:32]
