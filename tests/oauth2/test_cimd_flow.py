"""A CIMD client end to end: an https URL as client_id, its metadata document served from loopback,
authorization code + PKCE through the hosted sign-in page, tokens at /oauth2/token; and the refusals."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from oauth_support import App, Browser, claims, make_app, pkce_pair, query_of

from cimd_support import MetadataHost, cimd_live, client_of, hosting
from userpools.testing import RunningServer

CIMD_CALLBACK = "https://cimd-client.example.net/callback"
_paths = itertools.count()


live = pytest.fixture(scope="module", name="live")(cimd_live)
idp = pytest.fixture(scope="module", name="idp")(client_of)
host = pytest.fixture(scope="module", name="host")(hosting)


@pytest.fixture
def app(idp: Any, live: RunningServer, host: MetadataHost) -> App:
    """An OAuth app client (code flow, refresh allowed) and a CIMD policy for https://127.0.0.1:<port>/apps/*."""
    made = make_app(idp, live, AllowedOAuthFlows=["code"])
    idp.create_cimd_policy(
        UserPoolId=made.pool_id, ClientId=made.client_id, PolicyName="apps", URLPatterns=[host.url("/apps/*")]
    )
    return made


def _document(host: MetadataHost, **extra: Any) -> str:
    return host.document(f"/apps/c{next(_paths)}.json", [CIMD_CALLBACK], **extra)


def _token(app: App, **form: str) -> httpx.Response:
    return httpx.post(app.url("/oauth2/token"), data=form, timeout=30)


def _params(client_id: str, challenge: str, **extra: str) -> dict[str, str]:
    return {
        "client_id": client_id, "redirect_uri": CIMD_CALLBACK, "scope": "openid email",
        "code_challenge": challenge, "code_challenge_method": "S256", **extra,
    }  # fmt: skip


def test_code_flow_with_pkce(app: App, host: MetadataHost) -> None:
    url = _document(host, grant_types=["authorization_code", "refresh_token"])
    verifier, challenge = pkce_pair()
    callback = Browser(app).sign_in(**_params(url, challenge, state="s-1"))
    assert callback.startswith(CIMD_CALLBACK + "?")
    answer = query_of(callback)
    assert answer["state"] == "s-1"
    tokens = _token(
        app, grant_type="authorization_code", client_id=url, code=answer["code"], redirect_uri=CIMD_CALLBACK,
        code_verifier=verifier,
    )  # fmt: skip
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    id_claims, access_claims = claims(body["id_token"]), claims(body["access_token"])
    assert id_claims["aud"] == app.client_id  # tokens are the policy's app client's
    assert id_claims["email"] == "alice@example.com"
    assert access_claims["client_id"] == app.client_id
    assert set(access_claims["scope"].split()) == {"openid", "email"}
    refreshed = _token(app, grant_type="refresh_token", client_id=url, refresh_token=body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sub"] == access_claims["sub"]


def test_refresh_needs_the_refresh_token_grant_in_the_document(app: App, host: MetadataHost) -> None:
    url = _document(host)  # grant_types defaults to authorization_code alone
    verifier, challenge = pkce_pair()
    code = query_of(Browser(app).sign_in(**_params(url, challenge)))["code"]
    form = {"client_id": url, "redirect_uri": CIMD_CALLBACK, "code_verifier": verifier}
    body = _token(app, grant_type="authorization_code", code=code, **form).json()
    refused = _token(app, grant_type="refresh_token", client_id=url, refresh_token=body["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"


def test_wrong_verifier_and_secret_are_refused(app: App, host: MetadataHost) -> None:
    url = _document(host)
    _verifier, challenge = pkce_pair()
    code = query_of(Browser(app).sign_in(**_params(url, challenge)))["code"]
    form = {"grant_type": "authorization_code", "client_id": url, "code": code, "redirect_uri": CIMD_CALLBACK}
    with_secret = _token(app, **form, code_verifier=pkce_pair()[0], client_secret="s3cret")
    assert with_secret.status_code in (400, 401) and with_secret.json()["error"] == "invalid_client"
    wrong = _token(app, **form, code_verifier=pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"


def _page(app: App, **params: str) -> httpx.Response:
    return Browser(app).authorize(**params)


def test_url_matching_no_policy_gets_an_error_page(app: App, host: MetadataHost) -> None:
    url = host.document("/elsewhere/c.json", [CIMD_CALLBACK])
    page = _page(app, **_params(url, pkce_pair()[1]))
    assert page.status_code == 400 and "location" not in page.headers
    assert "No CIMD policy" in page.text
    assert host.hits.get("/elsewhere/c.json") is None  # never fetched


@pytest.mark.parametrize(
    ("change", "phrase"),
    [
        ({"client_id": "https://127.0.0.1/other.json"}, "client_id of the client metadata document"),
        ({"token_endpoint_auth_method": "private_key_jwt"}, "public clients"),
        ({"client_secret": "nope"}, "client secret"),
        ({"redirect_uris": []}, "redirect_uris"),
    ],
)
def test_bad_documents_get_an_error_page(
    app: App, host: MetadataHost, change: dict[str, Any], phrase: str
) -> None:
    path = f"/apps/bad{next(_paths)}.json"
    url = host.url(path)
    host.serve(path, {"client_id": url, "redirect_uris": [CIMD_CALLBACK], **change})
    page = _page(app, **_params(url, pkce_pair()[1]))
    assert page.status_code == 400 and "location" not in page.headers
    assert phrase in page.text.replace("&#x27;", "'")


def test_unreachable_or_not_json_documents_get_an_error_page(app: App, host: MetadataHost) -> None:
    missing = host.url("/apps/missing.json")
    assert "404" in _page(app, **_params(missing, pkce_pair()[1])).text
    garbled = host.serve("/apps/garbled.json", body=b"<html>")
    assert "not JSON" in _page(app, **_params(garbled, pkce_pair()[1])).text
    huge = host.serve("/apps/huge.json", {"client_id": host.url("/apps/huge.json"), "pad": "x" * 6000})
    assert "larger than" in _page(app, **_params(huge, pkce_pair()[1])).text


def test_redirect_uri_must_be_one_of_the_document(app: App, host: MetadataHost) -> None:
    url = _document(host)
    page = _page(app, **_params(url, pkce_pair()[1], redirect_uri=app.url("/x")))
    assert page.status_code == 400 and "location" not in page.headers


def test_pkce_s256_is_required(app: App, host: MetadataHost) -> None:
    url = _document(host)
    for extra in ({"code_challenge": ""}, {"code_challenge_method": "plain"}):
        answer = _page(app, **_params(url, pkce_pair("plain")[1], **extra))
        assert answer.status_code == 302
        assert query_of(answer.headers["location"])["error"] == "invalid_request"
        assert answer.headers["location"].startswith(CIMD_CALLBACK)


def test_flow_must_be_allowed_by_the_document_too(app: App, host: MetadataHost) -> None:
    url = _document(host, grant_types=["implicit"])
    answer = _page(app, **_params(url, pkce_pair()[1]))
    assert answer.status_code == 302
    assert query_of(answer.headers["location"])["error"] == "unauthorized_client"


def test_deleted_policy_admits_no_one(idp: Any, app: App, host: MetadataHost) -> None:
    url = _document(host)
    assert _page(app, **_params(url, pkce_pair()[1])).status_code == 302
    (policy,) = idp.list_cimd_policies(UserPoolId=app.pool_id)["CIMDPolicies"]
    idp.delete_cimd_policy(UserPoolId=app.pool_id, CIMDPolicyId=policy["CIMDPolicyId"])
    assert _page(app, **_params(url, pkce_pair()[1])).status_code == 400
    token = _token(app, grant_type="authorization_code", client_id=url, code="x", redirect_uri=CIMD_CALLBACK)
    assert token.json()["error"] == "invalid_client"
