"""``POST /oauth2/token``: the authorization_code, refresh_token and client_credentials grants.

https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html, RFC 6749 §4.1.3, §5, §6.
The client authenticates first (``oauth2.client_auth``). Answers are RFC 6749 §5.1 JSON
(``access_token``, ``id_token`` when ``openid`` was granted, ``refresh_token``, ``expires_in``,
``token_type`` Bearer); errors are §5.2 JSON (``oauth2.errors``). The tokens are the API's
(``auth.tokens``): PreTokenGeneration sees TokenGeneration_HostedAuth for codes and
TokenGeneration_RefreshTokens for refreshes. A refresh returns a new refresh token only under
RefreshTokenRotation, as GetTokensFromRefreshToken does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from userpools.auth.gate import allowed_flows
from userpools.auth.refresh import refresh
from userpools.errors import NotAuthorizedException, RefreshTokenReuseException
from userpools.oauth2 import codes
from userpools.oauth2.client_auth import AuthenticatedClient, BasicCredentials, authenticate
from userpools.oauth2.errors import InvalidGrant, InvalidRequest, UnauthorizedClient, UnsupportedGrantType
from userpools.oauth2.machine import client_credentials
from userpools.oauth2.sites import Site
from userpools.operations.context import Context
from userpools.operations.pools import load_pool

Grant = Callable[[Context, dict[str, Any], AuthenticatedClient, Mapping[str, str]], Awaitable[dict[str, Any]]]


def token_response(result: dict[str, Any]) -> dict[str, Any]:
    """RFC 6749 §5.1 JSON from an AuthenticationResult."""
    out: dict[str, Any] = {}
    for wire, name in (
        ("IdToken", "id_token"),
        ("AccessToken", "access_token"),
        ("RefreshToken", "refresh_token"),
    ):
        if wire in result:
            out[name] = result[wire]
    out.update(expires_in=result["ExpiresIn"], token_type="Bearer")
    return out


async def _authorization_code(
    ctx: Context, pool: dict[str, Any], who: AuthenticatedClient, form: Mapping[str, str]
) -> dict[str, Any]:
    client = who.client
    if not client.get("AllowedOAuthFlowsUserPoolClient") or "code" not in (
        client.get("AllowedOAuthFlows") or []
    ):
        raise UnauthorizedClient("This app client may not use the authorization code grant.")
    result = await codes.redeem(
        ctx, pool, client, form.get("code") or "", form.get("redirect_uri"), form.get("code_verifier")
    )
    return token_response(result)


async def _refresh_token(
    ctx: Context, pool: dict[str, Any], who: AuthenticatedClient, form: Mapping[str, str]
) -> dict[str, Any]:
    token = form.get("refresh_token")
    if not token:
        raise InvalidRequest("refresh_token is required.")
    if "ALLOW_REFRESH_TOKEN_AUTH" not in allowed_flows(who.client):
        raise UnauthorizedClient("This app client may not refresh tokens (ALLOW_REFRESH_TOKEN_AUTH).")
    try:
        return token_response(await refresh(ctx, pool, who.client, token))
    except (NotAuthorizedException, RefreshTokenReuseException) as exc:
        raise InvalidGrant(exc.message) from None


async def _client_credentials(
    ctx: Context, pool: dict[str, Any], who: AuthenticatedClient, form: Mapping[str, str]
) -> dict[str, Any]:
    return await client_credentials(ctx, pool, who, form.get("scope"))


GRANTS: dict[str, Grant] = {
    "authorization_code": _authorization_code,
    "refresh_token": _refresh_token,
    "client_credentials": _client_credentials,
}


async def token(
    ctx: Context, site: Site, form: Mapping[str, str], basic: BasicCredentials | None
) -> dict[str, Any]:
    """The token endpoint's JSON answer (raises an ``OAuthError`` subclass when it refuses)."""
    grant_type = form.get("grant_type")
    if not grant_type:
        raise InvalidRequest("grant_type is required.")
    grant = GRANTS.get(grant_type)
    if grant is None:
        raise UnsupportedGrantType(f"grant_type {grant_type} is not supported.")
    who = await authenticate(ctx, site, form, basic)
    return await grant(ctx, await load_pool(ctx, site.pool_id), who, form)
