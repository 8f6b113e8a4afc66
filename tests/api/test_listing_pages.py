"""No listing returns more than the model's largest page (docs/limits.md), whatever the pool holds.

Each listing gets one item more than its page maximum (read from the botocore model): asked for the maximum
it returns exactly that many and a token for the rest; asked for nothing it returns at most the maximum;
asked for more than the maximum it is refused. Following the tokens reaches every item once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from test_auth_support import error_of, make_client, make_pool, make_user
from test_risk_support import STRONG, setup, sign_in


def page_max(idp: Any, operation: str, member: str) -> int:
    shape = idp.meta.service_model.operation_model(operation).input_shape.members[member]
    return int(shape.metadata["max"])


# operation, size member, token in, token out, items member
LISTINGS = {
    "ListUsers": ("Limit", "PaginationToken", "PaginationToken", "Users"),
    "ListGroups": ("Limit", "NextToken", "NextToken", "Groups"),
    "ListUsersInGroup": ("Limit", "NextToken", "NextToken", "Users"),
    "AdminListGroupsForUser": ("Limit", "NextToken", "NextToken", "Groups"),
    "ListUserPoolClients": ("MaxResults", "NextToken", "NextToken", "UserPoolClients"),
    "AdminListUserAuthEvents": ("MaxResults", "NextToken", "NextToken", "AuthEvents"),
}


def check(idp: Any, operation: str, expected: int, **base: Any) -> None:
    size, token_in, token_out, items = LISTINGS[operation]
    call: Callable[..., Any] = getattr(idp, _method(idp, operation))
    most = page_max(idp, operation, size)
    assert expected == most + 1
    first = call(**base, **{size: most})
    assert len(first[items]) == most and first.get(token_out)
    rest = call(**base, **{size: most, token_in: first[token_out]})
    assert len(rest[items]) == 1 and not rest.get(token_out)
    assert len(call(**base)[items]) <= most
    code, _ = error_of(call, **base, **{size: most + 1})
    assert code == "InvalidParameterException"


def _method(idp: Any, operation: str) -> str:
    return next(name for name, op in idp.meta.method_to_api_mapping.items() if op == operation)


@pytest.fixture
def crowded(idp: Any) -> str:
    """A pool with one user (``member``) in 61 groups, 61 users in group g000 and 61 app clients."""
    pool_id = make_pool(idp)
    most = page_max(idp, "ListGroups", "Limit")
    make_user(idp, pool_id, "member", STRONG)
    for n in range(most + 1):
        idp.create_group(UserPoolId=pool_id, GroupName=f"g{n:03d}")
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="member", GroupName=f"g{n:03d}")
    for n in range(most):
        idp.admin_create_user(UserPoolId=pool_id, Username=f"u{n:03d}", MessageAction="SUPPRESS")
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=f"u{n:03d}", GroupName="g000")
    for _ in range(page_max(idp, "ListUserPoolClients", "MaxResults") + 1):
        make_client(idp, pool_id)
    return pool_id


def test_pool_listings_stop_at_the_model_maximum(idp: Any, crowded: str) -> None:
    pool = {"UserPoolId": crowded}
    check(idp, "ListUsers", 61, **pool)
    check(idp, "ListGroups", 61, **pool)
    check(idp, "ListUsersInGroup", 61, GroupName="g000", **pool)
    check(idp, "AdminListGroupsForUser", 61, Username="member", **pool)
    check(idp, "ListUserPoolClients", 61, **pool)


def test_auth_events_stop_at_the_model_maximum(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    most = page_max(idp, "AdminListUserAuthEvents", "MaxResults")
    for _ in range(most + 1):
        sign_in(idp, client_id, "10.0.0.1")
    check(idp, "AdminListUserAuthEvents", most + 1, UserPoolId=pool_id, Username="alice")
