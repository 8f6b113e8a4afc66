"""Where an identity provider's endpoints are: ProviderDetails, configuration overrides, OIDC discovery.

OIDC providers (CreateIdentityProvider ProviderType ``OIDC``) either give ``authorize_url``, ``token_url``,
``attributes_url`` and ``jwks_uri`` or have them discovered from ``{oidc_issuer}/.well-known/openid-
configuration`` (cognito-user-pools-oidc-idp.html, "Setup method"). Social providers have fixed endpoints
that Cognito stores in their ProviderDetails (domain/idp_details.py); ``USERPOOLS_FEDERATION_ENDPOINTS``
(``Settings.federation_overrides``) replaces them, so tests and closed networks can use a local provider.
Precedence: override, then ProviderDetails, then discovery.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from userpools.federation.errors import FederationError
from userpools.federation.http import ClientFactory, request_json

DISCOVERY_TTL = 3600.0
# Signing keys of the social providers that sign ID tokens; Cognito keeps these to itself.
_JWKS = {
    "Google": "https://www.googleapis.com/oauth2/v3/certs",
    "SignInWithApple": "https://appleid.apple.com/auth/keys",
}
_GOOGLE_USERINFO = "https://openidconnect.googleapis.com/v1/userinfo"
# Providers whose token endpoint returns an OpenID Connect ID token.
ID_TOKEN_TYPES = ("OIDC", "Google", "SignInWithApple")
# Issuers Google's ID tokens carry (both forms are documented by Google).
_GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
_DISCOVERED = {
    "authorize_url": "authorization_endpoint",
    "token_url": "token_endpoint",
    "attributes_url": "userinfo_endpoint",
    "jwks_uri": "jwks_uri",
}


@dataclass(frozen=True)
class Upstream:
    """The resolved endpoints and methods of one provider."""

    kind: str  # the ProviderType
    authorize_url: str
    token_url: str
    attributes_url: str | None
    jwks_uri: str | None
    issuers: tuple[str, ...]  # accepted ``iss`` values of its ID tokens (empty: no ID token expected)
    token_method: str = "POST"
    attributes_method: str = "GET"
    # Facebook's fields=... : the mapped provider attributes are appended to attributes_url.
    add_attributes: bool = False


@dataclass
class Discovery:
    """OpenID discovery documents by issuer, cached ``DISCOVERY_TTL`` seconds."""

    factory: ClientFactory
    _documents: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)

    async def document(self, issuer: str, now: float) -> dict[str, Any]:
        cached = self._documents.get(issuer)
        if cached is not None and now - cached[0] < DISCOVERY_TTL:
            return cached[1]
        url = f"{issuer.rstrip('/')}/.well-known/openid-configuration"
        document = await request_json(self.factory, "GET", url)
        self._documents[issuer] = (now, document)
        return document


async def resolve(
    provider: dict[str, Any],
    overrides: dict[str, dict[str, str]],
    discovery: Discovery,
    now: float,
) -> Upstream:
    """The endpoints of ``provider`` (a stored IdentityProviderType) for a sign-in now."""
    kind = str(provider["ProviderType"])
    if kind == "SAML":
        raise FederationError(f"{provider['ProviderName']} is a SAML provider, not an OAuth one")
    details: dict[str, str] = dict(provider["ProviderDetails"])
    override = overrides.get(kind, {})
    if "issuer" in override:  # everything from the overriding issuer's discovery document
        details = {k: v for k, v in details.items() if k not in _DISCOVERED}
        details["oidc_issuer"] = override["issuer"]
    details.update({k: v for k, v in override.items() if k != "issuer"})
    if kind in _JWKS and "jwks_uri" not in details and "issuer" not in override:
        details["jwks_uri"] = _JWKS[kind]
    if kind == "Google" and "issuer" not in override and "attributes_url" not in override:
        # Cognito reads Google's People API; its OpenID userinfo gives the same profile as flat claims.
        details["attributes_url"] = _GOOGLE_USERINFO
    issuer = details.get("oidc_issuer")
    missing = [k for k in _DISCOVERED if not details.get(k)]
    if kind not in ID_TOKEN_TYPES:
        missing = [k for k in missing if k != "jwks_uri"]
    if missing and issuer and (kind in ID_TOKEN_TYPES or "issuer" in override):
        document = await discovery.document(issuer, now)
        for key in missing:
            value = document.get(_DISCOVERED[key])
            if isinstance(value, str) and value:
                details[key] = value
        if isinstance(document.get("issuer"), str):
            issuer = document["issuer"]
    for key in ("authorize_url", "token_url"):
        if not details.get(key):
            raise FederationError(f"The provider {provider['ProviderName']} has no {key}", "server_error")
    issuers: tuple[str, ...] = ()
    if kind in ID_TOKEN_TYPES:
        if not issuer or not details.get("jwks_uri"):
            raise FederationError(
                f"The provider {provider['ProviderName']} has no issuer or jwks_uri to check its ID tokens",
                "server_error",
            )
        issuers = _GOOGLE_ISSUERS if kind == "Google" and "issuer" not in override else (issuer,)
    return Upstream(
        kind=kind,
        authorize_url=details["authorize_url"],
        token_url=details["token_url"],
        attributes_url=details.get("attributes_url") or None,
        jwks_uri=details.get("jwks_uri") or None,
        issuers=issuers,
        token_method=details.get("token_request_method", "POST").upper(),
        attributes_method=details.get("attributes_request_method", "GET").upper(),
        add_attributes=details.get("attributes_url_add_attributes") == "true" and kind == "Facebook",
    )
