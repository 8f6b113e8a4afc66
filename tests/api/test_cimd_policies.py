"""CIMD policies through boto3: Create/Describe/List/Update/DeleteCIMDPolicy, successes and errors."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from userpools.testing import RunningServer

PATTERNS = ["https://apps.example.com/clients/*", "https://*.tools.example.org/client.json"]


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


@pytest.fixture
def client_id(idp: Any, pool_id: str) -> str:
    return str(
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="cimd")["UserPoolClient"]["ClientId"]
    )


def _create(idp: Any, pool_id: str, client_id: str, **extra: Any) -> dict[str, Any]:
    args = {"UserPoolId": pool_id, "ClientId": client_id, "PolicyName": "partners", "URLPatterns": PATTERNS}
    return dict(idp.create_cimd_policy(**{**args, **extra})["CIMDPolicy"])


def test_create_and_describe(idp: Any, pool_id: str, client_id: str) -> None:
    policy = _create(idp, pool_id, client_id, CacheDuration=172_800)
    assert policy["UserPoolId"] == pool_id
    assert policy["ClientId"] == client_id
    assert policy["PolicyName"] == "partners"
    assert policy["CacheDuration"] == 172_800
    assert policy["URLPatterns"] == PATTERNS
    assert policy["CIMDPolicyId"].isalnum() and policy["CIMDPolicyId"].islower()
    described = idp.describe_cimd_policy(UserPoolId=pool_id, CIMDPolicyId=policy["CIMDPolicyId"])[
        "CIMDPolicy"
    ]
    assert described == policy


def test_cache_duration_defaults_to_one_day(idp: Any, pool_id: str, client_id: str) -> None:
    assert _create(idp, pool_id, client_id)["CacheDuration"] == 86_400


def test_create_refuses_unknown_client_and_pool(idp: Any, pool_id: str, client_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        _create(idp, pool_id, "1example23456789abcdefghij")
    assert _error(exc)[0] == "ResourceNotFoundException"
    other = idp.create_user_pool(PoolName="other-cimd")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        _create(idp, other, client_id)  # an app client of another pool
    assert _error(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        _create(idp, pool_id[:-1] + ("x" if pool_id[-1] != "x" else "y"), client_id)
    assert _error(exc)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("patterns", "phrase"),
    [
        (["https://*/client.json"], "with a host"),
        (["https://example.com/"], "no path"),
        (["https://example.com"], "no path"),
        (["https://me@example.com/c.json"], "user name"),
    ],
)
def test_create_refuses_bad_patterns(
    idp: Any, pool_id: str, client_id: str, patterns: list[str], phrase: str
) -> None:
    with pytest.raises(ClientError) as exc:
        _create(idp, pool_id, client_id, URLPatterns=patterns)
    code, message = _error(exc)
    assert code == "InvalidParameterException" and phrase in message


def test_model_constraints(live: RunningServer, pool_id: str, client_id: str) -> None:
    raw = live.client(config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    for extra in (
        {"CacheDuration": 3600},
        {"URLPatterns": ["http://example.com/client.json"]},
        {"URLPatterns": [f"https://e{i}.example.com/c.json" for i in range(6)]},
    ):
        with pytest.raises(ClientError) as exc:
            _create(raw, pool_id, client_id, **extra)
        assert _error(exc)[0] == "InvalidParameterException", extra


def test_list_pages(idp: Any, pool_id: str, client_id: str) -> None:
    made = sorted(_create(idp, pool_id, client_id, PolicyName=f"p{i}")["CIMDPolicyId"] for i in range(3))
    first = idp.list_cimd_policies(UserPoolId=pool_id, MaxResults=2)
    assert [p["CIMDPolicyId"] for p in first["CIMDPolicies"]] == made[:2]
    assert set(first["CIMDPolicies"][0]) >= {"CIMDPolicyId", "ClientId", "PolicyName", "CacheDuration"}
    assert "URLPatterns" not in first["CIMDPolicies"][0]
    rest = idp.list_cimd_policies(UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"])
    assert [p["CIMDPolicyId"] for p in rest["CIMDPolicies"]] == made[2:]
    assert "NextToken" not in rest
    with pytest.raises(ClientError) as exc:
        idp.list_cimd_policies(UserPoolId=pool_id, NextToken="garbage!")
    assert _error(exc)[0] == "InvalidParameterException"


def test_update(idp: Any, pool_id: str, client_id: str) -> None:
    policy = _create(idp, pool_id, client_id, CacheDuration=200_000)
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other")["UserPoolClient"]["ClientId"]
    updated = idp.update_cimd_policy(
        UserPoolId=pool_id, CIMDPolicyId=policy["CIMDPolicyId"], ClientId=other,
        URLPatterns=["https://new.example.com/*"],
    )["CIMDPolicy"]  # fmt: skip
    assert updated["ClientId"] == other
    assert updated["URLPatterns"] == ["https://new.example.com/*"]
    assert updated["PolicyName"] == "partners" and updated["CacheDuration"] == 200_000  # kept when omitted
    assert updated["CreationDate"] == policy["CreationDate"]
    assert updated["LastModifiedDate"] >= policy["LastModifiedDate"]
    renamed = idp.update_cimd_policy(
        UserPoolId=pool_id, CIMDPolicyId=policy["CIMDPolicyId"], ClientId=other, PolicyName="renamed",
        CacheDuration=90_000, URLPatterns=PATTERNS,
    )["CIMDPolicy"]  # fmt: skip
    assert (renamed["PolicyName"], renamed["CacheDuration"]) == ("renamed", 90_000)


def test_update_errors(idp: Any, pool_id: str, client_id: str) -> None:
    policy = _create(idp, pool_id, client_id)
    args = {"UserPoolId": pool_id, "CIMDPolicyId": policy["CIMDPolicyId"], "URLPatterns": PATTERNS}
    with pytest.raises(ClientError) as exc:
        idp.update_cimd_policy(**{**args, "ClientId": "1example23456789abcdefghij"})
    assert _error(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        idp.update_cimd_policy(**{**args, "ClientId": client_id, "URLPatterns": ["https://*/x.json"]})
    assert _error(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        idp.update_cimd_policy(**{**args, "ClientId": client_id, "CIMDPolicyId": "nosuchpolicy"})
    assert _error(exc)[0] == "ResourceNotFoundException"


def test_delete(idp: Any, pool_id: str, client_id: str) -> None:
    policy_id = _create(idp, pool_id, client_id)["CIMDPolicyId"]
    idp.delete_cimd_policy(UserPoolId=pool_id, CIMDPolicyId=policy_id)
    for call in (idp.describe_cimd_policy, idp.delete_cimd_policy):
        with pytest.raises(ClientError) as exc:
            call(UserPoolId=pool_id, CIMDPolicyId=policy_id)
        code, message = _error(exc)
        assert code == "ResourceNotFoundException" and policy_id in message
    assert idp.list_cimd_policies(UserPoolId=pool_id)["CIMDPolicies"] == []


def test_client_id_omitted_once_the_app_client_is_gone(idp: Any, pool_id: str, client_id: str) -> None:
    policy_id = _create(idp, pool_id, client_id)["CIMDPolicyId"]
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    described = idp.describe_cimd_policy(UserPoolId=pool_id, CIMDPolicyId=policy_id)["CIMDPolicy"]
    assert "ClientId" not in described
    assert "ClientId" not in idp.list_cimd_policies(UserPoolId=pool_id)["CIMDPolicies"][0]


def test_policies_go_with_their_pool(idp: Any, client_id: str, pool_id: str) -> None:
    policy_id = _create(idp, pool_id, client_id)["CIMDPolicyId"]
    idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as exc:
        idp.describe_cimd_policy(UserPoolId=pool_id, CIMDPolicyId=policy_id)
    assert _error(exc)[0] == "ResourceNotFoundException"
