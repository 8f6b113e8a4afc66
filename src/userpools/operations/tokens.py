"""Token operations: GetTokensFromRefreshToken, RevokeToken, GlobalSignOut, AdminUserGlobalSignOut.

API reference pages of the same names
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/). The token logic is in
``auth.tokens`` / ``auth.refresh`` / ``auth.access``.

Known differences: RevokeToken answers success for a refresh token it does not know or that was issued
to another client (nothing is revoked; RFC 7009 behaviour, no oracle on token validity);
ClientMetadata is accepted but no trigger runs yet.
"""

from __future__ import annotations

import hmac
from typing import Any

from userpools.auth import client_secrets
from userpools.auth.access import authenticate
from userpools.auth.refresh import refresh, revoke_refresh_token, sign_out_everywhere
from userpools.auth.tokens import revocation_enabled
from userpools.crypto import jwt
from userpools.domain.client_config import LEGACY_FLOWS
from userpools.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    UnsupportedOperationException,
    UnsupportedTokenTypeException,
)
from userpools.operations.clients import client_not_found
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import load_user


async def find_client(ctx: Context, client_id: str) -> dict[str, Any]:
    client = await ctx.uow.clients.find(client_id)
    if client is None:
        raise client_not_found(client_id)
    return client


async def check_client_secret(ctx: Context, client: dict[str, Any], provided: str | None) -> None:
    """A confidential client must send one of its secrets as ClientSecret (compared in constant time)."""
    client_id = client["ClientId"]
    secrets = await client_secrets.secrets_of(ctx, client_id)
    if not secrets:
        return
    if not provided:
        raise NotAuthorizedException(
            f"Client {client_id} is configured with secret but ClientSecret was not received"
        )
    if not any(hmac.compare_digest(secret.encode(), provided.encode()) for secret in secrets):
        raise NotAuthorizedException(f"Unable to verify secret for client {client_id}")


@operation("GetTokensFromRefreshToken", write=True)
async def get_tokens_from_refresh_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_GetTokensFromRefreshToken: new ID/access tokens (and a new refresh token under rotation)."""
    client = await find_client(ctx, req["ClientId"])
    pool = await load_pool(ctx, client["UserPoolId"])
    await check_client_secret(ctx, client, req.get("ClientSecret"))
    flows = client.get("ExplicitAuthFlows") or []
    if "ALLOW_REFRESH_TOKEN_AUTH" not in flows and not any(f in LEGACY_FLOWS for f in flows):
        raise InvalidParameterException("REFRESH_TOKEN_AUTH flow not enabled for this client")
    result = await refresh(ctx, pool, client, req["RefreshToken"], device_key=req.get("DeviceKey"))
    return {"AuthenticationResult": result}


@operation("RevokeToken", write=True)
async def revoke_token(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_RevokeToken: revokes a refresh token and every ID/access token issued from it."""
    client = await find_client(ctx, req["ClientId"])
    if not revocation_enabled(client):
        raise UnsupportedOperationException("Token revocation is not enabled for this app client.")
    await check_client_secret(ctx, client, req.get("ClientSecret"))
    if jwt.header_of(req["Token"]) is not None:
        raise UnsupportedTokenTypeException("Only refresh tokens can be revoked.")
    await revoke_refresh_token(ctx, client, req["Token"])
    return {}


@operation("GlobalSignOut", write=True)
async def global_sign_out(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_GlobalSignOut: the caller's refresh tokens and current access tokens stop working."""
    grant = await authenticate(ctx, req["AccessToken"])
    await sign_out_everywhere(ctx, grant.user)
    return {}


@operation("AdminUserGlobalSignOut", write=True)
async def admin_user_global_sign_out(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminUserGlobalSignOut: as GlobalSignOut, for a user named by an administrator."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    user = await load_user(ctx, pool, req["Username"])
    await sign_out_everywhere(ctx, user)
    return {}
