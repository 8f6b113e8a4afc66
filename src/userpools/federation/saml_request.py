"""The SP-initiated SAML 2.0 AuthnRequest, sent with the HTTP-Redirect binding.

SAML 2.0 Core §3.4 and Bindings §3.4: the request is raw-DEFLATEd, base64-encoded and put in the
``SAMLRequest`` query parameter with ``RelayState``; when the provider's ProviderDetails ask for
``RequestSigningAlgorithm`` ``rsa-sha256`` (CreateIdentityProvider), ``SigAlg`` and ``Signature`` (RSA
SHA-256 over the encoded query, Bindings §3.4.4.1) are added, signed with the pool's SAML signing key
(the certificate GetSigningCertificate publishes; its key is the caller's to give).
"""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime
from urllib.parse import quote_plus
from xml.sax.saxutils import quoteattr

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from userpools.auth.saml_certificate import sp_entity_id
from userpools.federation.errors import FederationError
from userpools.federation.saml_metadata import POST, IdpMetadata
from userpools.ports import Random

UNSPECIFIED = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"


def instant(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_request_id(random: Random) -> str:
    """A fresh AuthnRequest ID (an xs:ID: it starts with an underscore)."""
    return "_" + random.token_bytes(16).hex()


def authn_request(
    pool_id: str,
    details: dict[str, str],
    metadata: IdpMetadata,
    acs_url: str,
    relay_state: str,
    random: Random,
    now: float,
    signing_key: rsa.RSAPrivateKey | None = None,
    request_id: str | None = None,
) -> tuple[str, str]:
    """The IdP URL to redirect the browser to, and the request ID the response must answer.

    ``request_id`` (an xs:ID) may be chosen by the caller, e.g. to seal it into ``relay_state``.
    """
    if not metadata.sso_redirect_url:
        raise FederationError("The SAML metadata has no HTTP-Redirect SingleSignOnService")
    request_id = request_id or new_request_id(random)
    xml = (
        '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" '
        f'ID="{request_id}" Version="2.0" IssueInstant="{instant(now)}" '
        f"Destination={quoteattr(metadata.sso_redirect_url)} ProtocolBinding={quoteattr(POST)} "
        f"AssertionConsumerServiceURL={quoteattr(acs_url)}>"
        f"<saml:Issuer>{sp_entity_id(pool_id)}</saml:Issuer>"
        f'<samlp:NameIDPolicy Format="{UNSPECIFIED}" AllowCreate="true"/>'
        "</samlp:AuthnRequest>"
    )
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw DEFLATE, no zlib header
    encoded = base64.b64encode(compressor.compress(xml.encode()) + compressor.flush()).decode()
    query = f"SAMLRequest={quote_plus(encoded)}"
    if relay_state:
        query += f"&RelayState={quote_plus(relay_state)}"
    if details.get("RequestSigningAlgorithm") == "rsa-sha256":
        if signing_key is None:
            raise FederationError("Signed SAML requests need the pool's signing key", "server_error")
        query += f"&SigAlg={quote_plus(RSA_SHA256)}"
        signature = signing_key.sign(query.encode(), padding.PKCS1v15(), hashes.SHA256())
        query += f"&Signature={quote_plus(base64.b64encode(signature).decode())}"
    separator = "&" if "?" in metadata.sso_redirect_url else "?"
    return f"{metadata.sso_redirect_url}{separator}{query}", request_id
