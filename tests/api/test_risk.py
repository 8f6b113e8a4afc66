"""SetRiskConfiguration / DescribeRiskConfiguration: pool-wide and per-client, defaults, errors."""

from __future__ import annotations

from typing import Any

import pytest
from test_auth_support import error_of, make_client, make_pool
from test_risk_support import SES, protected_pool, takeover

COMPROMISED = {"EventFilter": ["SIGN_IN", "SIGN_UP"], "Actions": {"EventAction": "BLOCK"}}
EXCEPTIONS = {"BlockedIPRangeList": ["203.0.113.0/24"], "SkippedIPRangeList": ["198.51.100.7/32"]}


def test_pool_configuration_round_trip(idp: Any) -> None:
    pool_id = protected_pool(idp)
    empty = idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"]
    assert empty == {"UserPoolId": pool_id}
    answer = idp.set_risk_configuration(
        UserPoolId=pool_id,
        CompromisedCredentialsRiskConfiguration=COMPROMISED,
        AccountTakeoverRiskConfiguration=takeover(low="MFA_IF_CONFIGURED", high="BLOCK", notify=True),
        RiskExceptionConfiguration=EXCEPTIONS,
    )["RiskConfiguration"]
    described = idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"]
    assert described == answer
    assert "ClientId" not in described and described["LastModifiedDate"]
    assert described["CompromisedCredentialsRiskConfiguration"] == COMPROMISED
    assert described["RiskExceptionConfiguration"] == EXCEPTIONS
    actions = described["AccountTakeoverRiskConfiguration"]["Actions"]
    assert actions["HighAction"] == {"EventAction": "BLOCK", "Notify": True}
    assert described["AccountTakeoverRiskConfiguration"]["NotifyConfiguration"]["SourceArn"] == SES


def test_only_the_pool_id_resets_to_the_defaults(idp: Any) -> None:
    pool_id = protected_pool(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, RiskExceptionConfiguration=EXCEPTIONS)
    reset = idp.set_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"]
    assert reset == {"UserPoolId": pool_id}
    assert idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"] == {"UserPoolId": pool_id}


def test_client_configuration_overrides_then_inherits(idp: Any) -> None:
    pool_id = protected_pool(idp, "AUDIT")
    one, other = (make_client(idp, pool_id)["ClientId"] for _ in range(2))
    idp.set_risk_configuration(UserPoolId=pool_id, RiskExceptionConfiguration=EXCEPTIONS)
    idp.set_risk_configuration(
        UserPoolId=pool_id, ClientId=one, CompromisedCredentialsRiskConfiguration=COMPROMISED
    )
    own = idp.describe_risk_configuration(UserPoolId=pool_id, ClientId=one)["RiskConfiguration"]
    assert own["ClientId"] == one and own["CompromisedCredentialsRiskConfiguration"] == COMPROMISED
    assert "RiskExceptionConfiguration" not in own  # a client's configuration replaces the pool's whole
    inherited = idp.describe_risk_configuration(UserPoolId=pool_id, ClientId=other)["RiskConfiguration"]
    assert "ClientId" not in inherited and inherited["RiskExceptionConfiguration"] == EXCEPTIONS
    idp.set_risk_configuration(UserPoolId=pool_id, ClientId=one)  # back to inheriting
    again = idp.describe_risk_configuration(UserPoolId=pool_id, ClientId=one)["RiskConfiguration"]
    assert "ClientId" not in again and again["RiskExceptionConfiguration"] == EXCEPTIONS


def test_threat_protection_must_be_on(idp: Any) -> None:
    pool_id = make_pool(idp, UserPoolTier="PLUS")
    for call in (idp.describe_risk_configuration, idp.set_risk_configuration):
        code, message = error_of(call, UserPoolId=pool_id)
        assert code == "UserPoolAddOnNotEnabledException" and "AdvancedSecurityMode" in message


def test_unknown_pool_and_client(idp: Any) -> None:
    assert (
        error_of(idp.describe_risk_configuration, UserPoolId="us-east-1_nothere1")[0]
        == "ResourceNotFoundException"
    )
    pool_id = protected_pool(idp)
    for call in (idp.describe_risk_configuration, idp.set_risk_configuration):
        code, message = error_of(call, UserPoolId=pool_id, ClientId="nosuchclient1")
        assert (code, message) == (
            "ResourceNotFoundException",
            "User pool client nosuchclient1 does not exist.",
        )


NOTIFY_HIGH = {"Actions": {"HighAction": {"EventAction": "BLOCK", "Notify": True}}}


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"AccountTakeoverRiskConfiguration": NOTIFY_HIGH}, "NotifyConfiguration is required"),
        ({"RiskExceptionConfiguration": {"BlockedIPRangeList": ["10.0.0.0/33"]}}, "IP range: 10.0.0.0/33"),
        ({"RiskExceptionConfiguration": {"SkippedIPRangeList": ["not-an-ip"]}}, "IP range: not-an-ip"),
    ],
)
def test_invalid_configurations(idp: Any, members: dict[str, Any], words: str) -> None:
    pool_id = protected_pool(idp)
    code, message = error_of(idp.set_risk_configuration, UserPoolId=pool_id, **members)
    assert code == "InvalidParameterException" and words in message
    assert idp.describe_risk_configuration(UserPoolId=pool_id)["RiskConfiguration"] == {"UserPoolId": pool_id}


def test_model_checks_the_actions(idp: Any) -> None:
    pool_id = protected_pool(idp)
    code, _ = error_of(
        idp.set_risk_configuration,
        UserPoolId=pool_id,
        CompromisedCredentialsRiskConfiguration={"Actions": {"EventAction": "MFA_REQUIRED"}},
    )
    assert code == "InvalidParameterException"
