"""The federation machinery of one server: its OIDC relying party and SAML service provider.

Both keep caches (OIDC discovery documents and provider keys, SAML metadata fetched from a MetadataURL),
so the composition root (``app.create_app``) makes one ``FederationClients`` per app and puts it in the
``Services`` every request context carries.
"""

from __future__ import annotations

from dataclasses import dataclass

from userpools.config import Settings
from userpools.federation.http import ClientFactory, default_client
from userpools.federation.oidc import OidcRelyingParty
from userpools.federation.saml import SamlServiceProvider


@dataclass(frozen=True)
class FederationClients:
    oidc: OidcRelyingParty
    saml: SamlServiceProvider

    @classmethod
    def for_settings(cls, settings: Settings, factory: ClientFactory = default_client) -> FederationClients:
        """The clients of a server; social providers' endpoints from ``USERPOOLS_FEDERATION_ENDPOINTS``."""
        return cls(OidcRelyingParty(settings.federation_overrides, factory), SamlServiceProvider(factory))
