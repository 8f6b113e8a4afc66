"""Provisioned limits (GetProvisionedLimit / UpdateProvisionedLimit) and request-rate quotas, through boto3.

Servers with a frozen FakeClock put every request in the same one-second window, so counts are exact.
``throttled`` counts per pool (USERPOOLS_QUOTA_SCOPE=pool, the default), ``account_wide`` per region.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_auth_support import error_of, make_client, make_pool, make_user, password_auth

from pg_support import store_server
from userpools.config import Settings
from userpools.operations.quotas import CATEGORY_OF, DEFAULTS
from userpools.ports import FakeClock
from userpools.protocol import model
from userpools.testing import RunningServer


def definition(category: str) -> dict[str, Any]:
    return {"LimitClass": "API_CATEGORY", "Attributes": {"Category": category}}


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def throttled(clock: FakeClock) -> Iterator[RunningServer]:
    with store_server(clock=clock, quotas="on") as srv:
        yield srv


@pytest.fixture(scope="module")
def account_wide(clock: FakeClock) -> Iterator[RunningServer]:
    with store_server(clock=clock, quotas="on", quota_scope="account") as srv:
        yield srv


@pytest.fixture(scope="module")
def unthrottled(clock: FakeClock) -> Iterator[RunningServer]:
    with store_server(clock=clock) as srv:
        yield srv


def test_get_returns_the_default_until_updated(unthrottled: RunningServer) -> None:
    idp = unthrottled.client()
    limit = idp.get_provisioned_limit(LimitDefinition=definition("UserCreation"))["Limit"]
    assert limit == {
        "LimitDefinition": definition("UserCreation"),
        "ProvisionedLimitValue": 50,
        "FreeLimitValue": 50,
    }
    updated = idp.update_provisioned_limit(LimitDefinition=definition("UserCreation"), RequestedLimitValue=80)
    assert (updated["Limit"]["ProvisionedLimitValue"], updated["Limit"]["FreeLimitValue"]) == (80, 50)
    again = idp.get_provisioned_limit(LimitDefinition=definition("UserCreation"))["Limit"]
    assert again["ProvisionedLimitValue"] == 80
    assert (
        idp.get_provisioned_limit(LimitDefinition=definition("UserList"))["Limit"]["ProvisionedLimitValue"]
        == 30
    )


def test_errors(unthrottled: RunningServer) -> None:
    idp = unthrottled.client()
    get, update = idp.get_provisioned_limit, idp.update_provisioned_limit
    assert error_of(get, LimitDefinition=definition("Nope"))[0] == "ResourceNotFoundException"
    assert error_of(update, LimitDefinition=definition("Nope"), RequestedLimitValue=60)[0] == (
        "ResourceNotFoundException"
    )
    no_category = {"LimitClass": "API_CATEGORY", "Attributes": {"Name": "UserRead"}}
    assert error_of(get, LimitDefinition=no_category)[0] == "InvalidParameterException"
    extra = {"LimitClass": "API_CATEGORY", "Attributes": {"Category": "UserRead", "Pool": "x"}}
    assert error_of(get, LimitDefinition=extra)[0] == "InvalidParameterException"
    bad_class = {"LimitClass": "RESOURCE", "Attributes": {"Category": "UserRead"}}
    assert error_of(get, LimitDefinition=bad_class)[0] == "InvalidParameterException"
    code, message = error_of(update, LimitDefinition=definition("UserRead"), RequestedLimitValue=119)
    assert code == "InvalidParameterException" and "120" in message
    code, message = error_of(update, LimitDefinition=definition("UserRead"), RequestedLimitValue=1201)
    assert code == "ServiceQuotaExceededException" and "1200" in message
    assert (
        idp.get_provisioned_limit(LimitDefinition=definition("UserRead"))["Limit"]["ProvisionedLimitValue"]
        == 120
    )


def test_nothing_is_counted_when_quotas_are_off(unthrottled: RunningServer) -> None:
    idp = unthrottled.client()
    pool_id = make_pool(idp)
    for _ in range(DEFAULTS["UserPoolRead"] * 2):
        idp.describe_user_pool(UserPoolId=pool_id)


def test_a_category_over_its_rate_is_throttled_until_the_next_second(
    throttled: RunningServer, clock: FakeClock
) -> None:
    idp = throttled.client()
    pool_id = make_pool(idp)
    clock.advance(1)
    for _ in range(DEFAULTS["UserPoolRead"]):
        idp.describe_user_pool(UserPoolId=pool_id)
    code, message = error_of(idp.get_user_pool_mfa_config, UserPoolId=pool_id)  # same category
    assert code == "TooManyRequestsException" and "UserPoolRead" in message
    idp.list_users(UserPoolId=pool_id)  # another category has its own rate
    clock.advance(1)
    idp.describe_user_pool(UserPoolId=pool_id)


def test_a_raised_limit_is_enforced_at_once(throttled: RunningServer, clock: FakeClock) -> None:
    idp = throttled.client()
    pool_id = make_pool(idp)
    idp.update_provisioned_limit(LimitDefinition=definition("UserPoolClientRead"), RequestedLimitValue=20)
    clock.advance(1)
    for _ in range(20):
        idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=10)
    assert (
        error_of(idp.list_user_pool_clients, UserPoolId=pool_id, MaxResults=10)[0]
        == "TooManyRequestsException"
    )


def test_respond_to_auth_challenge_has_three_times_the_authentication_rate(
    throttled: RunningServer, clock: FakeClock
) -> None:
    idp = throttled.client()
    clock.advance(1)
    client_id = "1" * 26
    calls = 0
    while True:  # unknown client: each call still counts against the category before failing
        code, _ = error_of(
            idp.respond_to_auth_challenge,
            ClientId=client_id,
            ChallengeName="SMS_MFA",
            Session="s" * 20,
            ChallengeResponses={"USERNAME": "u"},
        )
        if code == "TooManyRequestsException":
            break
        calls += 1
    assert calls == 3 * DEFAULTS["UserAuthentication"]
    assert error_of(idp.initiate_auth, ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={})[
        0
    ] in ("ResourceNotFoundException", "InvalidParameterException")  # initiate counts apart


def outcome(call: Any, **kwargs: Any) -> str:
    """ "ok", or the error code of a call that may fail for reasons of its own (an unknown user, ...)."""
    try:
        call(**kwargs)
    except ClientError as exc:
        return str(exc.response["Error"]["Code"])
    return "ok"


THROTTLED = "TooManyRequestsException"


def test_each_pool_has_its_own_rate_in_pool_scope(throttled: RunningServer, clock: FakeClock) -> None:
    idp = throttled.client()
    pool_a, pool_b = make_pool(idp), make_pool(idp)
    clock.advance(1)
    for _ in range(DEFAULTS["UserPoolRead"]):
        idp.describe_user_pool(UserPoolId=pool_a)
    code, message = error_of(idp.get_user_pool_mfa_config, UserPoolId=pool_a)
    assert code == THROTTLED and "UserPoolRead" in message
    for _ in range(DEFAULTS["UserPoolRead"]):  # pool A is over its rate, pool B has all of its own
        idp.describe_user_pool(UserPoolId=pool_b)
    assert error_of(idp.describe_user_pool, UserPoolId=pool_b)[0] == THROTTLED
    idp.list_user_pools(MaxResults=10)  # no pool: the region's own UserPoolRead counter
    clock.advance(1)
    idp.describe_user_pool(UserPoolId=pool_a)


def test_a_provisioned_limit_applies_to_each_pool(throttled: RunningServer, clock: FakeClock) -> None:
    idp = throttled.client()
    pools = make_pool(idp), make_pool(idp)
    idp.update_provisioned_limit(LimitDefinition=definition("UserPoolResourceRead"), RequestedLimitValue=25)
    clock.advance(1)
    for pool_id in pools:
        for _ in range(25):
            idp.list_groups(UserPoolId=pool_id)
        assert error_of(idp.list_groups, UserPoolId=pool_id)[0] == THROTTLED


def test_client_id_operations_count_against_the_client_pool(
    throttled: RunningServer, clock: FakeClock
) -> None:
    idp = throttled.client()
    pool_a, pool_b = make_pool(idp), make_pool(idp)
    client_a, client_b = (make_client(idp, p)["ClientId"] for p in (pool_a, pool_b))
    clock.advance(1)
    # UserAccountRecovery: ForgotPassword by ClientId and AdminResetUserPassword by UserPoolId share
    # pool A's counter; the user does not exist, which fails each call only after it was counted.
    for _ in range(DEFAULTS["UserAccountRecovery"] // 2):
        assert outcome(idp.forgot_password, ClientId=client_a, Username="nobody") != THROTTLED
        assert outcome(idp.admin_reset_user_password, UserPoolId=pool_a, Username="nobody") != THROTTLED
    assert error_of(idp.forgot_password, ClientId=client_a, Username="nobody")[0] == THROTTLED
    assert error_of(idp.admin_reset_user_password, UserPoolId=pool_a, Username="nobody")[0] == THROTTLED
    assert outcome(idp.forgot_password, ClientId=client_b, Username="nobody") != THROTTLED
    assert outcome(idp.admin_reset_user_password, UserPoolId=pool_b, Username="nobody") != THROTTLED
    # A client id of no pool counts in the region's counter, which nothing else used.
    assert outcome(idp.forgot_password, ClientId="9" * 26, Username="nobody") == "ResourceNotFoundException"


def test_access_token_operations_count_against_the_token_pool(
    throttled: RunningServer, clock: FakeClock
) -> None:
    idp = throttled.client()
    tokens = []
    for _ in range(2):
        pool_id = make_pool(idp)
        make_user(idp, pool_id, "ada")
        client_id = make_client(idp, pool_id)["ClientId"]
        tokens.append((pool_id, password_auth(idp, client_id, "ada")["AuthenticationResult"]["AccessToken"]))
    (pool_a, token_a), (pool_b, token_b) = tokens
    clock.advance(1)
    for _ in range(DEFAULTS["UserRead"] // 2):  # GetUser by token and AdminGetUser share pool A's counter
        idp.get_user(AccessToken=token_a)
        idp.admin_get_user(UserPoolId=pool_a, Username="ada")
    assert error_of(idp.get_user, AccessToken=token_a)[0] == THROTTLED
    assert error_of(idp.admin_get_user, UserPoolId=pool_a, Username="ada")[0] == THROTTLED
    idp.get_user(AccessToken=token_b)
    idp.admin_get_user(UserPoolId=pool_b, Username="ada")
    # A token that is no JWT names no pool: the region's counter, where it fails as invalid.
    assert error_of(idp.get_user, AccessToken="not.a-jwt")[0] == "NotAuthorizedException"


def test_respond_to_auth_challenge_counts_apart_per_pool(throttled: RunningServer, clock: FakeClock) -> None:
    idp = throttled.client()
    client_a, client_b = (make_client(idp, make_pool(idp))["ClientId"] for _ in range(2))

    def respond(client_id: str) -> str:
        return outcome(
            idp.respond_to_auth_challenge,
            ClientId=client_id,
            ChallengeName="SMS_MFA",
            Session="s" * 20,
            ChallengeResponses={"USERNAME": "u"},
        )

    clock.advance(1)
    for _ in range(3 * DEFAULTS["UserAuthentication"]):
        assert respond(client_a) != THROTTLED
    assert respond(client_a) == THROTTLED
    assert respond(client_b) != THROTTLED
    assert outcome(idp.initiate_auth, ClientId=client_a, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={
        "USERNAME": "u", "PASSWORD": "p"}) != THROTTLED  # fmt: skip


def test_all_pools_share_one_counter_in_account_scope(account_wide: RunningServer, clock: FakeClock) -> None:
    idp = account_wide.client()
    pool_a, pool_b = make_pool(idp), make_pool(idp)
    client_b = make_client(idp, pool_b)["ClientId"]
    clock.advance(1)
    for i in range(DEFAULTS["UserPoolRead"]):
        idp.describe_user_pool(UserPoolId=(pool_a, pool_b)[i % 2])
    assert error_of(idp.describe_user_pool, UserPoolId=pool_b)[0] == THROTTLED
    assert error_of(idp.list_user_pools, MaxResults=10)[0] == THROTTLED
    for _ in range(DEFAULTS["UserAccountRecovery"]):
        assert outcome(idp.admin_reset_user_password, UserPoolId=pool_a, Username="nobody") != THROTTLED
    assert error_of(idp.forgot_password, ClientId=client_b, Username="nobody")[0] == THROTTLED


def test_every_categorized_operation_is_in_the_model() -> None:
    assert set(CATEGORY_OF) <= set(model.operation_names())
    assert set(CATEGORY_OF.values()) <= set(DEFAULTS)


def test_quotas_setting_is_on_or_off() -> None:
    with pytest.raises(ValueError, match="USERPOOLS_QUOTAS"):
        Settings(quotas="maybe").check()


def test_quota_scope_setting_is_pool_or_account() -> None:
    assert Settings().quota_scope == "pool"
    Settings(quota_scope="account").check()
    with pytest.raises(ValueError, match="USERPOOLS_QUOTA_SCOPE"):
        Settings(quota_scope="region").check()
