"""Federated sign-in through a SAML 2.0 provider (tests/saml_idp.py signs real assertions)."""

from __future__ import annotations

import base64
import time
import urllib.parse
import zlib
from html import unescape
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from federation_support import enable
from lxml import etree
from oauth_support import CALLBACK, App, Browser, claims, exchange, make_app, query_of

from saml_idp import EMAIL, TestIdp
from userpools.oauth2.federated_state import BROWSER_COOKIE
from userpools.testing import RunningServer

SAMLP = "{urn:oasis:names:tc:SAML:2.0:protocol}"
MD = "{urn:oasis:names:tc:SAML:2.0:metadata}"


@pytest.fixture(scope="module")
def saml() -> TestIdp:
    return TestIdp()


def saml_app(idp: Any, live: RunningServer, saml: TestIdp, **details: str) -> App:
    app = make_app(idp, live)
    idp.create_identity_provider(
        UserPoolId=app.pool_id, ProviderName="Okta", ProviderType="SAML",
        ProviderDetails={"MetadataFile": saml.metadata(), **details}, AttributeMapping={"email": EMAIL},
    )  # fmt: skip
    enable(app, "COGNITO", "Okta")
    return app


def start(browser: Browser, **params: str) -> tuple[dict[str, str], Any]:
    """authorize → the IdP: the redirect's query and the AuthnRequest it carries."""
    answer = browser.authorize(identity_provider="Okta", **params)
    assert answer.status_code == 302, answer.text
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(answer.headers["location"]).query))
    return query, etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"]), -15))


def post(app: App, saml_response: str, relay_state: str | None) -> httpx.Response:
    form = {"SAMLResponse": saml_response}
    if relay_state is not None:
        form["RelayState"] = relay_state
    return httpx.post(app.url("/saml2/idpresponse"), data=form, timeout=30)


def respond(saml: TestIdp, app: App, **options: Any) -> str:
    return saml.response(
        pool_id=app.pool_id, acs_url=app.url("/saml2/idpresponse"), now=time.time(), **options
    )


def test_sp_initiated_sign_in(idp: Any, live: RunningServer, saml: TestIdp) -> None:
    app = saml_app(idp, live, saml)
    browser = Browser(app)
    query, request = start(browser, state="s", scope="openid email")
    assert request.get("AssertionConsumerServiceURL") == app.url("/saml2/idpresponse")
    assert (
        request.findtext("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
        == f"urn:amazon:cognito:sp:{app.pool_id}"
    )
    assert "Signature" not in query
    answer = post(app, respond(saml, app, in_response_to=request.get("ID")), query["RelayState"])
    assert answer.status_code == 302 and answer.headers["location"].startswith(CALLBACK)
    assert "userpools-session" in answer.headers["set-cookie"]
    location = query_of(answer.headers["location"])
    assert location["state"] == "s"
    id_claims = claims(exchange(app, location["code"]).json()["id_token"])
    assert id_claims["cognito:username"] == "Okta_ann" and id_claims["email"] == "ann@example.com"
    [identity] = id_claims["identities"]
    assert identity["providerType"] == "SAML" and identity["issuer"] == saml.entity_id
    assert (
        idp.admin_get_user(UserPoolId=app.pool_id, Username="Okta_ann")["UserStatus"] == "EXTERNAL_PROVIDER"
    )
    replayed = post(app, respond(saml, app, in_response_to=request.get("ID")), query["RelayState"])
    assert "already used" in query_of(replayed.headers["location"])["error_description"]


def test_a_response_to_another_request_or_tampered_is_refused(
    idp: Any, live: RunningServer, saml: TestIdp
) -> None:
    app = saml_app(idp, live, saml)
    query, _ = start(Browser(app), state="s")
    wrong = query_of(
        post(app, respond(saml, app, in_response_to="_other"), query["RelayState"]).headers["location"]
    )
    assert wrong["error"] == "invalid_request" and "InResponseTo" in wrong["error_description"]
    assert wrong["state"] == "s"
    query, request = start(Browser(app))
    forged = respond(
        saml, app, in_response_to=request.get("ID"), tamper=("ann@example.com", "eve@example.com")
    )
    refused = query_of(post(app, forged, query["RelayState"]).headers["location"])
    assert refused["error"] == "invalid_request" and "signature" in refused["error_description"]
    relay = query["RelayState"]
    middle = len(relay) // 2
    bad_relay = relay[:middle] + ("A" if relay[middle] != "A" else "B") + relay[middle + 1 :]
    page = post(app, respond(saml, app, in_response_to=request.get("ID")), bad_relay)
    assert page.status_code == 400  # no callback to trust: an error page
    assert [u["Username"] for u in idp.list_users(UserPoolId=app.pool_id)["Users"]] == ["alice"]


HTTPS = {"x-forwarded-proto": "https"}  # as a TLS-terminating proxy on loopback says


def answer_form(saml: TestIdp, app: App, relay: dict[str, str]) -> dict[str, str]:
    """The IdP's form answering the AuthnRequest in the redirect query ``relay``."""
    request = etree.fromstring(zlib.decompress(base64.b64decode(relay["SAMLRequest"]), -15))
    saml_response = respond(saml, app, in_response_to=request.get("ID"))
    return {"SAMLResponse": saml_response, "RelayState": relay["RelayState"]}


def test_the_relay_state_is_bound_to_the_browser_that_started_the_sign_in(
    idp: Any, live: RunningServer, saml: TestIdp
) -> None:
    """Login CSRF: over plain HTTP a different binding cookie is refused (a missing one is let through:
    the IdP's cross-site POST can't carry it); over HTTPS the SameSite=None cookie is required."""
    app = saml_app(idp, live, saml)
    browser = Browser(app)
    query, _ = start(browser, state="s")
    assert browser.http.cookies.get(BROWSER_COOKIE)  # SameSite=Lax, not Secure, on plain HTTP
    form = answer_form(saml, app, query)
    acs = app.url("/saml2/idpresponse")
    other = httpx.post(acs, data=form, cookies={BROWSER_COOKIE: "another-browser"}, timeout=30)
    assert other.status_code == 400 and "another browser" in unescape(other.text)
    answer = browser.http.post(acs, data=form)
    assert answer.status_code == 302 and query_of(answer.headers["location"])["code"]
    assert BROWSER_COOKIE not in browser.http.cookies  # cleared

    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": CALLBACK,
              "identity_provider": "Okta"}  # fmt: skip
    secure = browser.get(app.url("/oauth2/authorize?") + urllib.parse.urlencode(params), headers=HTTPS)
    cookie = secure.headers["set-cookie"]
    assert cookie.startswith(f"{BROWSER_COOKIE}=") and "SameSite=none" in cookie and "Secure" in cookie
    assert "HttpOnly" in cookie and f"Path=/domain/{app.domain}/" in cookie
    form = answer_form(saml, app, query_of(secure.headers["location"]))
    missing = httpx.post(acs, data=form, headers=HTTPS, timeout=30)
    assert missing.status_code == 400 and "another browser" in unescape(missing.text)
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    bound = httpx.post(acs, data=form, headers=HTTPS, cookies={BROWSER_COOKIE: value}, timeout=30)
    assert bound.status_code == 302 and query_of(bound.headers["location"])["code"]


def unsolicited_relay(app: App, **extra: str) -> str:
    params = {"identity_provider": "Okta", "client_id": app.client_id, "redirect_uri": CALLBACK,
              "response_type": "code", "scope": "openid email", **extra}  # fmt: skip
    return urllib.parse.urlencode(params)


def test_idp_initiated_sign_in_when_enabled(idp: Any, live: RunningServer, saml: TestIdp) -> None:
    app = saml_app(idp, live, saml, IDPInit="true")
    assertion = respond(saml, app, name_id="bob")
    answer = post(app, assertion, unsolicited_relay(app))
    assert answer.status_code == 302, answer.text
    code = query_of(answer.headers["location"])["code"]
    assert claims(exchange(app, code).json()["id_token"])["cognito:username"] == "Okta_bob"
    replayed = query_of(post(app, assertion, unsolicited_relay(app)).headers["location"])
    assert replayed["error"] == "invalid_request" and "already used" in replayed["error_description"]
    stale = saml.response(
        pool_id=app.pool_id, acs_url=app.url("/saml2/idpresponse"), now=time.time() - 400,
        not_on_or_after=time.time() + 300,
    )  # fmt: skip
    refused = query_of(post(app, stale, unsolicited_relay(app)).headers["location"])
    assert "6 minutes" in refused["error_description"]
    missing = post(app, respond(saml, app), None)
    assert missing.status_code == 400 and "RelayState" in unescape(missing.text)


def test_idp_initiated_sign_in_is_refused_when_not_enabled(
    idp: Any, live: RunningServer, saml: TestIdp
) -> None:
    app = saml_app(idp, live, saml)
    refused = query_of(post(app, respond(saml, app), unsolicited_relay(app, state="x")).headers["location"])
    assert refused["error"] == "invalid_request" and "not enabled" in refused["error_description"]
    assert refused["state"] == "x"
    enable(app, "COGNITO")  # the client must offer the provider
    refused = query_of(post(app, respond(saml, app), unsolicited_relay(app)).headers["location"])
    assert "not enabled" in refused["error_description"]


def test_signed_authn_requests_and_the_sp_metadata(idp: Any, live: RunningServer, saml: TestIdp) -> None:
    app = saml_app(idp, live, saml, RequestSigningAlgorithm="rsa-sha256")
    metadata = httpx.get(app.url("/saml2/metadata"), timeout=30)
    assert metadata.status_code == 200 and "samlmetadata+xml" in metadata.headers["content-type"]
    document = etree.fromstring(metadata.content)
    assert document.get("entityID") == f"urn:amazon:cognito:sp:{app.pool_id}"
    acs = document.find(f"{MD}SPSSODescriptor/{MD}AssertionConsumerService")
    assert acs is not None and acs.get("Location") == app.url("/saml2/idpresponse")
    body = document.findtext(".//{http://www.w3.org/2000/09/xmldsig#}X509Certificate")
    certificate = x509.load_der_x509_certificate(base64.b64decode(body or ""))
    answer = Browser(app).authorize(identity_provider="Okta")
    raw_query = urllib.parse.urlsplit(answer.headers["location"]).query
    signed_part, _, signature = raw_query.rpartition("&Signature=")
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    signature_bytes = base64.b64decode(urllib.parse.unquote_plus(signature))
    key.verify(signature_bytes, signed_part.encode(), padding.PKCS1v15(), hashes.SHA256())
    assert httpx.get(app.url("/saml2/metadata"), timeout=30).content == metadata.content  # stable
    # GetSigningCertificate hands the IdP administrator the same certificate.
    assert idp.get_signing_certificate(UserPoolId=app.pool_id)["Certificate"] == body
