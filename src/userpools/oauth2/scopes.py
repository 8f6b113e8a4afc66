"""Which OAuth 2.0 scopes a request gets: the client's AllowedOAuthScopes, resource servers, openid rules.

Developer guide, "Scopes, M2M, and resource servers"
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html)
and the authorize endpoint page: no ``scope`` parameter means every scope the client allows;
``email``, ``phone`` and ``profile`` need ``openid``; a custom scope ``<identifier>/<name>`` must still
exist on the pool's resource server. Machine tokens (client_credentials) carry custom scopes only.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.oauth_config import RESERVED_SCOPES, custom_scope_parts
from userpools.oauth2.errors import InvalidScope
from userpools.operations.context import Context

NEEDS_OPENID = frozenset({"email", "phone", "profile"})


def requested(value: str | None) -> list[str]:
    """The space-separated ``scope`` parameter as a list without repeats (order kept)."""
    return list(dict.fromkeys((value or "").split()))


async def _custom_scope_exists(ctx: Context, pool_id: str, scope: str) -> bool:
    parts = custom_scope_parts(scope)
    if parts is None:
        return False
    server = await ctx.uow.resource_servers.get(pool_id, parts[0])
    return server is not None and any(s.get("ScopeName") == parts[1] for s in server["Scopes"])


async def user_scopes(ctx: Context, client: dict[str, Any], value: str | None) -> list[str]:
    """The scopes of a user sign-in (code or implicit grant); InvalidScope when one can't be granted."""
    allowed = list(client.get("AllowedOAuthScopes") or [])
    wanted = requested(value) or allowed
    for scope in wanted:
        if scope not in allowed:
            raise InvalidScope(f"The scope {scope} is not allowed for this app client.")
        if scope not in RESERVED_SCOPES and not await _custom_scope_exists(ctx, client["UserPoolId"], scope):
            raise InvalidScope(f"The scope {scope} does not exist.")
    if NEEDS_OPENID & set(wanted) and "openid" not in wanted:
        raise InvalidScope("The email, phone and profile scopes can only be requested with openid.")
    if not wanted:
        raise InvalidScope("No scope can be granted to this app client.")
    return wanted


async def machine_scopes(ctx: Context, client: dict[str, Any], value: str | None) -> list[str]:
    """The custom scopes of a client_credentials grant: those asked for, or every one the client allows."""
    allowed = [s for s in client.get("AllowedOAuthScopes") or [] if s not in RESERVED_SCOPES]
    wanted = requested(value) or allowed
    for scope in wanted:
        if scope not in allowed or not await _custom_scope_exists(ctx, client["UserPoolId"], scope):
            raise InvalidScope(f"The scope {scope} is not a custom scope this app client may request.")
    if not wanted:
        raise InvalidScope("The app client allows no custom scope.")
    return wanted
