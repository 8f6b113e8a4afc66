"""The SAML 2.0 service provider (federation/saml*.py) against a test IdP that signs with signxml."""

from __future__ import annotations

import base64
import time
import urllib.parse
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree

from saml_idp import EMAIL, TestIdp, key_and_certificate
from upstream_oidc import upstream_oidc
from userpools.federation.errors import FederationError
from userpools.federation.saml import SamlServiceProvider
from userpools.federation.saml_metadata import parse_idp_metadata
from userpools.ports import SystemRandom

POOL = "us-east-1_Fed1"
ACS = "https://auth.example.com/saml2/idpresponse"


@pytest.fixture(scope="module")
def idp() -> TestIdp:
    return TestIdp()


def saml_provider(idp: TestIdp, **details: str) -> dict[str, Any]:
    return {
        "ProviderName": "Okta",
        "ProviderType": "SAML",
        "ProviderDetails": {"MetadataFile": idp.metadata(), **details},
        "AttributeMapping": {"email": EMAIL},
    }


async def finish(idp: TestIdp, response: str, request_id: str | None = "_req1", **details: str) -> Any:
    sp = SamlServiceProvider()
    provider = saml_provider(idp, **details)
    return await sp.finish(
        provider, response, pool_id=POOL, acs_url=ACS, request_id=request_id, now=time.time()
    )


def respond(idp: TestIdp, **options: Any) -> str:
    options.setdefault("in_response_to", "_req1")
    return idp.response(pool_id=POOL, acs_url=ACS, now=time.time(), **options)


def test_idp_metadata_is_parsed(idp: TestIdp) -> None:
    metadata = parse_idp_metadata(idp.metadata())
    assert metadata.entity_id == idp.entity_id
    assert metadata.sso_redirect_url == idp.sso_url and metadata.slo_redirect_url == idp.slo_url
    assert metadata.certificates[0].replace("\n", "") == idp.cert_pem.replace("\n", "")
    with pytest.raises(FederationError, match="no signing certificate"):
        parse_idp_metadata(idp.metadata(with_certificate=False))
    with pytest.raises(FederationError, match="DTD"):
        parse_idp_metadata('<!DOCTYPE x [<!ENTITY e "boom">]>' + idp.metadata())
    with pytest.raises(FederationError, match="not well-formed"):
        parse_idp_metadata("<md:EntityDescriptor")


async def test_an_authn_request_goes_by_redirect_binding(idp: TestIdp) -> None:
    url, request_id = await SamlServiceProvider().begin(
        saml_provider(idp),
        pool_id=POOL,
        acs_url=ACS,
        relay_state="st-1",
        random=SystemRandom(),
        now=time.time(),
    )
    assert url.startswith(idp.sso_url + "?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["RelayState"] == "st-1" and "Signature" not in query
    request = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"]), -15))
    assert request.get("ID") == request_id and request.get("Destination") == idp.sso_url
    assert request.get("AssertionConsumerServiceURL") == ACS
    assert (
        request.findtext("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer") == f"urn:amazon:cognito:sp:{POOL}"
    )


async def test_a_signed_authn_request_verifies_with_the_pool_key(idp: TestIdp) -> None:
    key, _, _ = key_and_certificate("pool")
    provider = saml_provider(idp, RequestSigningAlgorithm="rsa-sha256")
    sp = SamlServiceProvider()
    url, _ = await sp.begin(
        provider,
        pool_id=POOL,
        acs_url=ACS,
        relay_state="st",
        random=SystemRandom(),
        now=time.time(),
        signing_key=key,
    )
    raw_query = urllib.parse.urlsplit(url).query
    signed_part, _, signature = raw_query.rpartition("&Signature=")
    assert "SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256" in signed_part
    key.public_key().verify(
        base64.b64decode(urllib.parse.unquote_plus(signature)), signed_part.encode(), padding.PKCS1v15(),
        hashes.SHA256(),
    )  # fmt: skip
    with pytest.raises(FederationError, match="signing key"):
        await sp.begin(
            provider, pool_id=POOL, acs_url=ACS, relay_state="", random=SystemRandom(), now=time.time()
        )


@pytest.mark.parametrize("sign", ["assertion", "response", "both"])
async def test_a_signed_response_gives_name_id_and_attributes(idp: TestIdp, sign: str) -> None:
    attributes = {EMAIL: "ann@example.com", "groups": ["admins", "staff"]}
    result = await finish(idp, respond(idp, sign=sign, attributes=attributes, name_id="ann@corp"))
    assert result.identity.claims == {
        "NameID": "ann@corp",
        EMAIL: "ann@example.com",
        "groups": ["admins", "staff"],
    }
    assert result.identity.issuer == idp.entity_id and result.identity.provider_type == "SAML"
    assert result.assertion_id.startswith("_a") and result.expires > time.time()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"sign": "none"}, "not signed"),
        ({"tamper": ("ann@example.com", "eve@example.com")}, "signature is invalid"),
        ({"signer": key_and_certificate("evil")[1:]}, "signature is invalid"),
        ({"audience": "urn:amazon:cognito:sp:us-east-1_Other"}, "Audience"),
        ({"not_on_or_after": time.time() - 600}, "expired"),
        ({"not_before": time.time() + 900}, "not valid yet"),
        ({"recipient": "https://evil.example.com/acs"}, "SubjectConfirmation"),
        ({"destination": "https://evil.example.com/acs"}, "another destination"),
        ({"in_response_to": "_other"}, "InResponseTo"),
        ({"issuer": "https://evil.example.com"}, "another identity provider"),
        ({"status": "urn:oasis:names:tc:SAML:2.0:status:Requester"}, "refused the sign-in"),
    ],
)
async def test_bad_responses_are_refused(idp: TestIdp, options: dict[str, Any], message: str) -> None:
    with pytest.raises(FederationError, match=message):
        await finish(idp, respond(idp, **options))


async def test_clock_skew_is_tolerated(idp: TestIdp) -> None:
    result = await finish(idp, respond(idp, not_on_or_after=time.time() - 60))
    assert result.identity.claims["NameID"] == "ann"


async def test_a_second_assertion_wrapped_in_is_refused(idp: TestIdp) -> None:
    genuine = base64.b64decode(respond(idp)).decode()
    forged = respond(idp, sign="none", name_id="eve")
    forged_assertion = (
        base64.b64decode(forged).decode().split("<samlp:Status>", 1)[1].split("</samlp:Status>", 1)[1]
    )
    wrapped = genuine.replace("</samlp:Response>", forged_assertion)
    with pytest.raises(FederationError, match="exactly one assertion"):
        await finish(idp, base64.b64encode(wrapped.encode()).decode())


async def test_idp_initiated_sign_in_needs_idpinit(idp: TestIdp) -> None:
    unsolicited = respond(idp, in_response_to=None)
    with pytest.raises(FederationError, match="IdP-initiated sign-in is not enabled"):
        await finish(idp, unsolicited, request_id=None)
    result = await finish(idp, unsolicited, request_id=None, IDPInit="true")
    assert result.identity.claims["NameID"] == "ann"
    with pytest.raises(FederationError, match="did not send"):
        await finish(idp, respond(idp), request_id=None, IDPInit="true")


async def test_garbage_is_refused(idp: TestIdp) -> None:
    for garbage, message in (
        ("%%%", "not well-formed"),
        (base64.b64encode(b"<x/>").decode(), "not a SAML 2.0"),
    ):
        with pytest.raises(FederationError, match=message):
            await finish(idp, garbage)


@pytest.fixture
def metadata_server(idp: TestIdp) -> Iterator[tuple[str, list[Any]]]:
    """The IdP metadata served over HTTP (the loopback OIDC provider serves any path we register)."""
    with upstream_oidc() as server:
        original = server.answer

        def answer(
            method: str, path: str, headers: dict[str, str], body: bytes
        ) -> tuple[int, dict[str, str], Any]:
            if path == "/saml/metadata":
                server.requests.append({"path": path})
                return 200, {}, idp.metadata()
            return original(method, path, headers, body)

        server.answer = answer  # type: ignore[method-assign]
        yield f"{server.issuer}/saml/metadata", server.requests


async def test_metadata_url_is_fetched_and_cached(
    idp: TestIdp, metadata_server: tuple[str, list[Any]]
) -> None:
    url, requests = metadata_server
    provider = {**saml_provider(idp), "ProviderDetails": {"MetadataURL": url}}
    sp = SamlServiceProvider()
    for _ in range(2):
        result = await sp.finish(
            provider, respond(idp), pool_id=POOL, acs_url=ACS, request_id="_req1", now=time.time()
        )
        assert result.identity.claims["NameID"] == "ann"
    assert len([r for r in requests if r["path"] == "/saml/metadata"]) == 1


def test_sp_metadata_names_the_pool_and_its_acs() -> None:
    _, _, certificate = key_and_certificate("pool")
    document = SamlServiceProvider.metadata(POOL, ACS, "https://auth.example.com/saml2/logout", certificate)
    root = etree.fromstring(document.encode())
    assert root.get("entityID") == f"urn:amazon:cognito:sp:{POOL}"
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    acs = root.find(f"{md}SPSSODescriptor/{md}AssertionConsumerService")
    assert acs is not None and acs.get("Location") == ACS
    assert root.find(f"{md}SPSSODescriptor").get("AuthnRequestsSigned") == "true"
