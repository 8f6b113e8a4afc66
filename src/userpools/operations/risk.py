"""Threat protection operations: risk configurations and users' auth events (docs/threat-protection.md).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetRiskConfiguration.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeRiskConfiguration.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminListUserAuthEvents.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateAuthEventFeedback.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateAuthEventFeedback.html
Every one needs the pool's threat protection on (UserPoolAddOns AdvancedSecurityMode AUDIT or ENFORCED):
UserPoolAddOnNotEnabledException otherwise. The sign-in side is ``auth.risk``.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import risk
from userpools.auth.risk_notify import open_feedback_token, wire_event
from userpools.domain import risk_config
from userpools.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    ResourceNotFoundException,
    UserPoolAddOnNotEnabledException,
)
from userpools.operations.clients import load_client
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import load_user
from userpools.protocol.pagination import decode_token, encode_token
from userpools.store.risk import POOL_WIDE, AuthEvent

DEFAULT_PAGE = 60  # MaxResults 0 or absent, as the API reference says


async def _protected_pool(ctx: Context, pool_id: str) -> dict[str, Any]:
    pool = await load_pool(ctx, pool_id)
    if risk.mode(pool) == risk.OFF:
        raise UserPoolAddOnNotEnabledException(
            "Threat protection is not enabled for this user pool: set UserPoolAddOns AdvancedSecurityMode "
            "to AUDIT or ENFORCED."
        )
    return pool


def _configuration(
    pool_id: str, client_id: str, found: tuple[dict[str, Any], float] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"UserPoolId": pool_id}
    if client_id != POOL_WIDE:
        out["ClientId"] = client_id
    if found is not None:
        doc, modified = found
        out.update(doc)
        out["LastModifiedDate"] = modified
    return {"RiskConfiguration": out}


@operation("SetRiskConfiguration", write=True)
async def set_risk_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Sets the pool's (or, with ClientId, one client's) configuration; none of the three members: the
    pool's goes back to the defaults, a client's goes back to inheriting the pool's."""
    pool = await _protected_pool(ctx, req["UserPoolId"])
    client_id = req.get("ClientId") or POOL_WIDE
    if client_id != POOL_WIDE:
        await load_client(ctx, pool["Id"], client_id)
    doc = risk_config.checked(req)
    if not doc:
        await ctx.uow.risk.delete_configuration(pool["Id"], client_id)
        return _configuration(pool["Id"], client_id, None)
    now = ctx.now
    await ctx.uow.risk.put_configuration(pool["Id"], client_id, doc, now)
    return _configuration(pool["Id"], client_id, (doc, now))


@operation("DescribeRiskConfiguration", write=False)
async def describe_risk_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """A client's own configuration when it has one, else the pool's (without ClientId)."""
    pool = await _protected_pool(ctx, req["UserPoolId"])
    client_id = req.get("ClientId")
    if client_id:
        await load_client(ctx, pool["Id"], client_id)
        own = await ctx.uow.risk.configuration(pool["Id"], client_id)
        if own is not None:
            return _configuration(pool["Id"], client_id, own)
    return _configuration(pool["Id"], POOL_WIDE, await ctx.uow.risk.configuration(pool["Id"], POOL_WIDE))


@operation("AdminListUserAuthEvents", write=False)
async def admin_list_user_auth_events(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The user's auth events, newest first; NextToken is the (CreationDate, EventId) of the page's last."""
    pool = await _protected_pool(ctx, req["UserPoolId"])
    user = await load_user(ctx, pool, req["Username"])
    limit = int(req.get("MaxResults") or DEFAULT_PAGE)
    before = decode_token(req.get("NextToken"))
    if before is not None and not (
        isinstance(before, list) and len(before) == 2 and isinstance(before[0], int | float)
        and isinstance(before[1], str)
    ):  # fmt: skip
        raise InvalidParameterException("Invalid pagination token.")
    page = await ctx.uow.risk.events(user.id, limit + 1, (float(before[0]), before[1]) if before else None)
    out: dict[str, Any] = {"AuthEvents": [wire_event(e) for e in page[:limit]]}
    if len(page) > limit:
        last = page[limit - 1]
        out["NextToken"] = encode_token([last.created, last.event_id])
    return out


async def _event(ctx: Context, user_id: int, event_id: str) -> AuthEvent:
    event = await ctx.uow.risk.event(user_id, event_id)
    if event is None:
        raise ResourceNotFoundException(f"Auth event {event_id} does not exist for the user.")
    return event


@operation("AdminUpdateAuthEventFeedback", write=True)
async def admin_update_auth_event_feedback(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await _protected_pool(ctx, req["UserPoolId"])
    user = await load_user(ctx, pool, req["Username"])
    event = await _event(ctx, user.id, req["EventId"])
    await ctx.uow.risk.set_feedback(event.event_id, req["FeedbackValue"], "Admin", ctx.now)
    return {}


@operation("UpdateAuthEventFeedback", write=True)
async def update_auth_event_feedback(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """The user's answer to a notification email: FeedbackToken is the one its links carry."""
    pool = await _protected_pool(ctx, req["UserPoolId"])
    user = await load_user(ctx, pool, req["Username"])
    issued = open_feedback_token(ctx, req["FeedbackToken"])
    if issued != (pool["Id"], user.id, req["EventId"]):
        raise NotAuthorizedException("The feedback token is not valid for this event.")
    event = await _event(ctx, user.id, req["EventId"])
    await ctx.uow.risk.set_feedback(event.event_id, req["FeedbackValue"], "User", ctx.now)
    return {}
