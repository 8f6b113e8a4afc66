"""The upstream relying party: authorization-code sign-in at an OIDC or social identity provider.

Implements the flow of cognito-user-pools-oidc-flow.html with OpenID Connect Core 1.0 §3.1: ``begin``
builds the provider's authorization URL (``state``, ``nonce``, PKCE S256, the provider's
``authorize_scopes``, ``redirect_uri`` = the pool domain's ``/oauth2/idpresponse``); ``finish`` takes the
callback's parameters, exchanges the code at the token endpoint (client_secret_post, as Cognito does),
checks the ID token (signature against the provider's JWKS, RS/PS/ES and, with the client secret,
HS algorithms; ``iss``, ``aud``/``azp``, ``exp``/``nbf``/``iat`` with clock skew, ``nonce``) and reads
``attributes_url`` (userinfo) when there is one. The result is the provider's claims; mapping them onto
a user is ``federation.users``.

Facebook and Login with Amazon are plain OAuth 2.0 (no ID token: the claims are the profile the
attributes URL answers); Google and Sign in with Apple are OIDC with fixed endpoints (``endpoints``).
Differences: Cognito reads Google's People API, this reads Google's OpenID userinfo (same profile, flat
claims); discovery documents may use http on loopback (Cognito requires https everywhere).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any
from urllib.parse import urlencode

import jwt

from userpools.federation import social
from userpools.federation.endpoints import Discovery, Upstream, resolve
from userpools.federation.errors import FederationError
from userpools.federation.http import ClientFactory, JwksCache, default_client, request_json
from userpools.federation.upstream import UpstreamIdentity
from userpools.ports import Random

CLOCK_SKEW = 300.0
# Errors a provider's callback may carry (RFC 6749 §4.1.2.1, OpenID Connect Core §3.1.2.6): kept in the
# FederationError (Cognito passes a provider's error on to the app); any other code becomes access_denied.
PROVIDER_ERRORS = frozenset({
    "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type", "invalid_scope",
    "server_error", "temporarily_unavailable", "interaction_required", "login_required",
    "account_selection_required", "consent_required",
})  # fmt: skip  # seconds of clock difference accepted on exp / nbf / iat
_ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
_SYMMETRIC = ("HS256", "HS384", "HS512")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PendingSignIn:
    """What the authorize step must keep (sealed, e.g. in the hosted UI's state) until the callback."""

    provider_name: str
    state: str
    nonce: str
    code_verifier: str
    redirect_uri: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PendingSignIn:
        try:
            return cls(**{k: str(data[k]) for k in cls.__dataclass_fields__})
        except KeyError as exc:
            raise FederationError(f"The sign-in state lacks {exc.args[0]}") from None


class OidcRelyingParty:
    """One per server: it caches discovery documents and provider keys across sign-ins."""

    def __init__(
        self,
        overrides: dict[str, dict[str, str]] | None = None,
        factory: ClientFactory = default_client,
    ) -> None:
        self.overrides = overrides or {}
        self.factory = factory
        self.discovery = Discovery(factory)
        self.jwks = JwksCache(factory)

    async def endpoints(self, provider: dict[str, Any], now: float) -> Upstream:
        return await resolve(provider, self.overrides, self.discovery, now)

    async def begin(
        self,
        provider: dict[str, Any],
        redirect_uri: str,
        random: Random,
        now: float,
        *,
        seal: Callable[[PendingSignIn], str] | None = None,
    ) -> tuple[str, PendingSignIn]:
        """The provider's authorization URL to redirect the browser to, and what to keep for ``finish``.

        ``seal``: makes the ``state`` sent upstream out of the pending sign-in (the hosted UI seals it
        there, so the callback needs no server-side storage); by default ``state`` is random.
        """
        upstream = await self.endpoints(provider, now)
        details = provider["ProviderDetails"]
        pending = PendingSignIn(
            provider_name=str(provider["ProviderName"]),
            state=_b64(random.token_bytes(24)),
            nonce=_b64(random.token_bytes(24)),
            code_verifier=_b64(random.token_bytes(48)),
            redirect_uri=redirect_uri,
        )
        if seal is not None:
            pending = replace(pending, state=seal(pending))
        challenge = _b64(hashlib.sha256(pending.code_verifier.encode("ascii")).digest())
        scopes = " ".join(str(details.get("authorize_scopes", "")).replace(",", " ").split())
        params = {
            "response_type": "code",
            "client_id": details["client_id"],
            "redirect_uri": redirect_uri,
            "scope": scopes,
            "state": pending.state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        if upstream.issuers:
            params["nonce"] = pending.nonce
        if upstream.kind == "SignInWithApple" and set(scopes.split()) & {"name", "email"}:
            params["response_mode"] = "form_post"  # Apple requires it when asking for name or email
        separator = "&" if "?" in upstream.authorize_url else "?"
        return f"{upstream.authorize_url}{separator}{urlencode(params)}", pending

    async def finish(
        self,
        provider: dict[str, Any],
        pending: PendingSignIn,
        callback: Mapping[str, str],
        now: float,
    ) -> UpstreamIdentity:
        """Completes the sign-in from the callback's parameters (query or form): the provider's claims."""
        if callback.get("error"):
            error = callback["error"]
            description = callback.get("error_description") or error
            raise FederationError(
                f"The identity provider {provider['ProviderName']} refused the sign-in ({error}): "
                f"{description}",
                error if error in PROVIDER_ERRORS else "access_denied",
            )
        if pending.provider_name != provider["ProviderName"]:
            raise FederationError("The callback does not belong to this identity provider")
        state = callback.get("state", "")
        if not hmac.compare_digest(state.encode(), pending.state.encode()):
            raise FederationError("The state of the identity provider's callback does not match")
        code = callback.get("code")
        if not code:
            raise FederationError("The identity provider's callback has no authorization code")
        upstream = await self.endpoints(provider, now)
        tokens = await self._exchange(upstream, provider["ProviderDetails"], code, pending, now)
        claims: dict[str, Any] = {}
        # Only providers that sign in with OpenID Connect get their ID token checked (and reported).
        id_token = (
            tokens.get("id_token") if isinstance(tokens.get("id_token"), str) and upstream.issuers else None
        )
        issuer = None
        if upstream.issuers:
            if id_token is None:
                raise FederationError("The identity provider's token response has no id_token")
            claims = await self.check_id_token(provider, upstream, id_token, pending.nonce, now)
            issuer = str(claims["iss"])
        if upstream.attributes_url:
            claims = await self._attributes(provider, upstream, tokens, claims)
        if upstream.kind == "SignInWithApple":
            claims.update(social.apple_user_claims(callback.get("user")))
        return UpstreamIdentity(
            provider_name=str(provider["ProviderName"]),
            provider_type=upstream.kind,
            issuer=issuer,
            claims=claims,
            id_token=id_token,
            token_response=tokens,
        )

    async def _exchange(
        self, upstream: Upstream, details: Mapping[str, str], code: str, pending: PendingSignIn, now: float
    ) -> dict[str, Any]:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending.redirect_uri,
            "client_id": details["client_id"],
            "code_verifier": pending.code_verifier,
        }
        if upstream.kind == "SignInWithApple":
            form["client_secret"] = social.apple_client_secret(details, now)
        elif details.get("client_secret"):
            form["client_secret"] = details["client_secret"]
        if upstream.token_method == "GET":  # Facebook's token endpoint takes a query string
            body = await request_json(self.factory, "GET", upstream.token_url, params=form)
        else:
            body = await request_json(
                self.factory, "POST", upstream.token_url, data=form, headers={"Accept": "application/json"}
            )
        if not isinstance(body.get("access_token"), str) and not isinstance(body.get("id_token"), str):
            raise FederationError("The identity provider's token response has no token")
        return body

    async def check_id_token(
        self, provider: dict[str, Any], upstream: Upstream, token: str, nonce: str | None, now: float
    ) -> dict[str, Any]:
        """The claims of ``token`` once its signature, issuer, audience, times and nonce check out."""
        details = provider["ProviderDetails"]
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise FederationError("The identity provider's ID token is not a JWT") from None
        alg = header.get("alg")
        key: Any
        if alg in _SYMMETRIC and details.get("client_secret"):
            key = str(details["client_secret"]).encode()
        elif alg in _ASYMMETRIC and upstream.jwks_uri:
            jwk = await self.jwks.key(upstream.jwks_uri, header.get("kid"), now)
            try:
                key = jwt.PyJWK(jwk, algorithm=alg).key
            except jwt.PyJWTError as exc:
                raise FederationError(f"The identity provider's key is unusable: {exc}") from None
        else:
            raise FederationError(f"ID tokens signed with {alg!r} are not accepted")
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], options={"verify_signature": True, "verify_exp": False,
                "verify_nbf": False, "verify_iat": False, "verify_aud": False, "verify_iss": False},
            )  # fmt: skip
        except jwt.PyJWTError as exc:
            raise FederationError(f"The identity provider's ID token is invalid: {exc}") from None
        _check_claims(claims, upstream, str(details["client_id"]), nonce, now)
        return claims

    async def _attributes(
        self, provider: dict[str, Any], upstream: Upstream, tokens: dict[str, Any], claims: dict[str, Any]
    ) -> dict[str, Any]:
        access_token = tokens.get("access_token")
        if not isinstance(access_token, str):
            return claims
        assert upstream.attributes_url is not None
        url = upstream.attributes_url
        headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        if upstream.add_attributes:
            wanted = [v for k, v in provider["AttributeMapping"].items()]
            url = social.facebook_fields(url, wanted)
        if upstream.attributes_method == "POST":
            answer = await request_json(self.factory, "POST", url, data={}, headers=headers)
        else:
            answer = await request_json(self.factory, "GET", url, headers=headers)
        if claims and "sub" in answer and str(answer["sub"]) != str(claims.get("sub")):
            raise FederationError("The identity provider's userinfo is about another user than its ID token")
        return {**claims, **answer}


def _check_claims(
    claims: dict[str, Any], upstream: Upstream, client_id: str, nonce: str | None, now: float
) -> None:
    if claims.get("iss") not in upstream.issuers:
        raise FederationError(f"The ID token's issuer {claims.get('iss')!r} is not the provider's")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise FederationError("The ID token was not issued to this client (aud)")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise FederationError("The ID token's authorized party (azp) is not this client")
    exp, nbf, iat = claims.get("exp"), claims.get("nbf"), claims.get("iat")
    if not isinstance(exp, int | float) or now > exp + CLOCK_SKEW:
        raise FederationError("The ID token has expired")
    if isinstance(nbf, int | float) and now + CLOCK_SKEW < nbf:
        raise FederationError("The ID token is not valid yet (nbf)")
    if isinstance(iat, int | float) and now + CLOCK_SKEW < iat:
        raise FederationError("The ID token was issued in the future (iat)")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise FederationError("The ID token has no subject (sub)")
    if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")).encode(), nonce.encode()):
        raise FederationError("The ID token's nonce does not match the sign-in's")
