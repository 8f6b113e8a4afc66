"""GetLogDeliveryConfiguration and SetLogDeliveryConfiguration (docs/threat-protection.md).

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetLogDeliveryConfiguration.html
https://docs.aws.amazon.com/cognito/latest/developerguide/exporting-quotas-and-usage.html
The configurations are stored in the pool document (``domain.log_delivery``); their destination ARNs map
to local JSON-lines files (``adapters.log_sink``). userNotification logs go to a CloudWatch log group, as
in Cognito; userAuthEvents (threat protection activity) to any of the three and need the PLUS plan.
Difference: Cognito takes only ERROR for userNotification and INFO for userAuthEvents; both levels are
accepted here (userNotification INFO also logs successful deliveries, userAuthEvents ERROR only failures).
"""

from __future__ import annotations

import copy
from typing import Any

from userpools.adapters.log_sink import destination
from userpools.domain.log_delivery import AUTH_EVENTS, LOG_KEY, NOTIFICATION
from userpools.domain.pool_config import DEFAULT_TIER
from userpools.errors import FeatureUnavailableInTierException, InvalidParameterException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation

_DESTINATIONS = ("CloudWatchLogsConfiguration", "S3Configuration", "FirehoseConfiguration")


def _checked(pool: dict[str, Any], configs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for config in configs:
        source = config["EventSource"]
        if source in seen:
            raise InvalidParameterException(f"LogConfigurations has more than one {source} configuration.")
        seen.add(source)
        given = [d for d in _DESTINATIONS if d in config]
        if len(given) != 1:
            raise InvalidParameterException(
                f"A {source} log configuration needs exactly one destination: "
                "CloudWatchLogsConfiguration, S3Configuration or FirehoseConfiguration."
            )
        if source == NOTIFICATION and given[0] != "CloudWatchLogsConfiguration":
            raise InvalidParameterException(
                "userNotification logs can only be delivered to CloudWatchLogsConfiguration."
            )
        if source == AUTH_EVENTS and (pool.get("UserPoolTier") or DEFAULT_TIER) != "PLUS":
            raise FeatureUnavailableInTierException(
                "userAuthEvents logs (threat protection activity) need the PLUS feature plan."
            )
        if destination(config) is None:
            member = config[given[0]]
            raise InvalidParameterException(
                f"{given[0]} has an invalid ARN: {next(iter(member.values()), '')}"
            )
        out.append(
            copy.deepcopy(
                {k: v for k, v in config.items() if k in (*_DESTINATIONS, "EventSource", "LogLevel")}
            )
        )
    return out


def _answer(pool_id: str, configs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"LogDeliveryConfiguration": {"UserPoolId": pool_id, "LogConfigurations": configs}}


@operation("SetLogDeliveryConfiguration", write=True)
async def set_log_delivery_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Replaces the pool's log configurations (an empty list turns log delivery off)."""
    pool = await load_pool(ctx, req["UserPoolId"])
    configs = _checked(pool, list(req["LogConfigurations"]))
    doc = dict(pool)
    if configs:
        doc[LOG_KEY] = configs
    else:
        doc.pop(LOG_KEY, None)
    await ctx.uow.pools.replace(pool["Id"], doc, None)
    return _answer(pool["Id"], configs)


@operation("GetLogDeliveryConfiguration", write=False)
async def get_log_delivery_configuration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    return _answer(pool["Id"], copy.deepcopy(pool.get(LOG_KEY) or []))
