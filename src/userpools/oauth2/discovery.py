"""The OpenID Connect discovery document of a pool (OpenID Connect Discovery 1.0 §3).

Served at ``{issuer}/.well-known/openid-configuration`` and on the pool's domain. Shaped like Cognito's
(COGNITO-FACTS §4.7): the OAuth 2.0 endpoints appear only when the pool has a domain, at the custom
domain if there is one, else at the prefix domain (``oauth2.sites.domain_url``: URLs that reach this
server). ``issuer`` is the tokens' ``iss``; the keys are under the server's public URL.
"""

from __future__ import annotations

from typing import Any

from userpools.config import Settings
from userpools.oauth2.sites import domain_url


def openid_configuration(settings: Settings, pool_id: str, domains: dict[str, str]) -> dict[str, Any]:
    """``domains``: ``{"Domain": prefix, "CustomDomain": name}`` (PoolRepo.domains_of), either optional."""
    doc: dict[str, Any] = {}
    domain = domains.get("CustomDomain") or domains.get("Domain")
    if domain:
        base = domain_url(settings, domain, "CustomDomain" in domains, pool_id.partition("_")[0])
        doc.update(
            authorization_endpoint=f"{base}/oauth2/authorize",
            end_session_endpoint=f"{base}/logout",
            revocation_endpoint=f"{base}/oauth2/revoke",
            token_endpoint=f"{base}/oauth2/token",
            userinfo_endpoint=f"{base}/oauth2/userInfo",
        )
    doc.update(
        id_token_signing_alg_values_supported=["RS256"],
        issuer=settings.issuer_of(pool_id),
        jwks_uri=f"{settings.base_url}/{pool_id}/.well-known/jwks.json",
        response_types_supported=["code", "token"],
        scopes_supported=["openid", "email", "phone", "profile"],
        subject_types_supported=["public"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
    )
    return dict(sorted(doc.items()))
