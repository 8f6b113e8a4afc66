"""User pool operations: CreateUserPool, DescribeUserPool, ListUserPools, DeleteUserPool, ..."""

from __future__ import annotations

import string
from typing import Any

from userpools.errors import InvalidParameterException, ResourceNotFoundException
from userpools.operations.context import Context
from userpools.operations.registry import operation
from userpools.protocol.pagination import decode_token, encode_token

_ID_ALPHABET = string.ascii_letters + string.digits


def pool_not_found(pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"User pool {pool_id} does not exist.")


async def load_pool(ctx: Context, pool_id: str) -> dict[str, Any]:
    pool = await ctx.uow.pools.get(pool_id)
    if pool is None:
        raise pool_not_found(pool_id)
    return pool


def new_pool_id(ctx: Context) -> str:
    return f"{ctx.region}_" + "".join(ctx.random.choice(_ID_ALPHABET) for _ in range(9))


@operation("CreateUserPool", write=True)
async def create_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool_id = new_pool_id(ctx)
    doc = {k: v for k, v in req.items() if k != "PoolName"}
    doc["Arn"] = f"arn:aws:cognito-idp:{ctx.region}:{ctx.settings.account_id}:userpool/{pool_id}"
    await ctx.uow.pools.insert(pool_id, req["PoolName"], doc, ctx.now)
    return {"UserPool": await describe(ctx, pool_id)}


async def describe(ctx: Context, pool_id: str) -> dict[str, Any]:
    pool = await load_pool(ctx, pool_id)
    pool["EstimatedNumberOfUsers"] = await ctx.uow.pools.count_users(pool_id)
    return pool


@operation("DescribeUserPool", write=False)
async def describe_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"UserPool": await describe(ctx, req["UserPoolId"])}


@operation("DeleteUserPool", write=True)
async def delete_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    if pool.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterException(
            "The user pool cannot be deleted because deletion protection is activated."
        )
    await ctx.uow.pools.delete(req["UserPoolId"])
    return {}


@operation("ListUserPools", write=False)
async def list_user_pools(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    limit = req["MaxResults"]
    after = decode_token(req.get("NextToken"))
    page = await ctx.uow.pools.page(after, limit + 1)
    summaries = [_summary(p) for p in page[:limit]]
    out: dict[str, Any] = {"UserPools": summaries}
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1]["Id"])
    return out


def _summary(pool: dict[str, Any]) -> dict[str, Any]:
    keys = ("Id", "Name", "LambdaConfig", "Status", "LastModifiedDate", "CreationDate")
    return {k: pool[k] for k in keys if k in pool}
