"""Provisioned limits (GetProvisionedLimit / UpdateProvisionedLimit) and request-rate quotas, through boto3.

Servers with a frozen FakeClock put every request in the same one-second window, so counts are exact.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from test_auth_support import error_of, make_pool

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


def test_every_categorized_operation_is_in_the_model() -> None:
    assert set(CATEGORY_OF) <= set(model.operation_names())
    assert set(CATEGORY_OF.values()) <= set(DEFAULTS)


def test_quotas_setting_is_on_or_off() -> None:
    with pytest.raises(ValueError, match="USERPOOLS_QUOTAS"):
        Settings(quotas="maybe").check()
