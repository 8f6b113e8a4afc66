"""User pool operations: CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool, ListUserPools,
AddCustomAttributes and GetCSVHeader.

Implements the pages of the same names in the Amazon Cognito user pools API reference
(https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/). Defaults and validation rules
live in ``domain.pool_config`` / ``domain.pool_schema`` / ``domain.pool_mfa``.

A pool also answers signed calls in the regions of its replicas (``operations.replicas``).
Known differences: ListUserPools lists the pools of the caller's region in pool-id order (Cognito's order is
unspecified); ``Status`` ("no longer used") is never reported; a pool of another served region is still found
by id through the unsigned operations other modules run.
"""

from __future__ import annotations

import string
from functools import cache
from typing import Any

from userpools.domain.pool_config import new_pool_document, updated_pool_document
from userpools.domain.pool_schema import add_custom_attributes as extend_schema
from userpools.domain.schema import STANDARD_NAMES
from userpools.errors import (
    InvalidParameterException,
    ResourceNotFoundException,
    UserImportInProgressException,
)
from userpools.operations.context import Context
from userpools.operations.registry import operation
from userpools.protocol import model
from userpools.protocol.pagination import decode_token, encode_token

_ID_ALPHABET = string.ascii_letters + string.digits
# GetCSVHeader never lists these: sub is assigned by Cognito, identities by federation.
_NOT_IMPORTED = frozenset(("sub", "identities"))


def pool_not_found(pool_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"User pool {pool_id} does not exist.")


async def load_pool(ctx: Context, pool_id: str, username: str | None = None) -> dict[str, Any]:
    """The stored pool document (full UserPoolType with defaults); ResourceNotFoundException if absent.

    ``username``: the user the request names next (``load_user``), read in the same round trip by its
    name as typed and lower-cased (whichever the pool's case sensitivity makes its key).
    """
    keys = () if username is None else (username, username.lower())
    pool = await ctx.uow.pools.get(pool_id, keys)
    if pool is None:
        raise pool_not_found(pool_id)
    return pool


def pool_arn(ctx: Context, pool_id: str) -> str:
    return region_arn(ctx, pool_id, pool_id.partition("_")[0])


def region_arn(ctx: Context, pool_id: str, region: str) -> str:
    """The pool's ARN in ``region``: its primary region's, or a replica's (docs/replicas.md)."""
    return f"arn:aws:cognito-idp:{region}:{ctx.settings.account_id}:userpool/{pool_id}"


async def new_pool_id(ctx: Context) -> str:
    """``<region>_<9 alphanumerics>``, as Cognito's ids look (aws-jwt-verify checks the region part)."""
    while True:
        pool_id = f"{ctx.region}_" + "".join(ctx.random.choice(_ID_ALPHABET) for _ in range(9))
        if not await ctx.uow.pools.exists(pool_id):
            return pool_id


async def create_pool(ctx: Context, req: dict[str, Any], pool_id: str | None = None) -> dict[str, Any]:
    """The body of CreateUserPool (also used by ``--seed`` with a fixed id); returns the described pool."""
    pool_id = pool_id or await new_pool_id(ctx)
    doc = new_pool_document(req, arn=pool_arn(ctx, pool_id))
    await ctx.uow.pools.insert(pool_id, req["PoolName"], doc, ctx.now)
    return await describe_pool(ctx, pool_id)


async def describe_pool(ctx: Context, pool_id: str) -> dict[str, Any]:
    """UserPoolType as DescribeUserPool returns it: stored members, user count and domains."""
    pool = await load_pool(ctx, pool_id)
    pool["EstimatedNumberOfUsers"] = await ctx.services.user_counts.estimate(ctx, pool_id)
    pool.update(await ctx.uow.pools.domains_of(pool_id))
    if ctx.region != pool_id.partition("_")[0] and await ctx.uow.replicas.get(pool_id, ctx.region):
        pool["Arn"] = region_arn(ctx, pool_id, ctx.region)  # described through its replica
    members = _pool_members()
    return {k: v for k, v in pool.items() if k in members}


@cache
def _pool_members() -> frozenset[str]:
    return frozenset(model.service_model().shape_for("UserPoolType").members)


@operation("CreateUserPool", write=True)
async def create_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"UserPool": await create_pool(ctx, req)}


@operation("DescribeUserPool", write=False)
async def describe_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"UserPool": await describe_pool(ctx, req["UserPoolId"])}


@operation("UpdateUserPool", write=True)
async def update_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Omitted settings return to their defaults, as the API reference warns; immutable ones stay."""
    pool = await load_pool(ctx, req["UserPoolId"])
    doc = updated_pool_document(pool, req)
    await ctx.uow.pools.replace(pool["Id"], doc, ctx.now, name=req.get("PoolName"))
    return {}


@operation("DeleteUserPool", write=True)
async def delete_user_pool(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    if pool.get("DeletionProtection") == "ACTIVE":
        raise InvalidParameterException(
            "The user pool cannot be deleted because deletion protection is activated. "
            "Deletion protection must be inactivated first."
        )
    if await ctx.uow.pools.domains_of(pool["Id"]):
        raise InvalidParameterException(
            "User pool cannot be deleted. It has a domain configured that should be deleted first."
        )
    await refuse_during_import(ctx, pool["Id"], "The user pool cannot be deleted")
    await ctx.uow.pools.delete(pool["Id"])
    return {}


@operation("ListUserPools", write=False)
async def list_user_pools(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The caller's region's pools and the pools replicated to it, keyset-paged by pool id (NextToken = the
    last id of the page)."""
    limit = req["MaxResults"]
    prefix = f"{ctx.region}_"
    after = decode_token(req.get("NextToken"))
    # A token is the last pool id of a page: one of this region, or one replicated to it.
    if after is not None and (
        not isinstance(after, str)
        or not (after.startswith(prefix) or await ctx.uow.replicas.get(after, ctx.region))
    ):
        raise InvalidParameterException("Invalid pagination token.")
    page = await ctx.uow.pools.page(after, limit + 1, prefix=prefix, replica_region=ctx.region)
    out: dict[str, Any] = {"UserPools": [_summary(p) for p in page[:limit]]}
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1]["Id"])
    return out


def _summary(pool: dict[str, Any]) -> dict[str, Any]:
    keys = ("Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate")
    return {k: pool[k] for k in keys if k in pool}


@operation("AddCustomAttributes", write=True)
async def add_custom_attributes(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Appends ``custom:`` (or ``dev:custom:``) attributes; existing names and more than 50 are refused."""
    pool = await load_pool(ctx, req["UserPoolId"])
    await refuse_during_import(ctx, pool["Id"], "Custom attributes cannot be added")
    pool["SchemaAttributes"] = extend_schema(pool["SchemaAttributes"], req["CustomAttributes"])
    await ctx.uow.pools.replace(pool["Id"], pool, ctx.now)
    return {}


@operation("GetCSVHeader", write=False)
async def get_csv_header(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The import file's columns: schema attributes in schema order, then the two ``cognito:`` columns.

    Order as in the developer guide's sample (cognito-user-pools-using-import-tool-csv-header); custom
    attributes follow the standard ones, as they do in the schema.
    """
    pool = await load_pool(ctx, req["UserPoolId"])
    return {"UserPoolId": pool["Id"], "CSVHeader": csv_header(pool)}


def csv_header(pool: dict[str, Any]) -> list[str]:
    """GetCSVHeader's columns for ``pool`` (an import file must have exactly these, in any order)."""
    columns = [
        a["Name"]
        for a in pool["SchemaAttributes"]
        if a["Name"] not in _NOT_IMPORTED and (a["Name"] in STANDARD_NAMES or ":" in a["Name"])
    ]
    return [*columns, "cognito:mfa_enabled", "cognito:username"]


async def refuse_during_import(ctx: Context, pool_id: str, what: str) -> None:
    """UserImportInProgressException while an import job of the pool is Pending, InProgress or Stopping."""
    if await ctx.uow.import_jobs.running_in_pool(pool_id):
        raise UserImportInProgressException(f"{what} while a user import job is running in the user pool.")
