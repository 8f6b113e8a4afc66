"""User pool MFA configuration: GetUserPoolMfaConfig and SetUserPoolMfaConfig.

Implements https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserPoolMfaConfig.html
and API_GetUserPoolMfaConfig.html; the rules are in ``domain.pool_mfa``. The configuration lives in the pool
document, so DescribeUserPool's MfaConfiguration, SmsConfiguration and SmsAuthenticationMessage always agree
with it.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import pool_mfa
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation


@operation("GetUserPoolMfaConfig", write=False)
async def get_user_pool_mfa_config(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return pool_mfa.view(await load_pool(ctx, req["UserPoolId"]))


@operation("SetUserPoolMfaConfig", write=True)
async def set_user_pool_mfa_config(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Replaces the whole MFA configuration (omitted factors are turned off) and answers it."""
    pool = await load_pool(ctx, req["UserPoolId"])
    pool.update(pool_mfa.set_config(pool, req))
    await ctx.uow.pools.replace(pool["Id"], pool, ctx.now)
    return pool_mfa.view(pool)
