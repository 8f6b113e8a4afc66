"""Federated sign-in on a pool domain: ``/oauth2/authorize`` to the identity provider and back.

Authorize endpoint (``identity_provider`` / ``idp_identifier``), "IdP response endpoint"
(https://docs.aws.amazon.com/cognito/latest/developerguide/oauth2-idpresponse-endpoint.html), "The IdP
SAML assertion endpoint" (saml2-idpresponse-endpoint.html) and cognito-user-pools-SAML-session-
initiation.html. ``install`` registers the starts with ``oauth2.providers``:

- OIDC and the social types: ``federation.oidc`` builds the provider's authorization URL, its
  ``redirect_uri`` the domain's ``/oauth2/idpresponse``, the pending sign-in sealed into ``state``
  (``federated_state``);
- SAML: an AuthnRequest by the HTTP-Redirect binding (signed when the provider's RequestSigningAlgorithm
  asks, ``federation.saml_signing``), the pending sign-in sealed into ``RelayState``, the ACS the
  domain's ``/saml2/idpresponse``.

The answer (``web.hosted.federated``) ``resume``s the authorize request the state names (validated
again, the state spent), gets the identity from the provider, then ``complete`` signs the user in
(``federation.users.sign_in``: the user, its attributes and triggers) and answers the authorize request
in the same transaction (a code, or implicit tokens whose PreTokenGeneration source is
TokenGeneration_HostedAuth), with a new hosted session. From the moment the state is valid, errors go to
the app's callback as ``error`` / ``error_description`` (the upstream's refusal as ``access_denied``),
as Cognito's federation errors do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from userpools.config import Settings
from userpools.domain.idp_details import SOCIAL
from userpools.domain.user import User
from userpools.errors import ServiceError
from userpools.federation import users
from userpools.federation.clients import FederationClients
from userpools.federation.errors import FederationError
from userpools.federation.oidc import PendingSignIn
from userpools.federation.saml_request import new_request_id
from userpools.federation.saml_response import CLOCK_SKEW, SamlSignIn
from userpools.federation.saml_signing import signing
from userpools.federation.upstream import UpstreamIdentity
from userpools.oauth2 import federated_state, providers
from userpools.oauth2.authorize import AuthorizeError, AuthorizeRequest, grant_new_session, validate
from userpools.oauth2.errors import (
    AccessDenied,
    InvalidRequest,
    InvalidScope,
    LoginRequired,
    OAuthError,
    PageError,
    ServerError,
    UnauthorizedClient,
    UnsupportedResponseType,
)
from userpools.oauth2.federated_state import LIFETIME, PendingFederation
from userpools.oauth2.session import HostedSession
from userpools.oauth2.sites import Site, domain_url
from userpools.operations.context import Context, Services
from userpools.store.database import Database

IDP_RESPONSE = "/oauth2/idpresponse"
SAML_RESPONSE = "/saml2/idpresponse"
EXPIRED = "The sign-in at the identity provider took longer than 5 minutes. Please sign in again."
USED = "This answer of the identity provider was already used. Please sign in again."
ASSERTION_USED = "This SAML assertion was already used. Please sign in again."


def clients(services: Services) -> FederationClients:
    if services.federation is None:
        raise ServerError("Federated sign-in is not set up on this server.")
    return services.federation


def endpoint(settings: Settings, site: Site, path: str) -> str:
    """The domain's ``/oauth2/idpresponse`` or ``/saml2/idpresponse`` as providers are told of it."""
    return domain_url(settings, site.domain, site.custom, site.region) + path


_ERRORS: dict[str, type[OAuthError]] = {
    kind.error: kind
    for kind in (
        AccessDenied,
        InvalidScope,
        LoginRequired,
        ServerError,
        UnauthorizedClient,
        UnsupportedResponseType,
    )
}


def upstream_error(exc: FederationError) -> OAuthError:
    """The OAuth error answering a federation failure: its code when known here, else invalid_request."""
    return _ERRORS.get(exc.error, InvalidRequest)(str(exc))


async def _start_oauth(
    ctx: Context, site: Site, request: AuthorizeRequest, provider: dict[str, Any]
) -> providers.Upstream:
    binding = federated_state.new_binding(ctx.random)
    pending = _pending(ctx, request, provider, binding)

    def seal(upstream: PendingSignIn) -> str:
        kept = {k: v for k, v in upstream.to_dict().items() if k != "state"}
        return federated_state.seal(ctx.services.sealer, site.domain, replace(pending, oidc=kept))

    redirect_uri = endpoint(ctx.settings, site, IDP_RESPONSE)
    if provider["ProviderType"] == "SignInWithApple":  # may answer by form_post (federation.oidc)
        pending = replace(pending, cross_site_post=True)
    try:
        url, _ = await clients(ctx.services).oidc.begin(
            provider, redirect_uri, ctx.random, ctx.now, seal=seal
        )
    except FederationError as exc:
        raise upstream_error(exc) from None
    return providers.Upstream(url, binding, cross_site_post=pending.cross_site_post)


async def _start_saml(
    ctx: Context, site: Site, request: AuthorizeRequest, provider: dict[str, Any]
) -> providers.Upstream:
    request_id = new_request_id(ctx.random)
    binding = federated_state.new_binding(ctx.random)
    pending = replace(
        _pending(ctx, request, provider, binding), saml_request_id=request_id, cross_site_post=True
    )
    key = None
    if provider["ProviderDetails"].get("RequestSigningAlgorithm"):
        key = (await signing(ctx, site.pool_id)).key
    try:
        url, _ = await clients(ctx.services).saml.begin(
            provider, pool_id=site.pool_id, acs_url=endpoint(ctx.settings, site, SAML_RESPONSE),
            relay_state=federated_state.seal(ctx.services.sealer, site.domain, pending), random=ctx.random,
            now=ctx.now, signing_key=key, request_id=request_id,
        )  # fmt: skip
    except FederationError as exc:
        raise upstream_error(exc) from None
    return providers.Upstream(url, binding, cross_site_post=True)


def _pending(
    ctx: Context, request: AuthorizeRequest, provider: dict[str, Any], binding: str
) -> PendingFederation:
    sid = federated_state.new_sid(ctx.random)
    return PendingFederation(
        sid, str(provider["ProviderName"]), request.params, ctx.now + LIFETIME,
        browser=federated_state.binding_hash(binding),
    )  # fmt: skip


async def prepare(ctx: Context, site: Site, params: dict[str, str]) -> None:
    """Fetches what starting the external sign-in ``params`` ask for needs from the network (the OIDC
    discovery document, SAML metadata from a MetadataURL) into the caches, in a read-only unit of work:
    the writing one that then starts it (``/oauth2/authorize``) waits on no provider. An unreachable
    provider is answered here (the callback with ``server_error``)."""
    request = await validate(ctx, site, params)
    if request.provider is None or request.provider == providers.COGNITO:
        return
    provider = await ctx.uow.identity_providers.get(site.pool_id, request.provider)
    if provider is None:
        return  # the start answers it
    federation = clients(ctx.services)
    try:
        if provider["ProviderType"] == "SAML":
            await federation.saml.metadata_source.of(provider, ctx.now)
        else:
            await federation.oidc.endpoints(provider, ctx.now)
    except FederationError as exc:
        raise AuthorizeError(request.callback, upstream_error(exc)) from None


def install() -> None:
    """Registers the starts of every external provider type (``oauth2.providers``)."""
    for kind in ("OIDC", *SOCIAL):
        providers.register(kind, _start_oauth)
    providers.register("SAML", _start_saml)


@dataclass(frozen=True)
class Resumed:
    """The authorize request a provider's answer continues, and the provider."""

    request: AuthorizeRequest
    provider: dict[str, Any]

    def fail(self, error: OAuthError) -> AuthorizeError:
        return AuthorizeError(self.request.callback, error)


async def resume(ctx: Context, site: Site, pending: PendingFederation) -> Resumed:
    """The request ``pending`` names, validated again; the pending sign-in is spent (single use)."""
    resumed = await _chosen(ctx, site, pending.params)
    if resumed.provider["ProviderName"] != pending.provider:
        raise resumed.fail(InvalidRequest("The identity provider of this answer is not the one chosen."))
    if pending.expires <= ctx.now:
        raise resumed.fail(InvalidRequest(EXPIRED))
    if not await ctx.uow.auth.use_once(pending.sid, pending.expires):
        raise resumed.fail(InvalidRequest(USED))
    return resumed


async def unsolicited(ctx: Context, site: Site, params: dict[str, str]) -> Resumed:
    """An IdP-initiated SAML sign-in: the authorize parameters of its RelayState, naming a SAML provider."""
    resumed = await _chosen(ctx, site, params)
    if resumed.provider["ProviderType"] != "SAML":
        raise resumed.fail(InvalidRequest("The RelayState must name a SAML identity provider."))
    return resumed


async def _chosen(ctx: Context, site: Site, params: dict[str, str]) -> Resumed:
    request = await validate(ctx, site, params)
    name = request.provider
    if name is None or name == providers.COGNITO:
        error = InvalidRequest("The request names no external identity provider (identity_provider).")
        raise AuthorizeError(request.callback, error)
    provider = await ctx.uow.identity_providers.get(site.pool_id, name)
    if provider is None:
        raise AuthorizeError(
            request.callback, InvalidRequest(f"The identity provider {name} does not exist.")
        )
    return Resumed(request, provider)


async def oauth_identity(
    services: Services, resumed: Resumed, pending: PendingFederation, answer: Mapping[str, str]
) -> UpstreamIdentity:
    """The user an OIDC or social provider's answer (``/oauth2/idpresponse``) describes."""
    upstream = PendingSignIn.from_dict({**(pending.oidc or {}), "state": answer.get("state", "")})
    try:
        return await clients(services).oidc.finish(resumed.provider, upstream, answer, services.clock.now())
    except FederationError as exc:
        raise resumed.fail(upstream_error(exc)) from None


async def saml_identity(
    services: Services, site: Site, resumed: Resumed, saml_response: str, request_id: str | None
) -> SamlSignIn:
    """The checked SAML response posted to ``/saml2/idpresponse`` (``request_id`` None: IdP-initiated)."""
    try:
        return await clients(services).saml.finish(
            resumed.provider, saml_response, pool_id=site.pool_id,
            acs_url=endpoint(services.settings, site, SAML_RESPONSE), request_id=request_id,
            now=services.clock.now(),
        )  # fmt: skip
    except FederationError as exc:
        raise resumed.fail(upstream_error(exc)) from None


async def remember_assertion(ctx: Context, site: Site, resumed: Resumed, signed: SamlSignIn) -> None:
    """Records a SAML assertion's ID until it expires: presenting it again is refused."""
    issuer = signed.identity.issuer or ""
    marker = federated_state.assertion_marker(site.pool_id, issuer, signed.assertion_id)
    if not await ctx.uow.auth.use_once(marker, max(signed.expires, ctx.now) + CLOCK_SKEW):
        raise resumed.fail(InvalidRequest(ASSERTION_USED))


@dataclass(frozen=True)
class Completed:
    location: str  # the app's callback with a code or tokens
    session: HostedSession


async def complete(
    services: Services, database: Database, site: Site, resumed: Resumed, identity: UpstreamIdentity
) -> Completed:
    """Signs in the user ``identity`` is, answers the authorize request and starts the hosted session."""
    now = services.clock.now()
    started: list[HostedSession] = []  # the session of the transaction that committed (the last one)

    async def answer(ctx: Context, user: User) -> str:
        location, session = await grant_new_session(ctx, site, resumed.request, user, now)
        started[:] = [session]
        return location

    try:
        done = await users.sign_in(
            services, database, identity, pool_id=site.pool_id, region=site.region,
            client_id=str(resumed.request.client["ClientId"]), then=answer,
        )  # fmt: skip
    except FederationError as exc:
        raise resumed.fail(upstream_error(exc)) from None
    except (AuthorizeError, PageError, OAuthError):
        raise
    except ServiceError as exc:  # a Lambda trigger's refusal, a disabled user, a missing attribute ...
        raise resumed.fail(
            ServerError(exc.message) if exc.status >= 500 else InvalidRequest(exc.message)
        ) from None
    assert done.answer is not None and started
    return Completed(done.answer, started[0])
