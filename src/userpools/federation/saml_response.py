"""Validating the SAML Response an IdP posts to ``/saml2/idpresponse`` (HTTP-POST binding).

SAML 2.0 Core §2.3 to 2.7, §3.2.2 and the Web Browser SSO Profile §4.1.4.3: the Response must say Success;
its assertion must be signed (the assertion itself, or the whole Response) by a certificate of the IdP
metadata: only what the signature covers is read afterwards, so a wrapped or injected element counts
for nothing; then Issuer = the IdP's entity ID, Audience = ``urn:amazon:cognito:sp:<poolId>``,
Destination and the bearer SubjectConfirmation's Recipient = the pool's ACS URL, NotBefore /
NotOnOrAfter (Conditions and SubjectConfirmationData) with ``CLOCK_SKEW``, and InResponseTo = the ID of
the AuthnRequest this sign-in sent. A response to no request (IdP-initiated) is accepted only when the
provider's ``IDPInit`` is ``true``, carries no InResponseTo and was issued within the last 6 minutes
(cognito-user-pools-SAML-session-initiation.html). Signatures use signxml (XML-DSig, exclusive c14n) on lxml.

Known differences: encrypted assertions (``EncryptedResponses``) are refused; the assertion ID is
returned (``SamlSignIn.assertion_id``) for the caller to refuse a replay, nothing is stored here.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from signxml.exceptions import InvalidInput, InvalidSignature
from signxml.verifier import XMLVerifier

from userpools.auth.saml_certificate import sp_entity_id
from userpools.federation.errors import FederationError
from userpools.federation.saml_metadata import DS, IdpMetadata, parse_xml
from userpools.federation.upstream import UpstreamIdentity

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
CLOCK_SKEW = 300.0
# cognito-user-pools-SAML-session-initiation.html: IdP-initiated, "issued within the previous 6 minutes"
UNSOLICITED_MAX_AGE = 360.0
NAME_ID = "NameID"


@dataclass(frozen=True)
class SamlSignIn:
    identity: UpstreamIdentity
    assertion_id: str
    expires: float  # when the assertion stops being usable: remember its ID until then
    relay_state: str | None = None


def _time(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        raise FederationError(f"The SAML response has an invalid time {value!r}") from None


def _verified(element: Any, metadata: IdpMetadata) -> Any:
    """The signed element as the signature covers it, or None when ``element`` carries no signature."""
    if element.find(f"{{{DS}}}Signature") is None:
        return None
    failure = "no certificate of the IdP metadata"
    for certificate in metadata.certificates:
        try:
            result = XMLVerifier().verify(element, x509_cert=certificate, id_attribute="ID")
        except (InvalidSignature, InvalidInput) as exc:
            failure = str(exc)
            continue
        signed = result.signed_xml if not isinstance(result, list) else result[0].signed_xml
        if signed is None or signed.get("ID") != element.get("ID"):
            raise FederationError("The SAML signature does not cover the signed element")
        return signed
    raise FederationError(f"The SAML signature is invalid: {failure}")


def _assertion(response: Any, metadata: IdpMetadata) -> Any:
    if response.find(f"{{{SAML}}}EncryptedAssertion") is not None:
        raise FederationError("Encrypted SAML assertions are not supported")
    signed_response = _verified(response, metadata)
    scope = signed_response if signed_response is not None else response
    assertions = scope.findall(f"{{{SAML}}}Assertion")
    if len(assertions) != 1:
        raise FederationError("The SAML response must hold exactly one assertion")
    signed_assertion = _verified(assertions[0], metadata)
    if signed_assertion is not None:
        return signed_assertion
    if signed_response is None:
        raise FederationError("The SAML assertion is not signed")
    return assertions[0]


def validate_response(
    provider: dict[str, Any],
    metadata: IdpMetadata,
    saml_response: str,
    *,
    pool_id: str,
    acs_url: str,
    request_id: str | None,
    now: float,
    relay_state: str | None = None,
) -> SamlSignIn:
    """The user a posted ``SAMLResponse`` (base64) signs in; ``request_id``: the AuthnRequest sent, if any."""
    try:
        document = base64.b64decode(saml_response, validate=False)
    except (binascii.Error, ValueError):
        raise FederationError("The SAMLResponse is not base64") from None
    response = parse_xml(document)
    if response.tag != f"{{{SAMLP}}}Response":
        raise FederationError("The SAMLResponse is not a SAML 2.0 Response")
    status = response.find(f"{{{SAMLP}}}Status/{{{SAMLP}}}StatusCode")
    if status is None or status.get("Value") != SUCCESS:
        code = status.get("Value") if status is not None else "none"
        raise FederationError(f"The identity provider refused the sign-in (status {code})", "access_denied")
    destination = response.get("Destination")
    if destination is not None and destination != acs_url:
        raise FederationError("The SAML response is meant for another destination")
    _check_request(provider, response.get("InResponseTo"), request_id)
    assertion = _assertion(response, metadata)
    issuer = assertion.findtext(f"{{{SAML}}}Issuer")
    if (issuer or "").strip() != metadata.entity_id:
        raise FederationError("The SAML assertion was issued by another identity provider")
    if request_id is None:
        _check_unsolicited_age(assertion, now)
    expires = _check_conditions(assertion, pool_id, now)
    name_id, confirmation_expiry = _subject(assertion, acs_url, request_id, now)
    claims: dict[str, Any] = _attributes(assertion)
    claims[NAME_ID] = name_id
    identity = UpstreamIdentity(str(provider["ProviderName"]), "SAML", metadata.entity_id, claims)
    return SamlSignIn(identity, str(assertion.get("ID")), min(expires, confirmation_expiry), relay_state)


def _check_request(provider: dict[str, Any], in_response_to: str | None, request_id: str | None) -> None:
    if request_id is None:
        if provider["ProviderDetails"].get("IDPInit") != "true":
            raise FederationError("IdP-initiated sign-in is not enabled for this identity provider")
        if in_response_to:
            raise FederationError("The SAML response answers a request this sign-in did not send")
    elif in_response_to != request_id:
        raise FederationError("The SAML response does not answer this sign-in's request (InResponseTo)")


def _check_unsolicited_age(assertion: Any, now: float) -> None:
    """An IdP-initiated assertion must have been issued within the last ``UNSOLICITED_MAX_AGE`` seconds."""
    issued = _time(assertion.get("IssueInstant"))
    if issued is None or now - issued > UNSOLICITED_MAX_AGE or issued - now > CLOCK_SKEW:
        raise FederationError("An IdP-initiated SAML assertion must have been issued in the last 6 minutes")


def _check_conditions(assertion: Any, pool_id: str, now: float) -> float:
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    if conditions is None:
        raise FederationError("The SAML assertion has no Conditions")
    not_before = _time(conditions.get("NotBefore"))
    not_after = _time(conditions.get("NotOnOrAfter"))
    if not_before is not None and now + CLOCK_SKEW < not_before:
        raise FederationError("The SAML assertion is not valid yet (NotBefore)")
    if not_after is not None and now - CLOCK_SKEW >= not_after:
        raise FederationError("The SAML assertion has expired (NotOnOrAfter)")
    audiences = [
        (a.text or "").strip()
        for a in conditions.iter(f"{{{SAML}}}Audience")
    ]  # fmt: skip
    if sp_entity_id(pool_id) not in audiences:
        raise FederationError(f"The SAML assertion is not meant for {sp_entity_id(pool_id)} (Audience)")
    return not_after if not_after is not None else now + CLOCK_SKEW


def _subject(assertion: Any, acs_url: str, request_id: str | None, now: float) -> tuple[str, float]:
    subject = assertion.find(f"{{{SAML}}}Subject")
    name_id = subject.findtext(f"{{{SAML}}}NameID") if subject is not None else None
    if not name_id or not name_id.strip():
        raise FederationError("The SAML assertion has no NameID")
    for confirmation in subject.findall(f"{{{SAML}}}SubjectConfirmation"):
        if confirmation.get("Method") != BEARER:
            continue
        data = confirmation.find(f"{{{SAML}}}SubjectConfirmationData")
        if data is None:
            continue
        not_after = _time(data.get("NotOnOrAfter"))
        if data.get("Recipient") != acs_url or not_after is None or now - CLOCK_SKEW >= not_after:
            continue
        if data.get("InResponseTo") not in (None, request_id):  # unsolicited: none at all
            continue
        return name_id.strip(), not_after
    raise FederationError("The SAML assertion has no valid bearer SubjectConfirmation for this service")


def _attributes(assertion: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attribute in assertion.iter(f"{{{SAML}}}Attribute"):
        name = attribute.get("Name")
        if not name:
            continue
        values = [(v.text or "") for v in attribute.findall(f"{{{SAML}}}AttributeValue")]
        out[name] = values[0] if len(values) == 1 else values
    return out
