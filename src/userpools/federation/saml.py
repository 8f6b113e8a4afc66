"""The SAML 2.0 service provider of a pool: what the web routes call (metadata, request, response).

- ``begin``: the IdP redirect URL of an SP-initiated sign-in and the request ID to keep (sealed with the
  rest of the hosted UI's sign-in state) until the response comes;
- ``finish``: the posted ``SAMLResponse`` checked (saml_response.py) into an ``UpstreamIdentity`` for
  ``federation.users.sign_in``; ``request_id`` None is an IdP-initiated sign-in;
- ``metadata``: the pool's SP metadata document.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.federation.errors import FederationError
from userpools.federation.http import ClientFactory, default_client
from userpools.federation.saml_metadata import MetadataSource, sp_metadata
from userpools.federation.saml_request import authn_request
from userpools.federation.saml_response import SamlSignIn, validate_response
from userpools.ports import Random


class SamlServiceProvider:
    """One per server: it caches the IdP metadata fetched from MetadataURLs."""

    def __init__(self, factory: ClientFactory = default_client) -> None:
        self.metadata_source = MetadataSource(factory)

    async def begin(
        self,
        provider: dict[str, Any],
        *,
        pool_id: str,
        acs_url: str,
        relay_state: str,
        random: Random,
        now: float,
        signing_key: rsa.RSAPrivateKey | None = None,
        request_id: str | None = None,
    ) -> tuple[str, str]:
        _check(provider)
        metadata = await self.metadata_source.of(provider, now)
        details = provider["ProviderDetails"]
        return authn_request(
            pool_id, details, metadata, acs_url, relay_state, random, now, signing_key, request_id
        )

    async def finish(
        self,
        provider: dict[str, Any],
        saml_response: str,
        *,
        pool_id: str,
        acs_url: str,
        request_id: str | None,
        now: float,
        relay_state: str | None = None,
    ) -> SamlSignIn:
        _check(provider)
        metadata = await self.metadata_source.of(provider, now)
        return validate_response(
            provider, metadata, saml_response, pool_id=pool_id, acs_url=acs_url, request_id=request_id,
            now=now, relay_state=relay_state,
        )  # fmt: skip

    @staticmethod
    def metadata(
        pool_id: str, acs_url: str, logout_url: str | None = None, certificate_pem: str | None = None
    ) -> str:
        return sp_metadata(pool_id, acs_url, logout_url, certificate_pem)


def _check(provider: dict[str, Any]) -> None:
    if provider.get("ProviderType") != "SAML":
        raise FederationError(f"{provider.get('ProviderName')} is not a SAML identity provider")
