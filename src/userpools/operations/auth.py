"""Sign-in operations: InitiateAuth, AdminInitiateAuth, RespondToAuthChallenge, AdminRespondToAuthChallenge.

The state machine is in ``userpools.auth.flows``; these handlers only pick the public or admin variant.
All four write: failed-attempt counters, answered challenges and refresh tokens are stored.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import flows
from userpools.operations.context import Context
from userpools.operations.registry import operation


@operation("InitiateAuth", write=True)
async def initiate_auth(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_InitiateAuth: USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH, CUSTOM_AUTH."""
    return await flows.initiate(ctx, req, admin=False)


@operation("AdminInitiateAuth", write=True)
async def admin_initiate_auth(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminInitiateAuth: USER_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH), refresh, custom."""
    return await flows.initiate(ctx, req, admin=True)


@operation("RespondToAuthChallenge", write=True)
async def respond_to_auth_challenge(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_RespondToAuthChallenge: PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED, MFA, device, CUSTOM_CHALLENGE."""
    return await flows.respond(ctx, req, admin=False)


@operation("AdminRespondToAuthChallenge", write=True)
async def admin_respond_to_auth_challenge(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminRespondToAuthChallenge: as RespondToAuthChallenge (no device tracking)."""
    return await flows.respond(ctx, req, admin=True)
