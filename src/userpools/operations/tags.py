"""Tagging operations on user pools: TagResource, UntagResource, ListTagsForResource.

Implements https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_TagResource.html
(and API_UntagResource / API_ListTagsForResource). Only user pools carry tags in Cognito; the resource is
named by its ARN ``arn:aws:cognito-idp:<region>:<account>:userpool/<pool id>``. Tags are the pool's
``UserPoolTags`` member, so DescribeUserPool shows them too. A pool has at most 50 tags; untagging a key the
pool doesn't have is not an error. A replica's ARN (its region's) names the replica, whose tags are its
own (set by CreateUserPoolReplica's UserPoolTags).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from userpools.domain.pool_config import check_tags
from userpools.errors import InvalidParameterException, ResourceNotFoundException
from userpools.operations.context import Context
from userpools.operations.pools import region_arn
from userpools.operations.registry import operation
from userpools.store.replicas import Replica

_POOL_ARN = re.compile(r"arn:[\w-]+:cognito-idp:([\w-]+):(\d+):userpool/([\w-]+_[0-9a-zA-Z]+)")


@dataclass(frozen=True)
class _Tagged:
    """A pool, or one of its replicas (whose tags are its own: API_CreateUserPoolReplica)."""

    pool: dict[str, Any]
    replica: Replica | None

    @property
    def tags(self) -> dict[str, str]:
        return dict(self.replica.tags if self.replica else self.pool.get("UserPoolTags") or {})

    async def store(self, ctx: Context, tags: dict[str, str]) -> None:
        if self.replica is not None:
            await ctx.uow.replicas.set_tags(self.replica.pool_id, self.replica.region, tags)
            return
        self.pool["UserPoolTags"] = tags
        await ctx.uow.pools.replace(self.pool["Id"], self.pool, None)


async def _pool_of(ctx: Context, arn: str) -> _Tagged:
    """The pool (or replica) an ARN names; a malformed ARN is a bad parameter, an unknown one is not found."""
    match = _POOL_ARN.fullmatch(arn)
    if match is None:
        raise InvalidParameterException(
            f"{arn} is not a user pool ARN (arn:aws:cognito-idp:<region>:<account>:userpool/<id>)."
        )
    pool = await ctx.uow.pools.get(match.group(3))
    if pool is not None and pool.get("Arn") == arn:
        return _Tagged(pool, None)
    replica = await ctx.uow.replicas.get(match.group(3), match.group(1)) if pool is not None else None
    if pool is None or replica is None or region_arn(ctx, pool["Id"], replica.region) != arn:
        raise ResourceNotFoundException(f"The resource {arn} does not exist.")
    return _Tagged(pool, replica)


@operation("TagResource", write=True)
async def tag_resource(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    tagged = await _pool_of(ctx, req["ResourceArn"])
    tags = {**tagged.tags, **req["Tags"]}
    check_tags(tags, InvalidParameterException)
    await tagged.store(ctx, tags)
    return {}


@operation("UntagResource", write=True)
async def untag_resource(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    tagged = await _pool_of(ctx, req["ResourceArn"])
    removed = set(req["TagKeys"])
    await tagged.store(ctx, {k: v for k, v in tagged.tags.items() if k not in removed})
    return {}


@operation("ListTagsForResource", write=False)
async def list_tags_for_resource(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"Tags": (await _pool_of(ctx, req["ResourceArn"])).tags}
