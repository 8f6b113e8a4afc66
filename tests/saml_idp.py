"""A SAML 2.0 identity provider for the federation tests: real XML signatures (signxml), a test key.

``TestIdp().metadata()`` is the IdP metadata to give CreateIdentityProvider (MetadataFile);
``TestIdp().response(...)`` a base64 ``SAMLResponse`` as the IdP would post it to the ACS, signed on the
assertion (default), on the Response, on both or not at all, with every field overridable so tests can
build expired, misaddressed or forged responses.
"""

from __future__ import annotations

import base64
import datetime
import secrets
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import methods
from signxml.signer import XMLSigner

SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
PLACEHOLDER = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>'
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"


def key_and_certificate(name: str = "test-idp") -> tuple[rsa.RSAPrivateKey, str, str]:
    """A fresh RSA key, its PEM and a self-signed certificate PEM."""
    key = rsa.generate_private_key(65537, 2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256())
    )  # fmt: skip
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return key, key_pem, certificate.public_bytes(serialization.Encoding.PEM).decode()


def _instant(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sign(element: Any, key_pem: str, cert_pem: str) -> Any:
    signer = XMLSigner(
        method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256",
        c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )  # fmt: skip
    return signer.sign(element, key=key_pem, cert=cert_pem, reference_uri=element.get("ID"))


@dataclass
class TestIdp:
    __test__ = False  # not a test class
    entity_id: str = "https://idp.example.com/saml/metadata"
    sso_url: str = "https://idp.example.com/saml/sso"
    slo_url: str = "https://idp.example.com/saml/slo"
    key: rsa.RSAPrivateKey = field(init=False)
    key_pem: str = field(init=False)
    cert_pem: str = field(init=False)

    def __post_init__(self) -> None:
        self.key, self.key_pem, self.cert_pem = key_and_certificate()

    def metadata(self, *, with_certificate: bool = True) -> str:
        body = "".join(line for line in self.cert_pem.splitlines() if "CERTIFICATE" not in line)
        key = (
            '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">'
            f"<ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
            "</md:KeyDescriptor>"
        )
        return (
            '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
            f"entityID={quoteattr(self.entity_id)}><md:IDPSSODescriptor "
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f"{key if with_certificate else ''}"
            '<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f"Location={quoteattr(self.slo_url)}/>"
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            'Location="https://idp.example.com/saml/post"/>'
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f"Location={quoteattr(self.sso_url)}/>"
            "</md:IDPSSODescriptor></md:EntityDescriptor>"
        )

    def response(
        self,
        *,
        pool_id: str,
        acs_url: str,
        now: float,
        name_id: str = "ann",
        attributes: dict[str, str | list[str]] | None = None,
        in_response_to: str | None = None,
        sign: str = "assertion",
        audience: str | None = None,
        issuer: str | None = None,
        recipient: str | None = None,
        destination: str | None = None,
        not_before: float | None = None,
        not_on_or_after: float | None = None,
        status: str = "urn:oasis:names:tc:SAML:2.0:status:Success",
        signer: tuple[str, str] | None = None,
        tamper: tuple[str, str] | None = None,
    ) -> str:
        """A base64 SAMLResponse; ``tamper`` replaces text after signing (a forged change)."""
        attributes = {EMAIL: "ann@example.com"} if attributes is None else attributes
        reply = f" InResponseTo={quoteattr(in_response_to)}" if in_response_to else ""
        values = "".join(
            f"<saml:Attribute Name={quoteattr(name)}>"
            + "".join(f"<saml:AttributeValue>{escape(v)}</saml:AttributeValue>"
                      for v in ([value] if isinstance(value, str) else value))
            + "</saml:Attribute>"
            for name, value in attributes.items()
        )  # fmt: skip
        expiry = _instant(now + 300 if not_on_or_after is None else not_on_or_after)
        assertion = (
            f'<saml:Assertion xmlns:saml="{SAML}" ID="_a{secrets.token_hex(8)}" Version="2.0" '
            f'IssueInstant="{_instant(now)}"><saml:Issuer>{escape(issuer or self.entity_id)}</saml:Issuer>'
            f"{PLACEHOLDER if sign in ('assertion', 'both') else ''}"
            f"<saml:Subject><saml:NameID>{escape(name_id)}</saml:NameID>"
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f"<saml:SubjectConfirmationData{reply} NotOnOrAfter={quoteattr(expiry)} "
            f"Recipient={quoteattr(recipient or acs_url)}/></saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_instant(now - 5 if not_before is None else not_before)}" '
            f'NotOnOrAfter="{expiry}"><saml:AudienceRestriction><saml:Audience>'
            f"{escape(audience or f'urn:amazon:cognito:sp:{pool_id}')}</saml:Audience>"
            "</saml:AudienceRestriction></saml:Conditions>"
            f"<saml:AttributeStatement>{values}</saml:AttributeStatement></saml:Assertion>"
        )
        key_pem, cert_pem = signer or (self.key_pem, self.cert_pem)
        assertion_element = etree.fromstring(assertion)
        if sign in ("assertion", "both"):
            assertion_element = _sign(assertion_element, key_pem, cert_pem)
        response = etree.fromstring(
            f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r{secrets.token_hex(8)}" '
            f'Version="2.0" IssueInstant="{_instant(now)}" Destination={quoteattr(destination or acs_url)}'
            f"{reply}><saml:Issuer>{escape(issuer or self.entity_id)}</saml:Issuer>"
            f"{PLACEHOLDER if sign in ('response', 'both') else ''}"
            f'<samlp:Status><samlp:StatusCode Value="{status}"/></samlp:Status></samlp:Response>'
        )
        response.append(assertion_element)
        if sign in ("response", "both"):
            response = _sign(response, key_pem, cert_pem)
        document = etree.tostring(response)
        if tamper is not None:
            document = document.replace(tamper[0].encode(), tamper[1].encode())
        return base64.b64encode(document).decode()
