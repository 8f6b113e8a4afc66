"""Tagging operations on user pools: TagResource, UntagResource, ListTagsForResource.

Implements https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TagResource.html
(and API_UntagResource / API_ListTagsForResource). Only user pools carry tags in Cognito; the resource is
named by its ARN ``arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>``. Tags are the pool's
``UserPoolTags`` member, so DescribeUserPool shows them too. A pool has at most 50 tags; untagging a key the
pool doesn't have is not an error.
"""

from __future__ import annotations

import re
from typing import Any

from userpools.domain.pool_config import check_tags
from userpools.errors import InvalidParameterException, ResourceNotFoundException
from userpools.operations.context import Context
from userpools.operations.registry import operation

_POOL_ARN = re.compile(r"arn:[\w-]+:cognito-idp:([\w-]+):(\d+):userpool/([\w-]+_[0-9a-zA-Z]+)")


async def _pool_of(ctx: Context, arn: str) -> dict[str, Any]:
    """The pool an ARN names; a malformed ARN is a bad parameter, an unknown one is not found."""
    match = _POOL_ARN.fullmatch(arn)
    if match is None:
        raise InvalidParameterException(
            f"{arn} is not a user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<id>)."
        )
    pool = await ctx.uow.pools.get(match.group(3))
    if pool is None or pool.get("Arn") != arn:
        raise ResourceNotFoundException(f"The resource {arn} does not exist.")
    return pool


@operation("TagResource", write=True)
async def tag_resource(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await _pool_of(ctx, req["ResourceArn"])
    tags = {**(pool.get("UserPoolTags") or {}), **req["Tags"]}
    check_tags(tags, InvalidParameterException)
    pool["UserPoolTags"] = tags
    await ctx.uow.pools.replace(pool["Id"], pool, None)
    return {}


@operation("UntagResource", write=True)
async def untag_resource(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await _pool_of(ctx, req["ResourceArn"])
    removed = set(req["TagKeys"])
    pool["UserPoolTags"] = {k: v for k, v in (pool.get("UserPoolTags") or {}).items() if k not in removed}
    await ctx.uow.pools.replace(pool["Id"], pool, None)
    return {}


@operation("ListTagsForResource", write=False)
async def list_tags_for_resource(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await _pool_of(ctx, req["ResourceArn"])
    return {"Tags": dict(pool.get("UserPoolTags") or {})}
