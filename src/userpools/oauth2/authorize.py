"""``GET /oauth2/authorize``: validating the request, then a code, tokens, or the sign-in page.

https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html, RFC 6749 §4.1-4.2,
RFC 7636, OpenID Connect Core §3.1.2. Order of checks, so that nothing ever redirects to a URL the
client did not register (no open redirect):

1. ``client_id`` names an app client of the domain's pool and ``redirect_uri`` is exactly one of its
   CallbackURLs; otherwise ``PageError`` (an error page).
2. Everything else fails by redirecting to the callback with ``error`` (+ ``error_description``,
   ``state``): the client must allow OAuth (AllowedOAuthFlowsUserPoolClient) and the flow
   (``code`` / ``implicit``); ``scope`` within AllowedOAuthScopes (as Cognito answers it:
   ``error=invalid_request&error_description=invalid_scope``); PKCE ``code_challenge_method`` S256 or
   plain; ``prompt`` none / login / select_account / consent; ``identity_provider`` / ``idp_identifier``
   among the client's SupportedIdentityProviders (``oauth2.providers``).

Then: an external provider → its sign-in URL; ``prompt=login`` (or select_account), or no hosted session
→ the ``/login`` page with the same parameters (``prompt=none`` → ``error=login_required`` instead); a
session → ``grant``: a code (query) or, for ``response_type=token``, ID and access tokens in the fragment.
A ``client_id`` that is an https URL names a client by its metadata document (``oauth2.cimd``): it must
use PKCE with S256. Known difference: ``prompt`` is honoured for every domain (Cognito: managed login
only); ``consent`` is accepted and shows nothing (there is no consent page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from userpools.auth import user_sessions
from userpools.auth.tokens import issue_tokens
from userpools.domain.user import CONFIRMED, EXTERNAL_PROVIDER, User
from userpools.errors import ServiceError
from userpools.oauth2 import cimd, pkce, providers, scopes
from userpools.oauth2.codes import HOSTED_SOURCE, issue_code
from userpools.oauth2.errors import (
    InvalidRequest,
    InvalidScope,
    LoginRequired,
    OAuthError,
    PageError,
    UnauthorizedClient,
    UnsupportedResponseType,
)
from userpools.oauth2.session import VALIDITY_SECONDS, HostedSession
from userpools.oauth2.sites import Site
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.store.oauth_codes import StoredCode

FLOWS = {"code": "code", "token": "implicit"}
PROMPTS = frozenset({"none", "login", "select_account", "consent"})


@dataclass(frozen=True)
class Callback:
    """Where answers go: the registered redirect_uri, the ``state`` to echo, in the query or the fragment."""

    redirect_uri: str
    state: str | None
    fragment: bool = False

    def url(self, values: Mapping[str, str | None]) -> str:
        pairs = [(k, v) for k, v in values.items() if v is not None]
        if self.state is not None:
            pairs.append(("state", self.state))
        parts = urlsplit(self.redirect_uri)
        if self.fragment:
            return urlunsplit(parts._replace(fragment=urlencode(pairs)))
        query = "&".join(filter(None, (parts.query, urlencode(pairs))))
        return urlunsplit(parts._replace(query=query))


class AuthorizeError(ServiceError):
    """An OAuth error to redirect to a validated callback."""

    def __init__(self, callback: Callback, error: OAuthError) -> None:
        super().__init__(error.message)
        self.callback = callback
        self.error = error

    @property
    def location(self) -> str:
        return self.callback.url(self.error.json())


@dataclass(frozen=True)
class AuthorizeRequest:
    """A validated authorize request (``params``: the parameters as received, passed on to /login)."""

    client: dict[str, Any]
    response_type: str
    callback: Callback
    scopes: list[str]
    nonce: str | None
    code_challenge: str | None
    challenge_method: str | None
    prompt: frozenset[str]
    login_hint: str | None
    provider: str | None  # the chosen identity provider's name; None: not chosen
    params: dict[str, str]


@dataclass(frozen=True)
class Decision:
    """What the browser gets: a redirect (to the callback or an external provider), or the sign-in page."""

    location: str | None = None
    login: bool = False
    upstream: providers.Upstream | None = None  # a federated start: the browser-binding cookie to set


async def pool_client(ctx: Context, site: Site, client_id: str) -> dict[str, Any]:
    """The app client ``client_id`` of the domain's pool (or the client a CIMD URL stands for); PageError
    when there is none."""
    if cimd.is_metadata_url(client_id):
        try:
            return await cimd.resolve(ctx, site.pool_id, client_id)
        except cimd.MetadataError as exc:
            raise PageError("invalid_client", str(exc)) from None
    client = await ctx.uow.clients.find(client_id) if client_id else None
    if client is None or client["UserPoolId"] != site.pool_id:
        raise PageError("invalid_client", "The app client does not exist in this user pool (client_id).")
    return client


async def client_and_callback(
    ctx: Context, site: Site, params: Mapping[str, str]
) -> tuple[dict[str, Any], str]:
    """The app client and registered redirect_uri of a request; PageError when either is wrong."""
    client = await pool_client(ctx, site, params.get("client_id") or "")
    redirect_uri = params.get("redirect_uri") or ""
    if redirect_uri not in (client.get("CallbackURLs") or []):
        raise PageError("redirect_mismatch", "The redirect_uri is not a callback URL of this app client.")
    return client, redirect_uri


async def validate(ctx: Context, site: Site, params: Mapping[str, str]) -> AuthorizeRequest:
    """The request's meaning, or PageError / AuthorizeError (see the module docstring)."""
    client, redirect_uri = await client_and_callback(ctx, site, params)
    response_type = params.get("response_type") or ""
    callback = Callback(redirect_uri, params.get("state"), fragment=response_type == "token")
    try:
        return await _checked(ctx, client, response_type, callback, params)
    except InvalidScope:  # Cognito's answer to a scope it can't grant
        raise AuthorizeError(callback, InvalidRequest("invalid_scope")) from None
    except OAuthError as exc:
        raise AuthorizeError(callback, exc) from None


async def _checked(
    ctx: Context, client: dict[str, Any], response_type: str, callback: Callback, params: Mapping[str, str]
) -> AuthorizeRequest:
    if not response_type:
        raise InvalidRequest("response_type is required.")
    if response_type not in FLOWS:
        raise UnsupportedResponseType("response_type must be code or token.")
    if not client.get("AllowedOAuthFlowsUserPoolClient"):
        raise UnauthorizedClient("This app client is not enabled for OAuth 2.0 flows.")
    if FLOWS[response_type] not in (client.get("AllowedOAuthFlows") or []):
        raise UnauthorizedClient(f"The {FLOWS[response_type]} flow is not allowed for this app client.")
    prompt = frozenset((params.get("prompt") or "").split())
    if prompt - PROMPTS or ("none" in prompt and len(prompt) > 1):
        raise InvalidRequest("prompt must be none, or any of login, select_account and consent.")
    challenge, method = _pkce(params) if response_type == "code" else (None, None)
    if "CIMDClientId" in client and response_type == "code" and method != "S256":
        raise InvalidRequest("A client identified by a metadata document must use PKCE with S256.")
    return AuthorizeRequest(
        client=client,
        response_type=response_type,
        callback=callback,
        scopes=await scopes.user_scopes(ctx, client, params.get("scope")),
        nonce=params.get("nonce") or None,
        code_challenge=challenge,
        challenge_method=method,
        prompt=prompt,
        login_hint=params.get("login_hint") or None,
        provider=await providers.chosen(
            ctx, client, params.get("identity_provider"), params.get("idp_identifier")
        ),
        params=dict(params),
    )


def _pkce(params: Mapping[str, str]) -> tuple[str | None, str | None]:
    challenge, method = params.get("code_challenge"), params.get("code_challenge_method")
    if not challenge:
        if method:
            raise InvalidRequest("code_challenge_method was sent without a code_challenge.")
        return None, None
    method = method or "plain"  # RFC 7636 §4.3
    if method not in pkce.METHODS:
        raise InvalidRequest("code_challenge_method must be S256 or plain.")
    if not pkce.valid_value(challenge):
        raise InvalidRequest("code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.")
    return challenge, method


async def session_user(
    ctx: Context, site: Site, session: HostedSession | None, client_id: str
) -> User | None:
    """The user of a live hosted session, when that user may still sign in (and, for a tracked session,
    its record is live and ``client_id`` may still reuse it: ``auth.user_sessions.sso_reusable``)."""
    if session is None or session.pool_id != site.pool_id:
        return None
    if session.session_id is not None:
        pool = await load_pool(ctx, site.pool_id)
        if not await user_sessions.sso_reusable(ctx, pool, session.session_id, client_id, session.auth_time):
            return None
    user = await ctx.uow.users.by_id(session.user_id)
    if user is None or user.sub != session.sub or user.pool_id != site.pool_id or not user.enabled:
        return None
    return user if user.status in (CONFIRMED, EXTERNAL_PROVIDER) else None


async def decide(
    ctx: Context, site: Site, request: AuthorizeRequest, session: HostedSession | None
) -> Decision:
    """The answer to a validated request (see the module docstring)."""
    if request.provider not in (None, providers.COGNITO):
        try:
            upstream = await providers.start_upstream(ctx, site, request, request.provider)
            return Decision(location=upstream.location, upstream=upstream)
        except OAuthError as exc:
            raise AuthorizeError(request.callback, exc) from None
    if request.prompt & {"login", "select_account"}:
        return Decision(login=True)
    user = await session_user(ctx, site, session, str(request.client["ClientId"]))
    if user is None:
        if "none" in request.prompt:
            raise AuthorizeError(request.callback, LoginRequired("The user is not signed in."))
        return Decision(login=True)
    assert session is not None
    return Decision(location=await grant(ctx, site, request, user, session.auth_time, session.session_id))


async def grant(
    ctx: Context,
    site: Site,
    request: AuthorizeRequest,
    user: User,
    auth_time: float,
    sso_session_id: str | None = None,
) -> str:
    """The callback URL with an authorization code, or with the tokens of the implicit grant.

    ``sso_session_id``: the tracked hosted session the grant comes from (recorded with the code, so the
    token session it becomes is linked to it)."""
    client = request.client
    if request.response_type == "code":
        record = StoredCode(
            pool_id=site.pool_id, client_id=client["ClientId"], user_id=user.id,
            redirect_uri=request.callback.redirect_uri, scopes=request.scopes, nonce=request.nonce,
            code_challenge=request.code_challenge, challenge_method=request.challenge_method,
            auth_time=auth_time, expires=0.0, sso_session_id=sso_session_id,
        )  # fmt: skip
        return request.callback.url({"code": await issue_code(ctx, record)})
    pool = await load_pool(ctx, site.pool_id)
    result = await issue_tokens(
        ctx, pool, client, user, source=HOSTED_SOURCE, auth_time=auth_time, scopes=request.scopes,
        with_refresh=False, nonce=request.nonce,
    )  # fmt: skip
    return request.callback.url(
        {
            "id_token": result.get("IdToken"),
            "access_token": result["AccessToken"],
            "token_type": "Bearer",
            "expires_in": str(result["ExpiresIn"]),
        }
    )


async def grant_new_session(
    ctx: Context,
    site: Site,
    request: AuthorizeRequest,
    user: User,
    now: float,
    pool: dict[str, Any] | None = None,
) -> tuple[str, HostedSession]:
    """A fresh sign-in on the hosted pages: the authorize answer and the hosted session it starts, with
    its SSO session record when the pool tracks sessions (``auth.user_sessions``). ``pool``: the pool's
    document when the caller has it already (no second read)."""
    expires = now + VALIDITY_SECONDS
    pool = pool or await load_pool(ctx, site.pool_id)
    client_id = str(request.client["ClientId"])
    session_id = await user_sessions.start_sso_session(ctx, pool, client_id, user.id, expires)
    location = await grant(ctx, site, request, user, now, session_id)
    return location, HostedSession(site.pool_id, user.id, user.sub, now, expires, session_id)
