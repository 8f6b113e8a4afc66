"""Group operations: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups and memberships.

Implements the AWS API reference pages of the same names (Amazon Cognito user pools), and the group
quotas of "Quotas in Amazon Cognito": 10,000 groups per pool, 100 groups per user.

Known differences: Cognito does not document which error or message it gives when the per-user quota
is reached (AdminAddUserToGroup's model lists no LimitExceededException); we answer
LimitExceededException, as CreateGroup does for the per-pool quota. ``Limit`` 0 is read as "the
default page size" (60), as for an absent ``Limit``.
"""

from __future__ import annotations

from typing import Any

from userpools.errors import (
    GroupExistsException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users import load_user, user_type
from userpools.protocol.pagination import decode_token, encode_token

MAX_GROUPS_PER_POOL = 10_000
MAX_GROUPS_PER_USER = 100
DEFAULT_PAGE = 60
# The model gives Precedence only a minimum; Cognito stores it as a 32-bit signed integer.
MAX_PRECEDENCE = 2**31 - 1


def group_not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException("Group not found.")


async def load_group(ctx: Context, pool_id: str, name: str) -> dict[str, Any]:
    """The wire ``GroupType`` of the group, or ResourceNotFoundException."""
    group = await ctx.uow.groups.get(pool_id, name)
    if group is None:
        raise group_not_found()
    return group


def check_precedence(req: dict[str, Any]) -> None:
    """Rejects a Precedence above the 32-bit range, as AWS's front end would, before anything is looked up."""
    precedence = req.get("Precedence")
    if precedence is not None and precedence > MAX_PRECEDENCE:
        raise InvalidParameterException(
            f"1 validation error detected: Value '{precedence}' at 'precedence' failed to satisfy "
            f"constraint: Member must have value less than or equal to {MAX_PRECEDENCE}"
        )


def page_request(req: dict[str, Any], key_type: type) -> tuple[Any, int]:
    """The (last key seen, page size) of a list request; a token of the wrong shape is rejected."""
    after = decode_token(req.get("NextToken"))
    if after is not None and type(after) is not key_type:
        raise InvalidParameterException("Invalid pagination token.")
    return after, req.get("Limit") or DEFAULT_PAGE


@operation("CreateGroup", write=True)
async def create_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    check_precedence(req)
    pool = await load_pool(ctx, req["UserPoolId"])
    name = req["GroupName"]
    exists = GroupExistsException(f"A group with the name {name} already exists.")
    if await ctx.uow.groups.get(pool["Id"], name) is not None:
        raise exists
    if await ctx.uow.groups.count(pool["Id"]) >= MAX_GROUPS_PER_POOL:
        raise LimitExceededException(
            f"The user pool {pool['Id']} already has the maximum of {MAX_GROUPS_PER_POOL} groups."
        )
    created = await ctx.uow.groups.insert(
        pool["Id"],
        name,
        description=req.get("Description"),
        role_arn=req.get("RoleArn"),
        precedence=req.get("Precedence"),
        now=ctx.now,
    )
    if not created:
        raise exists
    return {"Group": await load_group(ctx, pool["Id"], name)}


@operation("GetGroup", write=False)
async def get_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    return {"Group": await load_group(ctx, pool["Id"], req["GroupName"])}


@operation("UpdateGroup", write=True)
async def update_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Changes only the members given; omitted ones keep their value (the API has no way to clear one)."""
    check_precedence(req)
    pool = await load_pool(ctx, req["UserPoolId"])
    name = req["GroupName"]
    await load_group(ctx, pool["Id"], name)
    changes: dict[str, Any] = {k: req[k] for k in ("Description", "RoleArn", "Precedence") if k in req}
    await ctx.uow.groups.update(pool["Id"], name, changes, ctx.now)
    return {"Group": await load_group(ctx, pool["Id"], name)}


@operation("DeleteGroup", write=True)
async def delete_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Deletes the group and every membership in it; the members themselves stay."""
    pool = await load_pool(ctx, req["UserPoolId"])
    await load_group(ctx, pool["Id"], req["GroupName"])
    await ctx.uow.groups.delete(pool["Id"], req["GroupName"])
    return {}


@operation("ListGroups", write=False)
async def list_groups(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The pool's groups ordered by name, ``Limit`` (default 60) at a time."""
    pool = await load_pool(ctx, req["UserPoolId"])
    after, limit = page_request(req, str)
    found = await ctx.uow.groups.page(pool["Id"], after, limit + 1)
    out: dict[str, Any] = {"Groups": found[:limit]}
    if len(found) > limit:
        out["NextToken"] = encode_token(found[limit - 1]["GroupName"])
    return out


# Memberships.


@operation("AdminAddUserToGroup", write=True)
async def admin_add_user_to_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Adds the user (by username or alias) to the group; adding a member again changes nothing."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    group = await load_group(ctx, pool["Id"], req["GroupName"])
    user = await load_user(ctx, pool, req["Username"])
    repo = ctx.uow.groups
    if await repo.is_member(group["GroupName"], user.id):
        return {}
    if await repo.count_groups_of_user(user.id) >= MAX_GROUPS_PER_USER:
        raise LimitExceededException(f"A user can be a member of at most {MAX_GROUPS_PER_USER} groups.")
    await repo.add_member(pool["Id"], group["GroupName"], user.id)
    return {}


@operation("AdminRemoveUserFromGroup", write=True)
async def admin_remove_user_from_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Removes the user from the group; a user who is not a member is left as is (no error, as Cognito)."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    group = await load_group(ctx, pool["Id"], req["GroupName"])
    user = await load_user(ctx, pool, req["Username"])
    await ctx.uow.groups.remove_member(group["GroupName"], user.id)
    return {}


@operation("AdminListGroupsForUser", write=False)
async def admin_list_groups_for_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The user's groups ordered by name, ``Limit`` (default 60) at a time."""
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    user = await load_user(ctx, pool, req["Username"])
    after, limit = page_request(req, str)
    found = await ctx.uow.groups.page_of_user(user.id, after, limit + 1)
    out: dict[str, Any] = {"Groups": found[:limit]}
    if len(found) > limit:
        out["NextToken"] = encode_token(found[limit - 1]["GroupName"])
    return out


@operation("ListUsersInGroup", write=False)
async def list_users_in_group(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The group's members as ``UserType``, oldest user first, ``Limit`` (default 60) at a time."""
    pool = await load_pool(ctx, req["UserPoolId"])
    group = await load_group(ctx, pool["Id"], req["GroupName"])
    after, limit = page_request(req, int)
    ids = await ctx.uow.groups.member_ids(pool["Id"], group["GroupName"], after, limit + 1)
    members = await ctx.uow.users.by_ids(ids[:limit])
    out: dict[str, Any] = {"Users": [user_type(user) for user in members]}
    if len(ids) > limit:
        out["NextToken"] = encode_token(ids[limit - 1])
    return out
