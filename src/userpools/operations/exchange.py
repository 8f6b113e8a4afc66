"""Machine and exchanged tokens through the API: GetClientToken and GetDerivedToken.

API_GetClientToken: the client_credentials grant of ``/oauth2/token`` as an API operation, for an app
client with a secret whose only ExplicitAuthFlows value is ALLOW_CLIENT_TOKEN_AUTH; the token is the
grant's (``oauth2.machine``). API_GetDerivedToken: RFC 8693 token exchange (``auth.exchange``), for a
client with ALLOW_TOKEN_EXCHANGE_IMPERSONATION (no ActorToken) or ALLOW_TOKEN_EXCHANGE_DELEGATION
(with one); OperationNotEnabledException otherwise.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import exchange
from userpools.domain.client_config import CLIENT_TOKEN_FLOW
from userpools.errors import InvalidParameterException, NotAuthorizedException, OperationNotEnabledException
from userpools.oauth2.errors import InvalidScope
from userpools.oauth2.machine import machine_token
from userpools.oauth2.scopes import machine_scopes
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.tokens import check_client_secret, find_client

IMPERSONATION = "ALLOW_TOKEN_EXCHANGE_IMPERSONATION"
DELEGATION = "ALLOW_TOKEN_EXCHANGE_DELEGATION"


@operation("GetClientToken", write=True)
async def get_client_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """An M2M access token for the app client itself (custom scopes of the pool's resource servers)."""
    client = await find_client(ctx, req["ClientId"])
    if not await ctx.uow.clients.secrets_of(client["ClientId"]):
        raise NotAuthorizedException(f"Client {client['ClientId']} has no secret.")
    await check_client_secret(ctx, client, req["Secret"])
    if CLIENT_TOKEN_FLOW not in (client.get("ExplicitAuthFlows") or []):
        raise InvalidParameterException(f"{CLIENT_TOKEN_FLOW} flow not enabled for this client")
    pool = await load_pool(ctx, client["UserPoolId"])
    try:
        granted = await machine_scopes(ctx, client, " ".join(req.get("Scopes") or []))
    except InvalidScope as exc:
        raise InvalidParameterException(exc.message) from None
    token, validity = await machine_token(ctx, pool, client, granted, req.get("ClientMetadata"))
    return {
        "ClientAuthenticationResult": {"AccessToken": token, "ExpiresIn": validity, "TokenType": "Bearer"}
    }


def _check_request(req: dict[str, Any]) -> None:
    if req.get("SubjectTokenProviderName") or req.get("ActorTokenProviderName"):
        raise InvalidParameterException("Only tokens issued by this user pool can be exchanged here.")
    if bool(req.get("ActorToken")) != bool(req.get("ActorTokenType")):
        raise InvalidParameterException("ActorToken and ActorTokenType must be given together.")
    if req.get("Audiences") and req.get("Resources"):
        raise InvalidParameterException("You can't request both Audiences and Resources.")


@operation("GetDerivedToken", write=True)
async def get_derived_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """RFC 8693 token exchange: a scoped, audience-bound token for the subject (``act`` with an actor)."""
    _check_request(req)
    client = await find_client(ctx, req["ClientId"])
    await check_client_secret(ctx, client, req.get("ClientSecret"))
    flow = DELEGATION if req.get("ActorToken") else IMPERSONATION
    if flow not in (client.get("ExplicitAuthFlows") or []):
        raise OperationNotEnabledException(f"{flow} is not enabled for this app client.")
    pool = await load_pool(ctx, client["UserPoolId"])
    subject = await exchange.presented_token(
        ctx, pool["Id"], req["SubjectToken"], req["SubjectTokenType"], "subject", user_required=True
    )
    actor = None
    if req.get("ActorToken"):
        actor = await exchange.presented_token(
            ctx, pool["Id"], req["ActorToken"], req["ActorTokenType"], "actor", user_required=False
        )
    audience = (req.get("Audiences") or [None])[0]
    for resource in req.get("Resources") or []:
        if await ctx.uow.resource_servers.get(pool["Id"], resource) is None:
            raise InvalidParameterException(f"Resource server {resource} does not exist in this user pool.")
        audience = resource
    return await exchange.derived_token(
        ctx,
        pool,
        client,
        subject,
        requested_type=req.get("RequestedTokenType") or "ACCESS_TOKEN",
        scopes=exchange.granted_scopes(subject, client, req.get("Scopes")),
        audience=audience,
        actor=actor,
    )
