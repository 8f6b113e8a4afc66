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

Browser binding (login CSRF): the start also gives the browser a random value in a short-lived cookie
(``BROWSER_COOKIE``, 5 minutes, HttpOnly, the domain's path) and seals its SHA-256 into the state
(``browser``), so an answer carrying a state that another browser started is refused (``bound_to``). For
SAML and Sign in with Apple's form_post the cookie is SameSite=None; Secure when the domain is reached
over HTTPS (the provider posts the answer from its own site, and SameSite=Lax cookies are not sent on
cross-site POSTs); on plain HTTP no browser would send it on such a POST, so there the binding of those
answers is checked only when the cookie arrives (see docs/hosted-ui.md). IdP-initiated SAML sign-ins have
no binding by nature (limited by ``IDPInit``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from typing import Any

from userpools.crypto.sealing import Sealer
from userpools.ports import Random

PURPOSE = "federated-sign-in"
LIFETIME = 300.0
BROWSER_COOKIE = "userpools-federation"


@dataclass(frozen=True)
class PendingFederation:
    sid: str  # 32 hex digits, recorded once the answer comes
    provider: str  # the ProviderName
    params: dict[str, str]  # the authorize request's parameters, validated again at the answer
    expires: float
    oidc: dict[str, str] | None = None  # federation.oidc.PendingSignIn without its state (nonce, verifier)
    saml_request_id: str | None = None  # the AuthnRequest ID the SAML response must answer
    browser: str = ""  # SHA-256 (hex) of the BROWSER_COOKIE value set when the sign-in started
    cross_site_post: bool = False  # answered by a cross-site POST (SAML, Apple's form_post)


def new_sid(random: Random) -> str:
    return random.token_bytes(16).hex()


def new_binding(random: Random) -> str:
    """A random BROWSER_COOKIE value (its hash goes into the state: ``binding_hash``)."""
    return base64.urlsafe_b64encode(random.token_bytes(24)).decode().rstrip("=")


def binding_hash(value: str) -> str:
    return hashlib.sha256(f"federated-browser\0{value}".encode()).hexdigest()


def bound_to(pending: PendingFederation, cookie: str | None, *, secure: bool) -> bool:
    """Whether ``cookie`` (the BROWSER_COOKIE of the request) is the browser that started ``pending``.
    Without the cookie only a cross-site POST answer on plain HTTP passes: no browser sends a cookie
    there (SameSite=None needs Secure), so the binding is checked only when it arrives."""
    if not cookie:
        return pending.cross_site_post and not secure
    return bool(pending.browser) and hmac.compare_digest(pending.browser, binding_hash(cookie))


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
