"""The upstream OIDC relying party (federation/oidc.py) against a real OIDC provider on loopback."""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from upstream_oidc import UpstreamProvider, upstream_oidc
from userpools.config import Settings
from userpools.federation import social
from userpools.federation.errors import FederationError
from userpools.federation.oidc import OidcRelyingParty, PendingSignIn
from userpools.ports import SystemRandom

REDIRECT = "https://auth.example.com/oauth2/idpresponse"


@pytest.fixture
def upstream() -> Iterator[UpstreamProvider]:
    with upstream_oidc() as provider:
        yield provider


def oidc_provider(up: UpstreamProvider, **details: str) -> dict[str, Any]:
    return {
        "ProviderName": "Corp",
        "ProviderType": "OIDC",
        "ProviderDetails": {
            "client_id": up.client_id,
            "client_secret": up.client_secret,
            "authorize_scopes": "openid email",
            "oidc_issuer": up.issuer,
            "attributes_request_method": "GET",
            **details,
        },
        "AttributeMapping": {"username": "sub", "email": "email"},
    }


async def authorize(url: str) -> dict[str, str]:
    """Follows the provider's authorize URL as a browser would; the callback's query parameters."""
    async with httpx.AsyncClient() as client:
        answer = await client.get(url)
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


async def sign_in(rp: OidcRelyingParty, provider: dict[str, Any], now: float | None = None) -> Any:
    now = time.time() if now is None else now
    url, pending = await rp.begin(provider, REDIRECT, SystemRandom(), now)
    callback = await authorize(url)
    return await rp.finish(provider, pending, callback, now)


async def test_full_code_flow_with_discovery_pkce_nonce_and_userinfo(upstream: UpstreamProvider) -> None:
    upstream.userinfo = {"name": "Ann Upstream"}
    rp = OidcRelyingParty()
    provider = oidc_provider(upstream)
    url, pending = await rp.begin(provider, REDIRECT, SystemRandom(), time.time())
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(f"{upstream.issuer}/authorize?")
    assert query["scope"] == "openid email" and query["response_type"] == "code"
    assert query["state"] == pending.state and query["nonce"] == pending.nonce
    assert query["code_challenge_method"] == "S256" and query["redirect_uri"] == REDIRECT
    identity = await rp.finish(provider, pending, await authorize(url), time.time())
    assert identity.claims["sub"] == "u-1001"
    assert identity.claims["email"] == "ann@example.com"
    assert identity.claims["name"] == "Ann Upstream"  # from userinfo
    assert identity.issuer == upstream.issuer and identity.provider_type == "OIDC"
    token_request = next(r for r in upstream.requests if r["path"] == "/token")
    assert token_request["form"]["client_secret"] == upstream.client_secret  # client_secret_post
    assert "authorization" not in token_request["headers"]
    assert token_request["form"]["code_verifier"] == pending.code_verifier


async def test_explicit_endpoints_need_no_discovery(upstream: UpstreamProvider) -> None:
    provider = oidc_provider(
        upstream,
        authorize_url=f"{upstream.issuer}/authorize",
        token_url=f"{upstream.issuer}/token",
        attributes_url=f"{upstream.issuer}/userinfo",
        jwks_uri=f"{upstream.issuer}/jwks",
        attributes_request_method="POST",
    )
    identity = await sign_in(OidcRelyingParty(), provider)
    assert identity.claims["email"] == "ann@example.com"
    paths = [r["path"] for r in upstream.requests]
    assert "/.well-known/openid-configuration" not in paths
    assert ("POST", "/userinfo") in [(r["method"], r["path"]) for r in upstream.requests]


async def test_pending_sign_in_round_trips_as_a_dict(upstream: UpstreamProvider) -> None:
    rp = OidcRelyingParty()
    provider = oidc_provider(upstream)
    url, pending = await rp.begin(provider, REDIRECT, SystemRandom(), time.time())
    restored = PendingSignIn.from_dict(pending.to_dict())
    assert (await rp.finish(provider, restored, await authorize(url), time.time())).claims["sub"] == "u-1001"
    with pytest.raises(FederationError, match="lacks state"):
        PendingSignIn.from_dict({k: v for k, v in pending.to_dict().items() if k != "state"})


async def test_a_forged_state_or_a_missing_code_is_refused(upstream: UpstreamProvider) -> None:
    rp = OidcRelyingParty()
    provider = oidc_provider(upstream)
    url, pending = await rp.begin(provider, REDIRECT, SystemRandom(), time.time())
    callback = await authorize(url)
    with pytest.raises(FederationError, match="state"):
        await rp.finish(provider, pending, {**callback, "state": "forged"}, time.time())
    with pytest.raises(FederationError, match="no authorization code"):
        await rp.finish(provider, pending, {"state": pending.state}, time.time())
    other = {**provider, "ProviderName": "Other"}
    with pytest.raises(FederationError, match="does not belong"):
        await rp.finish(other, pending, callback, time.time())


async def test_the_provider_refusing_is_access_denied(upstream: UpstreamProvider) -> None:
    upstream.refuse = True
    with pytest.raises(FederationError, match="The user said no") as caught:
        await sign_in(OidcRelyingParty(), oidc_provider(upstream))
    assert caught.value.error == "access_denied"


async def test_a_code_is_exchanged_once(upstream: UpstreamProvider) -> None:
    rp = OidcRelyingParty()
    provider = oidc_provider(upstream)
    url, pending = await rp.begin(provider, REDIRECT, SystemRandom(), time.time())
    callback = await authorize(url)
    await rp.finish(provider, pending, callback, time.time())
    with pytest.raises(FederationError, match="400: invalid_grant") as caught:
        await rp.finish(provider, pending, callback, time.time())
    assert caught.value.error == "server_error"


async def test_a_wrong_client_secret_fails_at_the_token_endpoint(upstream: UpstreamProvider) -> None:
    with pytest.raises(FederationError, match="401: invalid_client"):
        await sign_in(OidcRelyingParty(), oidc_provider(upstream, client_secret="wrong"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"aud": "someone-else"}, "not issued to this client"),
        ({"aud": ["upstream-client", "other"]}, "authorized party"),
        ({"iss": "https://evil.example.com"}, "issuer"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not valid yet"),
        ({"nonce": "replayed"}, "nonce"),
        ({"sub": None}, "no subject"),
    ],
)
async def test_id_token_claims_are_checked(
    upstream: UpstreamProvider, changes: dict[str, Any], message: str
) -> None:
    upstream.id_token_changes = changes
    with pytest.raises(FederationError, match=message):
        await sign_in(OidcRelyingParty(), oidc_provider(upstream))


async def test_clock_skew_is_tolerated(upstream: UpstreamProvider) -> None:
    upstream.id_token_changes = {"exp": int(time.time()) - 60}
    identity = await sign_in(OidcRelyingParty(), oidc_provider(upstream))
    assert identity.claims["sub"] == "u-1001"


async def test_a_forged_signature_is_refused(upstream: UpstreamProvider) -> None:
    upstream.sign_with_other_key = True
    with pytest.raises(FederationError, match="ID token is invalid"):
        await sign_in(OidcRelyingParty(), oidc_provider(upstream))


async def test_an_hs256_token_signed_with_the_client_secret_is_accepted(upstream: UpstreamProvider) -> None:
    rp = OidcRelyingParty()
    provider = oidc_provider(upstream)
    upstream_doc = await rp.endpoints(provider, time.time())
    now = int(time.time())
    claims = {"iss": upstream.issuer, "aud": upstream.client_id, "sub": "u-7", "exp": now + 60, "nonce": "n"}
    token = jwt.encode(claims, upstream.client_secret.encode(), algorithm="HS256")
    assert (await rp.check_id_token(provider, upstream_doc, token, "n", now))["sub"] == "u-7"
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(FederationError, match="'none' are not accepted"):
        await rp.check_id_token(provider, upstream_doc, unsigned, "n", now)


async def test_keys_are_cached_and_a_rotated_key_is_fetched(upstream: UpstreamProvider) -> None:
    rp = OidcRelyingParty()
    provider = oidc_provider(upstream)
    now = time.time()
    await sign_in(rp, provider, now)
    await sign_in(rp, provider, now + 1)
    assert [r["path"] for r in upstream.requests].count("/jwks") == 1
    upstream.rotate_key()
    await sign_in(rp, provider, now + 120)  # the new kid is unknown: the set is fetched again
    assert [r["path"] for r in upstream.requests].count("/jwks") == 2


async def test_userinfo_about_another_subject_is_refused(upstream: UpstreamProvider) -> None:
    upstream.userinfo = {"sub": "someone-else"}
    with pytest.raises(FederationError, match="another user"):
        await sign_in(OidcRelyingParty(), oidc_provider(upstream))


async def test_an_unreachable_provider_is_a_server_error() -> None:
    with upstream_oidc() as gone:
        provider = oidc_provider(gone)
    with pytest.raises(FederationError, match="could not be reached") as caught:
        await OidcRelyingParty().begin(provider, REDIRECT, SystemRandom(), time.time())
    assert caught.value.error == "server_error"


async def test_google_goes_to_the_configured_issuer(upstream: UpstreamProvider) -> None:
    settings = Settings(federation_endpoints=f"Google={upstream.issuer}")
    google = {
        "ProviderName": "Google",
        "ProviderType": "Google",
        "ProviderDetails": {
            "client_id": upstream.client_id,
            "client_secret": upstream.client_secret,
            "authorize_scopes": "openid email profile",
            # What CreateIdentityProvider stores for Google: replaced by the override.
            "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
            "token_url": "https://www.googleapis.com/oauth2/v4/token",
            "oidc_issuer": "https://accounts.google.com",
        },
        "AttributeMapping": {"username": "sub"},
    }
    identity = await sign_in(OidcRelyingParty(settings.federation_overrides), google)
    assert identity.provider_type == "Google" and identity.claims["sub"] == "u-1001"


async def test_facebook_is_oauth_with_a_get_token_request_and_graph_fields(
    upstream: UpstreamProvider,
) -> None:
    upstream.user = {"sub": "fb-1", "id": "1234567", "email": "fb@example.com", "name": "F B"}
    settings = Settings(
        federation_endpoints=",".join(
            f"Facebook.{key}={upstream.issuer}/{path}"
            for key, path in (
                ("authorize_url", "authorize"),
                ("token_url", "token"),
                ("attributes_url", "userinfo?fields="),
            )
        )
    )
    facebook = {
        "ProviderName": "Facebook",
        "ProviderType": "Facebook",
        "ProviderDetails": {
            "client_id": upstream.client_id,
            "client_secret": upstream.client_secret,
            "authorize_scopes": "public_profile,email",
            "token_request_method": "GET",
            "attributes_url": "https://graph.facebook.com/v17.0/me?fields=",
            "attributes_url_add_attributes": "true",
            "authorize_url": "https://www.facebook.com/v17.0/dialog/oauth",
            "token_url": "https://graph.facebook.com/v17.0/oauth/access_token",
        },
        "AttributeMapping": {"username": "id", "email": "email"},
    }
    rp = OidcRelyingParty(settings.federation_overrides)
    url, pending = await rp.begin(facebook, REDIRECT, SystemRandom(), time.time())
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert query["scope"] == "public_profile email" and "nonce" not in query
    identity = await rp.finish(facebook, pending, await authorize(url), time.time())
    assert identity.claims["id"] == "1234567" and identity.id_token is None and identity.issuer is None
    token_request = next(r for r in upstream.requests if r["path"] == "/token")
    assert token_request["method"] == "GET" and token_request["query"]["code"]
    userinfo = next(r for r in upstream.requests if r["path"] == "/userinfo")
    assert userinfo["query"]["fields"] == "id,email"


def test_federation_endpoint_settings_are_checked() -> None:
    settings = Settings(federation_endpoints="Google=http://127.0.0.1:1/, Facebook.token_url=http://h/t")
    assert settings.federation_overrides == {
        "Google": {"issuer": "http://127.0.0.1:1"},
        "Facebook": {"token_url": "http://h/t"},
    }
    for bad in ("Okta=http://h", "Google.secret=http://h", "Google"):
        with pytest.raises(ValueError, match="USERPOOLS_FEDERATION_ENDPOINTS"):
            Settings(federation_endpoints=bad).check()


def test_apple_client_secret_is_an_es256_jwt_signed_with_the_provider_key() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    details = {
        "client_id": "com.example.web",
        "team_id": "TEAM123456",
        "key_id": "KEY1234567",
        "private_key": pem,
    }
    secret = social.apple_client_secret(details, 1_700_000_000)
    assert jwt.get_unverified_header(secret)["kid"] == "KEY1234567"
    claims = jwt.decode(
        secret, key.public_key(), algorithms=["ES256"], audience=social.APPLE_AUDIENCE,
        options={"verify_exp": False},
    )  # fmt: skip
    assert claims["iss"] == "TEAM123456" and claims["sub"] == "com.example.web"
    assert claims["exp"] - claims["iat"] == social.APPLE_SECRET_LIFETIME
    with pytest.raises(FederationError, match="private key"):
        social.apple_client_secret({**details, "private_key": "not a key"}, 1_700_000_000)


def test_apple_first_callback_user_names() -> None:
    user = '{"name": {"firstName": "Ann", "lastName": "Lee"}, "email": "a@example.com"}'
    assert social.apple_user_claims(user) == {"firstName": "Ann", "lastName": "Lee", "name": "Ann Lee"}
    assert social.apple_user_claims("not json") == {}
    assert social.apple_user_claims(None) == {}
