"""User pool replicas: CreateUserPoolReplica, ListUserPoolReplicas, UpdateUserPoolReplica and
DeleteUserPoolReplica, and what a replica lets a caller of its region do (``admit``).

API reference pages of the same names. A pool's primary region is the region of its id; a replica makes
the same pool (same data: one store serves every region, see docs/replicas.md) answer signed requests made
in another region this deployment serves. Its ARN there is ``arn:aws:cognito-idp:<replica region>:...``.
Statuses: a replica is ACTIVE when created (there is nothing to copy, so CREATING is never seen);
INACTIVE refuses end-user operations and every change but the replica's own status; only an INACTIVE
replica can be deleted, and deleting removes it at once (the answer reports DELETING).
A SECONDARY replica serves reads and sign-in (AdminInitiateAuth, AdminRespondToAuthChallenge); other
changes are made in the primary region.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.pool_config import check_tags
from userpools.errors import InvalidParameterException, ResourceNotFoundException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool, pool_not_found, region_arn
from userpools.operations.registry import Operation, operation
from userpools.protocol.pagination import decode_token, encode_token
from userpools.store.replicas import Replica

PAGE_SIZE = 20
ACTIVE, INACTIVE, DELETING = "ACTIVE", "INACTIVE", "DELETING"
# What a SECONDARY replica changes itself; everything else that writes is the primary's.
REPLICA_WRITES = frozenset({"UpdateUserPoolReplica"})
# End-user operations a SECONDARY replica serves (they change no user attribute).
SIGN_IN = frozenset({"AdminInitiateAuth", "AdminRespondToAuthChallenge"})
# Reads of users' data that are not Admin* operations (an INACTIVE replica serves configuration only).
USER_READS = frozenset({"ListUsers", "ListUsersInGroup"})
PRIMARY_ONLY = frozenset({"CreateUserPoolReplica", "DeleteUserPoolReplica"})


def primary_region(pool_id: str) -> str:
    return pool_id.partition("_")[0]


async def admit(ctx: Context, op: Operation, pool_id: str) -> None:
    """Lets a signed call of ``ctx.region`` reach a pool of another region only through its replica there."""
    replica = await ctx.uow.replicas.get(pool_id, ctx.region)
    if replica is None:
        raise pool_not_found(pool_id)
    if op.name in REPLICA_WRITES:
        return
    if op.name in PRIMARY_ONLY:
        _in_primary(ctx, pool_id, op.name)
    if replica.status != ACTIVE:
        # INACTIVE: administrator configuration reads only; no user's data, no sign-in, no change.
        if op.write or op.name.startswith("Admin") or op.name in USER_READS:
            raise InvalidParameterException(
                f"The replica of user pool {pool_id} in {ctx.region} is {replica.status}: it serves no "
                f"{op.name}. Activate it with UpdateUserPoolReplica."
            )
        return
    if op.write and op.name not in SIGN_IN:
        raise InvalidParameterException(
            f"{op.name} is not supported by the SECONDARY replica of user pool {pool_id} in {ctx.region}; "
            f"call it in the primary region, {primary_region(pool_id)}."
        )


def _wire(ctx: Context, pool_id: str, region: str, status: str) -> dict[str, Any]:
    role = "PRIMARY" if region == primary_region(pool_id) else "SECONDARY"
    arn = region_arn(ctx, pool_id, region)
    return {"RegionName": region, "Status": status, "Role": role, "UserPoolArn": arn}


def _served(ctx: Context, region: str) -> None:
    served = ctx.settings.served_regions
    if region not in served:
        raise InvalidParameterException(
            f"{region} is not a region this deployment serves ({', '.join(served)}). Add it to "
            "USERPOOLS_REGION (the --region option, Settings.regions) to replicate pools there."
        )


def _in_primary(ctx: Context, pool_id: str, what: str) -> None:
    if ctx.region != primary_region(pool_id):
        raise InvalidParameterException(
            f"{what} must be called in the primary region of user pool {pool_id}, {primary_region(pool_id)}."
        )


async def _replica(ctx: Context, pool_id: str, region: str) -> Replica:
    if region == primary_region(pool_id):
        raise InvalidParameterException(
            f"{region} is the primary region of user pool {pool_id}, not a replica."
        )
    replica = await ctx.uow.replicas.get(pool_id, region)
    if replica is None:
        raise ResourceNotFoundException(f"User pool {pool_id} has no replica in {region}.")
    return replica


@operation("CreateUserPoolReplica", write=True)
async def create_replica(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    pool_id, region = pool["Id"], req["RegionName"]
    _in_primary(ctx, pool_id, "CreateUserPoolReplica")
    _served(ctx, region)
    if region == primary_region(pool_id):
        raise InvalidParameterException(f"{region} is already the primary region of user pool {pool_id}.")
    if await ctx.uow.replicas.get(pool_id, region) is not None:
        raise InvalidParameterException(f"User pool {pool_id} already has a replica in {region}.")
    tags = dict(req.get("UserPoolTags") or {})
    check_tags(tags, InvalidParameterException)
    await ctx.uow.replicas.insert(Replica(pool_id, region, ACTIVE, tags, ctx.now))
    return {"UserPoolReplica": _wire(ctx, pool_id, region, ACTIVE)}


@operation("ListUserPoolReplicas", write=False)
async def list_replicas(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The primary first, then the replicas by region; NextToken is the last region listed."""
    pool = await load_pool(ctx, req["UserPoolId"])
    pool_id = pool["Id"]
    items = [_wire(ctx, pool_id, primary_region(pool_id), ACTIVE)]
    items += [_wire(ctx, pool_id, r.region, r.status) for r in await ctx.uow.replicas.of_pool(pool_id)]
    start = 0
    after = decode_token(req.get("NextToken"))
    if after is not None:
        regions = [i["RegionName"] for i in items]
        if after not in regions:
            raise InvalidParameterException("Invalid pagination token.")
        start = regions.index(after) + 1
    out: dict[str, Any] = {"UserPoolReplicas": items[start : start + PAGE_SIZE]}
    if len(items) > start + PAGE_SIZE:
        out["NextToken"] = encode_token(items[start + PAGE_SIZE - 1]["RegionName"])
    return out


@operation("UpdateUserPoolReplica", write=True)
async def update_replica(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Activates or deactivates a replica; callable in the primary region and in the replica's own."""
    pool = await load_pool(ctx, req["UserPoolId"])
    replica = await _replica(ctx, pool["Id"], req["RegionName"])
    await ctx.uow.replicas.set_status(replica.pool_id, replica.region, req["Status"])
    return {"UserPoolReplica": _wire(ctx, replica.pool_id, replica.region, req["Status"])}


@operation("DeleteUserPoolReplica", write=True)
async def delete_replica(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    _in_primary(ctx, pool["Id"], "DeleteUserPoolReplica")
    replica = await _replica(ctx, pool["Id"], req["RegionName"])
    if replica.status != INACTIVE:
        raise InvalidParameterException(
            f"Only an INACTIVE replica can be deleted; the replica in {replica.region} is {replica.status}. "
            "Deactivate it with UpdateUserPoolReplica first."
        )
    await ctx.uow.replicas.delete(replica.pool_id, replica.region)
    return {"UserPoolReplica": _wire(ctx, replica.pool_id, replica.region, DELETING)}
