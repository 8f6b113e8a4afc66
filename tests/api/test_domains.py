"""Create / Describe / Update / DeleteUserPoolDomain through boto3."""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
_n = itertools.count()


def prefix() -> str:
    """A domain prefix unique across this test run (domains are unique server-wide)."""
    return f"app{os.getpid()}-{next(_n)}"


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def message_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Message"])


def test_create_and_describe_prefix_domain(idp: Any, pool_id: str) -> None:
    domain = prefix()
    created = idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    assert created["ManagedLoginVersion"] == 1 and "CloudFrontDomain" not in created
    description = idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert description["UserPoolId"] == pool_id
    assert description["Domain"] == domain
    assert description["AWSAccountId"] == "000000000000"
    assert description["Status"] == "ACTIVE"
    assert description["ManagedLoginVersion"] == 1
    assert re.fullmatch(r"d[a-z0-9]{13}\.cloudfront\.net", description["CloudFrontDistribution"])
    assert re.fullmatch(r"\d{14}", description["Version"])
    assert "CustomDomainConfig" not in description


def test_managed_login_version(idp: Any, pool_id: str) -> None:
    domain = prefix()
    assert (
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain, ManagedLoginVersion=2)[
            "ManagedLoginVersion"
        ]
        == 2
    )
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["ManagedLoginVersion"] == 2
    other = idp.create_user_pool(PoolName="mlv")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(UserPoolId=other, Domain=prefix(), ManagedLoginVersion=3)
    assert code_of(exc) == "InvalidParameterException"


def test_pool_shows_its_domain(idp: Any, pool_id: str) -> None:
    domain = prefix()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    if "Domain" not in pool:
        pytest.skip("DescribeUserPool does not report domains yet (pools helper)")
    assert pool["Domain"] == domain


def test_describe_unknown_domain_is_empty(idp: Any) -> None:
    assert idp.describe_user_pool_domain(Domain="never-created-domain")["DomainDescription"] == {}


def test_domain_unique_across_server(idp: Any, pool_id: str) -> None:
    domain = prefix()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(UserPoolId=other, Domain=domain)
    assert code_of(exc) == "InvalidParameterException"
    assert message_of(exc) == "Domain already associated with another user pool."
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["UserPoolId"] == pool_id


def test_one_prefix_domain_per_pool(idp: Any, pool_id: str) -> None:
    first, second = prefix(), prefix()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=first)
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=second)
    assert code_of(exc) == "InvalidParameterException"
    assert idp.describe_user_pool_domain(Domain=second)["DomainDescription"] == {}


@pytest.mark.parametrize(
    "bad", ["my-aws-app", "amazonian", "cognito1", "Upper", "-dash", "a" * 64, "two.labels"]
)
def test_invalid_prefixes(idp: Any, pool_id: str, bad: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(UserPoolId=pool_id, Domain=bad)
    assert code_of(exc) == "InvalidParameterException"
    assert idp.describe_user_pool_domain(Domain="a")["DomainDescription"] == {}


def test_create_in_unknown_pool(idp: Any) -> None:
    domain = prefix()
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(UserPoolId="us-east-1_missing00", Domain=domain)
    assert code_of(exc) == "ResourceNotFoundException"
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == {}


def test_custom_domain_must_be_a_subdomain(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(
            UserPoolId=pool_id, Domain=prefix(), CustomDomainConfig={"CertificateArn": CERT}
        )
    assert code_of(exc) == "InvalidParameterException"


def test_custom_domain_lifecycle(idp: Any, pool_id: str) -> None:
    domain = f"auth{os.getpid()}-{next(_n)}.example.com"
    created = idp.create_user_pool_domain(
        UserPoolId=pool_id, Domain=domain, CustomDomainConfig={"CertificateArn": CERT}
    )
    assert created["CloudFrontDomain"].endswith(".cloudfront.net")
    description = idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert description["CustomDomainConfig"]["CertificateArn"] == CERT
    assert description["CloudFrontDistribution"] == created["CloudFrontDomain"]
    new_cert = CERT.replace("5555", "6666")
    idp.update_user_pool_domain(
        UserPoolId=pool_id, Domain=domain, CustomDomainConfig={"CertificateArn": new_cert}
    )
    description = idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    assert description["CustomDomainConfig"]["CertificateArn"] == new_cert
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == {}


def test_update_managed_login_version(idp: Any, pool_id: str) -> None:
    domain = prefix()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    assert (
        idp.update_user_pool_domain(UserPoolId=pool_id, Domain=domain, ManagedLoginVersion=2)[
            "ManagedLoginVersion"
        ]
        == 2
    )
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["ManagedLoginVersion"] == 2


def test_update_errors_change_nothing(idp: Any, pool_id: str) -> None:
    domain = prefix()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    before = idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    cases: list[tuple[dict[str, Any], str]] = [
        (
            {"UserPoolId": pool_id, "CustomDomainConfig": {"CertificateArn": CERT}},
            "InvalidParameterException",
        ),
        ({"UserPoolId": pool_id, "ManagedLoginVersion": 7}, "InvalidParameterException"),
        ({"UserPoolId": other, "ManagedLoginVersion": 2}, "InvalidParameterException"),
        ({"UserPoolId": "us-east-1_missing00", "ManagedLoginVersion": 2}, "ResourceNotFoundException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            idp.update_user_pool_domain(Domain=domain, **params)
        assert code_of(exc) == code
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == before


def test_delete(idp: Any, pool_id: str) -> None:
    domain = prefix()
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_domain(UserPoolId=other, Domain=domain)
    assert code_of(exc) == "InvalidParameterException"
    assert message_of(exc) == "No such domain or user pool exists."
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["UserPoolId"] == pool_id
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == {}
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    assert code_of(exc) == "InvalidParameterException"
    # The name is free again, for this pool or another.
    idp.create_user_pool_domain(UserPoolId=other, Domain=domain)
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["UserPoolId"] == other


def test_pool_with_a_domain_is_deleted_after_its_domain(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="gone")["UserPool"]["Id"]
    domain = prefix()
    idp.create_user_pool_domain(UserPoolId=pool, Domain=domain)
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool(UserPoolId=pool)
    assert code_of(exc) == "InvalidParameterException"
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["UserPoolId"] == pool
    idp.delete_user_pool_domain(UserPoolId=pool, Domain=domain)
    idp.delete_user_pool(UserPoolId=pool)
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == {}


def test_managed_login_needs_a_paid_feature_plan(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]
    if pool.get("UserPoolTier") != "LITE":
        pytest.skip("the pools helper does not keep UserPoolTier yet")
    domain = prefix()
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_domain(UserPoolId=pool["Id"], Domain=domain, ManagedLoginVersion=2)
    assert code_of(exc) == "FeatureUnavailableInTierException"
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"] == {}
    idp.create_user_pool_domain(UserPoolId=pool["Id"], Domain=domain)
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_domain(UserPoolId=pool["Id"], Domain=domain, ManagedLoginVersion=2)
    assert code_of(exc) == "FeatureUnavailableInTierException"
    assert idp.describe_user_pool_domain(Domain=domain)["DomainDescription"]["ManagedLoginVersion"] == 1
