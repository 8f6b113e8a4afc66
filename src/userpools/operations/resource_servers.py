"""Resource server operations: CreateResourceServer, DescribeResourceServer, UpdateResourceServer,
DeleteResourceServer, ListResourceServers.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html
Quotas (developer guide "Quotas"): 25 resource servers per pool, 100 scopes per server.
"""

from __future__ import annotations

from typing import Any

from userpools.errors import InvalidParameterException, LimitExceededException, ResourceNotFoundException
from userpools.operations.clients import page_after
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import encode_token

MAX_SERVERS_PER_POOL = 25


def _scopes(req: dict[str, Any]) -> list[dict[str, str]]:
    scopes = [
        {"ScopeName": s["ScopeName"], "ScopeDescription": s["ScopeDescription"]}
        for s in req.get("Scopes", [])
    ]
    seen: set[str] = set()
    for scope in scopes:
        if scope["ScopeName"] in seen:
            raise InvalidParameterException(
                f"Duplicate scope name {scope['ScopeName']} in the resource server."
            )
        seen.add(scope["ScopeName"])
    return scopes


async def _load(ctx: Context, pool_id: str, identifier: str) -> dict[str, Any]:
    server = await ctx.uow.resource_servers.get(pool_id, identifier)
    if server is None:
        raise ResourceNotFoundException(
            f"Resource server {identifier} does not exist in user pool {pool_id}."
        )
    return server


async def create_resource_server(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Creates a resource server from a CreateResourceServer body; returns the ResourceServer."""
    pool = await load_pool(ctx, req["UserPoolId"])
    pool_id, identifier = pool["Id"], req["Identifier"]
    scopes = _scopes(req)
    if await ctx.uow.resource_servers.get(pool_id, identifier) is not None:
        raise InvalidParameterException(f"{identifier} already exists in user pool {pool_id}.")
    if await ctx.uow.resource_servers.count(pool_id) >= MAX_SERVERS_PER_POOL:
        raise LimitExceededException(
            f"The user pool {pool_id} has reached its limit of {MAX_SERVERS_PER_POOL} resource servers."
        )
    if not await ctx.uow.resource_servers.insert(pool_id, identifier, req["Name"], scopes):
        raise InvalidParameterException(f"{identifier} already exists in user pool {pool_id}.")
    return await _load(ctx, pool_id, identifier)


@operation("CreateResourceServer", write=True)
async def create(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"ResourceServer": await create_resource_server(ctx, req)}


@operation("DescribeResourceServer", write=False)
async def describe(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    return {"ResourceServer": await _load(ctx, req["UserPoolId"], req["Identifier"])}


@operation("UpdateResourceServer", write=True)
async def update(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Replaces name and scopes; omitted Scopes leave the server with none (API reference)."""
    await load_pool(ctx, req["UserPoolId"])
    server = await _load(ctx, req["UserPoolId"], req["Identifier"])
    scopes = _scopes(req)
    await ctx.uow.resource_servers.replace(server["UserPoolId"], server["Identifier"], req["Name"], scopes)
    return {"ResourceServer": await _load(ctx, server["UserPoolId"], server["Identifier"])}


@operation("DeleteResourceServer", write=True)
async def delete(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    server = await _load(ctx, req["UserPoolId"], req["Identifier"])
    await ctx.uow.resource_servers.delete(server["UserPoolId"], server["Identifier"])
    return {}


@operation("ListResourceServers", write=False)
async def list_servers(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    limit = req.get("MaxResults", 50)
    page = await ctx.uow.resource_servers.page(req["UserPoolId"], page_after(req.get("NextToken")), limit + 1)
    out: dict[str, Any] = {"ResourceServers": page[:limit]}
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1]["Identifier"])
    return out
