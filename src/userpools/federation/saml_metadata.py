"""SAML 2.0 metadata: the IdP's (ProviderDetails MetadataFile or MetadataURL) and the pool's own SP metadata.

Cognito is the service provider ``urn:amazon:cognito:sp:<poolId>`` with its assertion consumer service at
``<domain>/saml2/idpresponse`` (HTTP-POST binding) and logout at ``<domain>/saml2/logout``
(cognito-user-pools-saml-idp.html, "SAML user pool IdP authentication flow"). XML is parsed with entity
expansion, DTDs and network access off.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

from lxml import etree

from userpools.auth.saml_certificate import der_base64, sp_entity_id
from userpools.federation.errors import FederationError
from userpools.federation.http import ClientFactory, default_client

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
METADATA_TTL = 3600.0
MAX_XML = 1 << 20


def parse_xml(text: str | bytes) -> Any:
    """An lxml element from untrusted XML: no DTD, no entities, no network."""
    data = text.encode() if isinstance(text, str) else text
    if len(data) > MAX_XML:
        raise FederationError("The SAML document is too large")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise FederationError("SAML documents with a DTD are not accepted")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FederationError(f"The SAML document is not well-formed XML: {exc}") from None


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_redirect_url: str | None
    slo_redirect_url: str | None
    certificates: tuple[str, ...]  # PEM, the IdP's signing certificates
    want_requests_signed: bool = False


def parse_idp_metadata(text: str | bytes) -> IdpMetadata:
    root = parse_xml(text)
    descriptor = (
        root if root.tag == f"{{{MD}}}IDPSSODescriptor" else root.find(f".//{{{MD}}}IDPSSODescriptor")
    )
    if descriptor is None:
        raise FederationError("The SAML metadata has no IDPSSODescriptor")
    entity = descriptor.getparent() if descriptor is not root else None
    entity_id = (entity.get("entityID") if entity is not None else None) or root.get("entityID")
    if not entity_id:
        raise FederationError("The SAML metadata has no entityID")
    certificates = []
    for key in descriptor.findall(f"{{{MD}}}KeyDescriptor"):
        if key.get("use") not in (None, "signing"):
            continue
        for cert in key.iter(f"{{{DS}}}X509Certificate"):
            body = "".join((cert.text or "").split())
            if body:
                lines = "\n".join(textwrap.wrap(body, 64))
                certificates.append(f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n")
    if not certificates:
        raise FederationError("The SAML metadata has no signing certificate")
    return IdpMetadata(
        entity_id=str(entity_id),
        sso_redirect_url=_location(descriptor, "SingleSignOnService"),
        slo_redirect_url=_location(descriptor, "SingleLogoutService"),
        certificates=tuple(certificates),
        want_requests_signed=descriptor.get("WantAuthnRequestsSigned") == "true",
    )


def _location(descriptor: Any, tag: str) -> str | None:
    for service in descriptor.findall(f"{{{MD}}}{tag}"):
        if service.get("Binding") == REDIRECT and service.get("Location"):
            return str(service.get("Location"))
    return None


@dataclass
class MetadataSource:
    """The IdP metadata of a provider: its MetadataFile, or its MetadataURL fetched and kept an hour."""

    factory: ClientFactory = default_client
    _cache: dict[str, tuple[float, IdpMetadata]] = field(default_factory=dict)

    async def of(self, provider: dict[str, Any], now: float) -> IdpMetadata:
        details = provider["ProviderDetails"]
        if details.get("MetadataFile"):
            return parse_idp_metadata(details["MetadataFile"])
        url = details.get("MetadataURL")
        if not url:
            raise FederationError(f"The SAML provider {provider['ProviderName']} has no metadata")
        cached = self._cache.get(url)
        if cached is not None and now - cached[0] < METADATA_TTL:
            return cached[1]
        metadata = parse_idp_metadata(await self._fetch(url))
        self._cache[url] = (now, metadata)
        return metadata

    async def _fetch(self, url: str) -> bytes:
        import httpx

        try:
            async with self.factory() as client:
                response = await client.get(url)
        except httpx.HTTPError as exc:
            raise FederationError(f"{url} could not be reached: {exc}", "server_error") from None
        if response.status_code >= 400:
            raise FederationError(f"{url} answered {response.status_code}", "server_error")
        return response.content


def sp_metadata(
    pool_id: str, acs_url: str, logout_url: str | None = None, certificate_pem: str | None = None
) -> str:
    """The pool's SP metadata document (what an IdP administrator imports)."""
    key = ""
    if certificate_pem:
        body = der_base64(certificate_pem)
        key = (
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{DS}"><ds:X509Data>'
            f"<ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        )
    logout = (
        f'<md:SingleLogoutService Binding="{REDIRECT}" Location={quoteattr(logout_url)}/>'
        if logout_url
        else ""
    )
    signed = "true" if certificate_pem else "false"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<md:EntityDescriptor xmlns:md="{MD}" entityID={quoteattr(sp_entity_id(pool_id))}>'
        f'<md:SPSSODescriptor AuthnRequestsSigned="{signed}" WantAssertionsSigned="true" '
        f'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">{key}{logout}'
        f"<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>"
        f'<md:AssertionConsumerService Binding="{POST}" Location={quoteattr(acs_url)} index="1"/>'
        f"</md:SPSSODescriptor></md:EntityDescriptor>\n"
    )
