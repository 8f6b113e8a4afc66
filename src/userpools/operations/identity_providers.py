"""Identity provider configuration: CreateIdentityProvider, DescribeIdentityProvider,
UpdateIdentityProvider, DeleteIdentityProvider, ListIdentityProviders, GetIdentityProviderByIdentifier.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateIdentityProvider.html
Social providers are named after their type (``Google``, ``Facebook``, ...); ``COGNITO`` is reserved.
Deleting a provider also removes it from the SupportedIdentityProviders of the pool's app clients,
so no client keeps pointing at a provider that no longer exists.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import client_config, idp_details
from userpools.domain import schema as pool_schema
from userpools.errors import (
    DuplicateProviderException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from userpools.operations.clients import page_after
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import encode_token

MAX_PROVIDERS_PER_POOL = 300


def _public(provider: dict[str, Any]) -> dict[str, Any]:
    details = idp_details.public_details(provider["ProviderType"], provider["ProviderDetails"])
    return {**provider, "ProviderDetails": details}


async def _load(ctx: Context, pool_id: str, name: str) -> dict[str, Any]:
    provider = await ctx.uow.identity_providers.get(pool_id, name)
    if provider is None:
        raise ResourceNotFoundException(f"Identity provider {name} does not exist in user pool {pool_id}.")
    return provider


def _known_attributes(pool: dict[str, Any]) -> set[str]:
    return set(pool_schema.by_name(client_config.pool_schema_of(pool)))


async def _identifiers(ctx: Context, pool_id: str, name: str, identifiers: list[str]) -> list[str]:
    unique = list(dict.fromkeys(identifiers))
    if len(unique) != len(identifiers):
        raise DuplicateProviderException("IdpIdentifiers must not repeat an identifier.")
    taken = await ctx.uow.identity_providers.owners_of(pool_id, unique)
    for identifier, owner in taken.items():
        if owner != name:
            raise DuplicateProviderException(
                f"The IdP identifier {identifier} is already used by the provider {owner} in this user pool."
            )
    return unique


def _check_name(name: str, kind: str) -> None:
    if name.upper() == "COGNITO":
        raise InvalidParameterException("COGNITO is a reserved provider name.")
    if kind in idp_details.SOCIAL and name != kind:
        raise InvalidParameterException(f"The provider name of a {kind} provider must be {kind}.")


@operation("CreateIdentityProvider", write=True)
async def create_identity_provider(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    pool_id, name, kind = pool["Id"], req["ProviderName"], req["ProviderType"]
    _check_name(name, kind)
    if await ctx.uow.identity_providers.get(pool_id, name) is not None:
        raise DuplicateProviderException(f"A provider with the name {name} already exists in this user pool.")
    provider = {
        "ProviderName": name,
        "ProviderType": kind,
        "ProviderDetails": idp_details.provider_details(kind, req["ProviderDetails"]),
        "AttributeMapping": idp_details.attribute_mapping(
            kind, req.get("AttributeMapping", {}), _known_attributes(pool)
        ),
        "IdpIdentifiers": await _identifiers(ctx, pool_id, name, req.get("IdpIdentifiers", [])),
    }
    if await ctx.uow.identity_providers.count(pool_id) >= MAX_PROVIDERS_PER_POOL:
        raise LimitExceededException(f"The user pool {pool_id} has reached its limit of identity providers.")
    if not await ctx.uow.identity_providers.insert(pool_id, provider, ctx.now):
        raise DuplicateProviderException(
            f"The provider name or an IdP identifier of {name} is already in use."
        )
    return {"IdentityProvider": _public(await _load(ctx, pool_id, name))}


@operation("DescribeIdentityProvider", write=False)
async def describe_identity_provider(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    return {"IdentityProvider": _public(await _load(ctx, req["UserPoolId"], req["ProviderName"]))}


@operation("GetIdentityProviderByIdentifier", write=False)
async def get_identity_provider_by_identifier(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    owners = await ctx.uow.identity_providers.owners_of(req["UserPoolId"], [req["IdpIdentifier"]])
    if req["IdpIdentifier"] not in owners:
        raise ResourceNotFoundException(
            f"Identity provider with identifier {req['IdpIdentifier']} does not exist."
        )
    provider = await _load(ctx, req["UserPoolId"], owners[req["IdpIdentifier"]])
    return {"IdentityProvider": _public(provider)}


@operation("UpdateIdentityProvider", write=True)
async def update_identity_provider(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Replaces the members given; omitted secrets (client_secret, private_key) keep their stored values."""
    pool = await load_pool(ctx, req["UserPoolId"])
    provider = await _load(ctx, pool["Id"], req["ProviderName"])
    kind = provider["ProviderType"]
    if "ProviderDetails" in req:
        provider["ProviderDetails"] = idp_details.provider_details(
            kind, req["ProviderDetails"], provider["ProviderDetails"]
        )
    if "AttributeMapping" in req:
        provider["AttributeMapping"] = idp_details.attribute_mapping(
            kind, req["AttributeMapping"], _known_attributes(pool)
        )
    if "IdpIdentifiers" in req:
        provider["IdpIdentifiers"] = await _identifiers(
            ctx, pool["Id"], provider["ProviderName"], req["IdpIdentifiers"]
        )
    if not await ctx.uow.identity_providers.replace(pool["Id"], provider, ctx.now):
        raise DuplicateProviderException(
            "An IdP identifier is already used by another provider in this user pool."
        )
    return {"IdentityProvider": _public(await _load(ctx, pool["Id"], provider["ProviderName"]))}


@operation("DeleteIdentityProvider", write=True)
async def delete_identity_provider(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    provider = await _load(ctx, req["UserPoolId"], req["ProviderName"])
    name = provider["ProviderName"]
    for client in await ctx.uow.clients.all_of_pool(req["UserPoolId"]):
        supported = client.get("SupportedIdentityProviders") or []
        if name in supported:
            client["SupportedIdentityProviders"] = [p for p in supported if p != name]
            await ctx.uow.clients.replace(
                req["UserPoolId"], client["ClientId"], client["ClientName"], client, ctx.now
            )
    await ctx.uow.identity_providers.delete(req["UserPoolId"], name)
    return {}


@operation("ListIdentityProviders", write=False)
async def list_identity_providers(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    limit = req.get("MaxResults") or 60
    page = await ctx.uow.identity_providers.page(
        req["UserPoolId"], page_after(req.get("NextToken")), limit + 1
    )
    out: dict[str, Any] = {"Providers": page[:limit]}
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1]["ProviderName"])
    return out
