"""Point-in-time recovery: InitiatePointInTimeRecovery, DescribePointInTimeRecovery,
ListPointInTimeRecoveries, StartPointInTimeRecovery and CancelPointInTimeRecovery.

Follows the model's documentation of these operations (newer than the developer guide): Essentials pools
recover up to 1 day back, Plus pools 14 days, Lite pools not at all (FeatureUnavailableInTierException);
the point must be 15 minutes in the past (USERPOOLS_PITR_MIN_AGE) and not before the pool was created;
one active recovery per pool, five across the store ("account"), three previews a day and ten in 30 days
per pool, one completed recovery a day (LimitExceededException). While a recovery is pending, writes to
the pool's user data fail with ConcurrentModificationException (store/journal.py).

Known differences (docs/recovery.md): the preview is computed in the initiating request, so a recovery
is PREVIEW_GENERATED as soon as Initiate answers (PREVIEW_GENERATING is never seen); Start applies the
recovery in its own transaction and answers RESTORE_COMPLETED (RESTORING is never seen by another
request). History is bounded by USERPOOLS_PITR_RETENTION_DAYS as well as by the feature plan.
"""

from __future__ import annotations

from typing import Any

from userpools.errors import (
    ConcurrentModificationException,
    FeatureUnavailableInTierException,
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
)
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import decode_token, encode_token
from userpools.store import restore
from userpools.store.journal import compact
from userpools.store.recoveries import Recovery

DAY = 86_400.0
WINDOW_DAYS = {"ESSENTIALS": 1, "PLUS": 14}  # recovery period by feature plan
PREVIEWS_PER_DAY, PREVIEWS_PER_30_DAYS, ACTIVE_PER_ACCOUNT = 3, 10, 5


def restoration(rec: Recovery, now: float) -> dict[str, Any]:
    """The wire ``RestorationType``; the preview once there is one."""
    out: dict[str, Any] = {
        "RestoreId": rec.id,
        "RestoreStatus": rec.effective_status(now),
        "RestoreTimestamp": rec.restore_at,
        "TriggerTimestamp": rec.trigger_at,
    }
    if rec.preview is not None:
        out["RestorePreview"] = rec.preview
    return out


async def load_recovery(ctx: Context, req: dict[str, Any]) -> Recovery:
    pool = await load_pool(ctx, req["UserPoolId"])
    rec = await ctx.uow.recoveries.get(pool["Id"], req["RestoreId"])
    if rec is None:
        raise ResourceNotFoundException(
            f"Recovery {req['RestoreId']} does not exist in user pool {pool['Id']}."
        )
    return rec


def check_point(ctx: Context, pool: dict[str, Any], at: float) -> None:
    tier = pool.get("UserPoolTier") or "ESSENTIALS"
    if tier not in WINDOW_DAYS:
        raise FeatureUnavailableInTierException(
            "Point-in-time recovery requires the Essentials or Plus feature plan."
        )
    now = ctx.now
    days = min(WINDOW_DAYS[tier], ctx.settings.pitr_retention_days)
    if at > now - ctx.settings.pitr_min_age:
        raise InvalidParameterException(
            f"RestoreTimestamp must be at least {ctx.settings.pitr_min_age} seconds in the past."
        )
    if at < now - days * DAY:
        raise InvalidParameterException(
            f"RestoreTimestamp must be within the recovery period of the {tier} feature plan ({days} days)."
        )
    if at < float(pool["CreationDate"]):
        raise InvalidParameterException(
            "RestoreTimestamp can't be earlier than the creation of the user pool."
        )


async def check_quotas(ctx: Context, pool_id: str) -> None:
    now = ctx.now
    recent = await ctx.uow.recoveries.of_pool_since(pool_id, now - 30 * DAY)
    if any(r.active(now) for r in recent):
        raise ConcurrentModificationException(f"User pool {pool_id} already has an active recovery.")
    if sum(r.created > now - DAY for r in recent) >= PREVIEWS_PER_DAY:
        raise LimitExceededException(
            f"A user pool can have {PREVIEWS_PER_DAY} recovery previews in 24 hours."
        )
    if len(recent) >= PREVIEWS_PER_30_DAYS:
        raise LimitExceededException(
            f"A user pool can have {PREVIEWS_PER_30_DAYS} recovery previews in 30 days."
        )
    if any(r.status == "RESTORE_COMPLETED" and (r.finished or 0) > now - DAY for r in recent):
        raise LimitExceededException("A user pool can complete one recovery in 24 hours.")
    if await ctx.uow.recoveries.active_in_store(now) >= ACTIVE_PER_ACCOUNT:
        raise LimitExceededException(f"An account can have {ACTIVE_PER_ACCOUNT} active recoveries at a time.")


@operation("InitiatePointInTimeRecovery", write=True)
async def initiate(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    at = req["RestoreTimestamp"]
    check_point(ctx, pool, at)
    await check_quotas(ctx, pool["Id"])
    now = ctx.now
    # History older than the retention window can never be asked for again: fold it up here.
    await compact(ctx.uow.conn, pool["Id"], now - ctx.settings.pitr_retention_days * DAY)
    plan = await restore.plan(ctx.uow.conn, pool["Id"], at)
    rec = Recovery(ctx.random.uuid4(), pool["Id"], "PREVIEW_GENERATED", at, now, now, None, plan.preview())
    await ctx.uow.recoveries.insert(rec)
    return {"Restoration": restoration(rec, now)}


@operation("DescribePointInTimeRecovery", write=False)
async def describe(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"Restoration": restoration(await load_recovery(ctx, req), ctx.now)}


@operation("ListPointInTimeRecoveries", write=False)
async def list_recoveries(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    after = decode_token(req.get("NextToken"))
    if after is not None and not (
        isinstance(after, list)
        and len(after) == 2
        and isinstance(after[0], float)
        and isinstance(after[1], str)
    ):
        raise InvalidParameterException("Invalid pagination token.")
    limit = req.get("MaxResults") or 60
    found = await ctx.uow.recoveries.page(pool["Id"], tuple(after) if after else None, limit + 1)
    now = ctx.now
    out: dict[str, Any] = {
        "Restorations": [
            {"RestoreId": r.id, "RestoreStatus": r.effective_status(now), "RestoreTimestamp": r.restore_at}
            for r in found[:limit]
        ]
    }
    if len(found) > limit:
        out["NextToken"] = encode_token([found[limit - 1].created, found[limit - 1].id])
    return out


@operation("StartPointInTimeRecovery", write=True)
async def start(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rec = await load_recovery(ctx, req)
    now = ctx.now
    status = rec.effective_status(now)
    if status != "PREVIEW_GENERATED":
        raise InvalidParameterException(
            f"Recovery {rec.id} is {status}; only a PREVIEW_GENERATED one can start."
        )
    await ctx.uow.recoveries.set_status(rec.id, "RESTORING")
    ctx.uow.journal.bypass = True  # this is the one writer the pause lets through
    plan = await restore.plan(ctx.uow.conn, rec.pool_id, rec.restore_at)
    await restore.apply(ctx.uow.conn, ctx.uow.journal, rec.pool_id, plan)
    await ctx.uow.recoveries.set_status(rec.id, "RESTORE_COMPLETED", finished=now)
    return {"Restoration": {**restoration(rec, now), "RestoreStatus": "RESTORE_COMPLETED"}}


@operation("CancelPointInTimeRecovery", write=True)
async def cancel(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    rec = await load_recovery(ctx, req)
    now = ctx.now
    status = rec.effective_status(now)
    if status not in ("PREVIEW_GENERATING", "PREVIEW_GENERATED"):
        raise InvalidParameterException(
            f"Recovery {rec.id} is {status}; only a recovery not started can be cancelled."
        )
    await ctx.uow.recoveries.set_status(rec.id, "PREVIEW_CANCELLED", finished=now)
    return {"Restoration": {**restoration(rec, now), "RestoreStatus": "PREVIEW_CANCELLED"}}
