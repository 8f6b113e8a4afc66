"""ListUsers: filtered, paged listing over an index (never a scan of the pool).

See API_ListUsers.html. Pages are ordered by the filtered attribute, then username; the token is the
last (value, username key) of the page.
Difference: AttributesToGet never fails because a listed user lacks a requested attribute.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import list_filter
from userpools.domain.schema import by_name
from userpools.errors import InvalidParameterException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import rules_of, user_type
from userpools.protocol.pagination import decode_token, encode_token

MAX_LIMIT = 60


@operation("ListUsers", write=False)
async def list_users(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ListUsers: ``Filter`` (one attribute, ``=`` or ``^=``), ``AttributesToGet``, ``Limit`` ≤ 60."""
    pool = await load_pool(ctx, req["UserPoolId"])
    rules = rules_of(pool)
    query = list_filter.parse(req.get("Filter"))
    wanted = req.get("AttributesToGet") or None
    if wanted:
        known = by_name(rules.schema)
        unknown = [name for name in wanted if name not in known]
        if unknown:
            raise InvalidParameterException(
                f"One or more requested attributes do not exist: {', '.join(unknown)}"
            )
    limit = req.get("Limit") or MAX_LIMIT
    after = _after(req.get("PaginationToken"), query.column)
    rows = await ctx.uow.users.page(rules.pool_id, query.column, query.condition, after, limit + 1)
    out: dict[str, Any] = {"Users": [user_type(user, wanted) for _v, _k, user in rows[:limit]]}
    if len(rows) > limit:
        value, key, _user = rows[limit - 1]
        out["PaginationToken"] = encode_token([query.column, value, key])
    return out


def _after(token: str | None, column: str) -> tuple[Any, str] | None:
    """The last key of the previous page; a token of another filter's column is refused."""
    key = decode_token(token)
    if key is None:
        return None
    value_type = bool if column == "enabled" else str
    if not (
        isinstance(key, list)
        and len(key) == 3
        and key[0] == column
        and isinstance(key[1], value_type)
        and isinstance(key[2], str)
    ):
        raise InvalidParameterException("Invalid pagination token.")
    return key[1], key[2]
