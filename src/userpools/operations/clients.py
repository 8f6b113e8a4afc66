"""App client operations: CreateUserPoolClient, DescribeUserPoolClient, UpdateUserPoolClient,
DeleteUserPoolClient, ListUserPoolClients.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
Client secret rotation: AddUserPoolClientSecret, DeleteUserPoolClientSecret, ListUserPoolClientSecrets
(at most two secrets per confidential client).
Known differences: secrets are never published to AWS Secrets Manager (PublishSecretsInAWSSecretsManager
is refused); every client is ``REGULAR`` (no dynamic client registration).
"""

from __future__ import annotations

import string
from typing import Any

from userpools.auth import client_secrets
from userpools.domain import client_config, oauth_config
from userpools.errors import (
    FeatureUnavailableInTierException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
    ScopeDoesNotExistException,
    TooManyRequestsException,
)
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import decode_token, encode_token

MAX_CLIENTS_PER_POOL = 1000
MAX_SECRETS_PER_CLIENT = 2
_ID_ALPHABET = string.ascii_lowercase + string.digits
_PASSTHROUGH = ("AnalyticsConfiguration", "RefreshTokenRotation")


def client_not_found(client_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"User pool client {client_id} does not exist.")


async def load_client(ctx: Context, pool_id: str, client_id: str) -> dict[str, Any]:
    """The pool's client (no secret) or ResourceNotFoundException, as Cognito words it."""
    client = await ctx.uow.clients.get(pool_id, client_id)
    if client is None:
        raise client_not_found(client_id)
    return client


def _secret_id(ctx: Context, client_id: str) -> str:
    """``<client-id>--<epoch-create-time>`` (API reference, ClientSecretDescriptorType), in milliseconds."""
    return f"{client_id}--{int(ctx.now * 1000)}"


def _random(ctx: Context, length: int) -> str:
    return "".join(ctx.random.choice(_ID_ALPHABET) for _ in range(length))


async def _check_scopes(ctx: Context, pool_id: str, scopes: list[str]) -> list[str]:
    for scope in scopes:
        if scope in oauth_config.RESERVED_SCOPES:
            continue
        parts = oauth_config.custom_scope_parts(scope)
        server = await ctx.uow.resource_servers.get(pool_id, parts[0]) if parts else None
        if parts is None or server is None or parts[1] not in {s["ScopeName"] for s in server["Scopes"]}:
            raise ScopeDoesNotExistException(f"Invalid scope requested: {scope}")
    return list(dict.fromkeys(scopes))


async def _check_providers(ctx: Context, pool_id: str, names: list[str]) -> list[str]:
    wanted = [n for n in dict.fromkeys(names) if n != "COGNITO"]
    found = await ctx.uow.identity_providers.names(pool_id, wanted)
    for name in wanted:
        if name not in found:
            raise InvalidParameterException(f"The provider {name} does not exist for User Pool {pool_id}")
    return list(dict.fromkeys(names))


async def settings(
    ctx: Context, pool: dict[str, Any], req: dict[str, Any], has_secret: bool, verb: str
) -> dict[str, Any]:
    """The stored settings for a Create/Update request: validated, omitted members at their defaults."""
    if req.get("PublishSecretsInAWSSecretsManager"):
        raise InvalidParameterException("PublishSecretsInAWSSecretsManager is not supported by this server.")
    if req.get("EnablePropagateAdditionalUserContextData") and not has_secret:
        raise InvalidParameterException(
            "EnablePropagateAdditionalUserContextData can only be enabled for a client with a secret."
        )
    doc: dict[str, Any] = client_config.token_validity(req)
    schema = client_config.pool_schema_of(pool)
    if "ReadAttributes" in req:
        doc["ReadAttributes"] = client_config.read_attributes(req["ReadAttributes"], schema, verb)
    if "WriteAttributes" in req:
        doc["WriteAttributes"] = client_config.write_attributes(req["WriteAttributes"], schema, verb)
    doc["ExplicitAuthFlows"] = client_config.explicit_auth_flows(req.get("ExplicitAuthFlows"), has_secret)
    if "ALLOW_USER_AUTH" in doc["ExplicitAuthFlows"] and pool.get("UserPoolTier") == "LITE":
        raise FeatureUnavailableInTierException(
            "ALLOW_USER_AUTH requires the Essentials or Plus feature plan."
        )
    doc.update(await _oauth_settings(ctx, pool["Id"], req, has_secret))
    doc["PreventUserExistenceErrors"] = req.get("PreventUserExistenceErrors", "LEGACY")
    doc["EnableTokenRevocation"] = req.get("EnableTokenRevocation", True)
    doc["EnablePropagateAdditionalUserContextData"] = req.get(
        "EnablePropagateAdditionalUserContextData", False
    )
    doc["AuthSessionValidity"] = req.get("AuthSessionValidity", 3)
    for member in _PASSTHROUGH:
        if member in req:
            doc[member] = req[member]
    return doc


async def _oauth_settings(
    ctx: Context, pool_id: str, req: dict[str, Any], has_secret: bool
) -> dict[str, Any]:
    """Identity providers, redirect URLs, OAuth flows and scopes."""
    doc: dict[str, Any] = {}
    if "SupportedIdentityProviders" in req:
        doc["SupportedIdentityProviders"] = await _check_providers(
            ctx, pool_id, req["SupportedIdentityProviders"]
        )
    for member in ("CallbackURLs", "LogoutURLs"):
        if member in req:
            doc[member] = oauth_config.check_redirect_urls(member, req[member])
    oauth_config.check_default_redirect(req)
    if "DefaultRedirectURI" in req:
        doc["DefaultRedirectURI"] = req["DefaultRedirectURI"]
    oauth_config.check_flows(req, has_secret)
    if "AllowedOAuthFlows" in req:
        doc["AllowedOAuthFlows"] = list(dict.fromkeys(req["AllowedOAuthFlows"]))
    if "AllowedOAuthScopes" in req:
        doc["AllowedOAuthScopes"] = await _check_scopes(ctx, pool_id, req["AllowedOAuthScopes"])
    doc["AllowedOAuthFlowsUserPoolClient"] = bool(req.get("AllowedOAuthFlowsUserPoolClient", False))
    return doc


async def _with_secret(ctx: Context, client: dict[str, Any]) -> dict[str, Any]:
    """DescribeUserPoolClient shows the (oldest) secret, as Cognito does."""
    secrets = await client_secrets.secrets_of(ctx, client["ClientId"])
    return {**client, "ClientSecret": secrets[0]} if secrets else client


async def create_client(
    ctx: Context,
    pool: dict[str, Any],
    req: dict[str, Any],
    client_id: str | None = None,
    secret: str | None = None,
) -> dict[str, Any]:
    """Creates a client from a CreateUserPoolClient body; ``client_id``/``secret`` fix them (seeding)."""
    pool_id = pool["Id"]
    if req.get("ClientSecret") and req.get("GenerateSecret"):
        # API reference: "You cannot specify both GenerateSecret as true and provide a ClientSecret value."
        raise InvalidParameterException("You cannot specify both GenerateSecret as true and a ClientSecret.")
    secret = secret or req.get("ClientSecret") or (_random(ctx, 51) if req.get("GenerateSecret") else None)
    doc = await settings(ctx, pool, req, secret is not None, "creating")
    if await ctx.uow.clients.count(pool_id) >= MAX_CLIENTS_PER_POOL:
        raise LimitExceededException(f"The user pool {pool_id} has reached its limit of app clients.")
    client_id = client_id or _random(ctx, 26)
    if not await ctx.uow.clients.insert(pool_id, client_id, req["ClientName"], doc, ctx.now):
        raise InvalidParameterException(f"Client id {client_id} is already in use.")
    if secret is not None:
        await client_secrets.add_secret(ctx, client_id, _secret_id(ctx, client_id), secret)
    return await _with_secret(ctx, await load_client(ctx, pool_id, client_id))


@operation("CreateUserPoolClient", write=True)
async def create_user_pool_client(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    return {"UserPoolClient": await create_client(ctx, pool, req)}


@operation("DescribeUserPoolClient", write=False)
async def describe_user_pool_client(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, req["UserPoolId"], req["ClientId"])
    return {"UserPoolClient": await _with_secret(ctx, client)}


@operation("UpdateUserPoolClient", write=True)
async def update_user_pool_client(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Members left out return to their defaults (API reference); name and secret are kept."""
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    has_secret = bool(await ctx.uow.clients.secrets_of(client["ClientId"]))
    doc = await settings(ctx, pool, req, has_secret, "updating")
    name = req.get("ClientName", client["ClientName"])
    await ctx.uow.clients.replace(pool["Id"], client["ClientId"], name, doc, ctx.now)
    updated = await load_client(ctx, pool["Id"], client["ClientId"])
    return {"UserPoolClient": await _with_secret(ctx, updated)}


@operation("DeleteUserPoolClient", write=True)
async def delete_user_pool_client(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, req["UserPoolId"], req["ClientId"])
    await ctx.uow.ui_customizations.delete(req["UserPoolId"], client["ClientId"])
    await ctx.uow.clients.delete(req["UserPoolId"], client["ClientId"])
    return {}


def page_after(token: str | None) -> str | None:
    """The last key of the previous page, checked to be what this family's tokens carry."""
    after = decode_token(token)
    if after is not None and not isinstance(after, str):
        raise InvalidParameterException("Invalid pagination token.")
    return after


@operation("ListUserPoolClients", write=False)
async def list_user_pool_clients(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    limit = req.get("MaxResults", 60)
    after = page_after(req.get("NextToken"))
    if req.get("ClientType", "REGULAR") != "REGULAR":
        return {"UserPoolClients": []}
    page = await ctx.uow.clients.page(req["UserPoolId"], after, limit + 1)
    out: dict[str, Any] = {"UserPoolClients": page[:limit]}
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1]["ClientId"])
    return out


def _descriptor(secret_id: str, created: float, value: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ClientSecretId": secret_id, "ClientSecretCreateDate": created}
    if value is not None:
        out["ClientSecretValue"] = value
    return out


@operation("AddUserPoolClientSecret", write=True)
async def add_user_pool_client_secret(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The value is returned only when Cognito generated it (API reference)."""
    await load_pool(ctx, req["UserPoolId"])
    client_id = (await load_client(ctx, req["UserPoolId"], req["ClientId"]))["ClientId"]
    existing = await ctx.uow.clients.secret_ids(client_id)
    if not existing:
        raise InvalidParameterException(
            f"Client {client_id} is a public client; it has no client secret to rotate."
        )
    if len(existing) >= MAX_SECRETS_PER_CLIENT:
        raise LimitExceededException(
            f"Client {client_id} already has the maximum of {MAX_SECRETS_PER_CLIENT} client secrets."
        )
    custom = req.get("ClientSecret")
    value = custom or _random(ctx, 51)
    secret_id = _secret_id(ctx, client_id)
    if not await client_secrets.add_secret(ctx, client_id, secret_id, value):
        raise TooManyRequestsException()
    return {"ClientSecretDescriptor": _descriptor(secret_id, ctx.now, None if custom else value)}


@operation("DeleteUserPoolClientSecret", write=True)
async def delete_user_pool_client_secret(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    client_id = (await load_client(ctx, req["UserPoolId"], req["ClientId"]))["ClientId"]
    existing = [secret_id for secret_id, _ in await ctx.uow.clients.secret_ids(client_id)]
    if req["ClientSecretId"] not in existing:
        raise ResourceNotFoundException(f"Client secret {req['ClientSecretId']} does not exist.")
    if len(existing) == 1:
        raise InvalidParameterException("You cannot delete the last remaining secret for an app client.")
    await ctx.uow.clients.delete_secret(client_id, req["ClientSecretId"])
    return {}


@operation("ListUserPoolClientSecrets", write=False)
async def list_user_pool_client_secrets(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Both (at most two) secrets at once, never their values; so no NextToken is ever returned."""
    await load_pool(ctx, req["UserPoolId"])
    client_id = (await load_client(ctx, req["UserPoolId"], req["ClientId"]))["ClientId"]
    secrets = await ctx.uow.clients.secret_ids(client_id)
    return {"ClientSecrets": [_descriptor(secret_id, created) for secret_id, created in secrets]}
