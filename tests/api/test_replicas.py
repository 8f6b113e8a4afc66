"""User pool replicas through boto3 on a server that serves us-east-1 (primary), eu-west-1 and ap-south-1:
Create/List/Update/DeleteUserPoolReplica and what a replica lets callers of its region do."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pg_support import store_server
from userpools.testing import RunningServer

PASSWORD = "Replica-Passw0rd!"
_names = itertools.count()


@pytest.fixture(scope="module")
def live() -> Iterator[RunningServer]:
    with store_server(regions=("eu-west-1", "ap-south-1")) as srv:
        yield srv


@pytest.fixture(scope="module")
def idp(live: RunningServer) -> Any:
    return live.client()


@pytest.fixture(scope="module")
def eu(live: RunningServer) -> Any:
    return live.client(region_name="eu-west-1")


@pytest.fixture
def pool_id(idp: Any) -> str:
    pool_id = str(idp.create_user_pool(PoolName=f"replicated{next(_names)}")["UserPool"]["Id"])
    assert pool_id.startswith("us-east-1_")
    return pool_id


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


def _replicate(idp: Any, pool_id: str, region: str = "eu-west-1", **extra: Any) -> dict[str, Any]:
    return dict(
        idp.create_user_pool_replica(UserPoolId=pool_id, RegionName=region, **extra)["UserPoolReplica"]
    )


def test_create_and_list(live: RunningServer, idp: Any, pool_id: str) -> None:
    account = live.settings.account_id
    replica = _replicate(idp, pool_id, UserPoolTags={"team": "auth"})
    assert replica == {
        "RegionName": "eu-west-1", "Status": "ACTIVE", "Role": "SECONDARY",
        "UserPoolArn": f"arn:aws:cognito-idp:eu-west-1:{account}:userpool/{pool_id}",
    }  # fmt: skip
    _replicate(idp, pool_id, "ap-south-1")
    listed = idp.list_user_pool_replicas(UserPoolId=pool_id)["UserPoolReplicas"]
    assert [(r["RegionName"], r["Role"], r["Status"]) for r in listed] == [
        ("us-east-1", "PRIMARY", "ACTIVE"), ("ap-south-1", "SECONDARY", "ACTIVE"),
        ("eu-west-1", "SECONDARY", "ACTIVE"),
    ]  # fmt: skip
    assert listed[0]["UserPoolArn"] == f"arn:aws:cognito-idp:us-east-1:{account}:userpool/{pool_id}"


def test_list_without_replicas_and_bad_token(idp: Any, pool_id: str) -> None:
    (primary,) = idp.list_user_pool_replicas(UserPoolId=pool_id)["UserPoolReplicas"]
    assert primary["Role"] == "PRIMARY"
    with pytest.raises(ClientError) as exc:
        idp.list_user_pool_replicas(UserPoolId=pool_id, NextToken="not-a-token")
    assert _code(exc)[0] == "InvalidParameterException"


def test_the_replica_answers_in_its_region(live: RunningServer, idp: Any, eu: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        eu.describe_user_pool(UserPoolId=pool_id)
    assert _code(exc)[0] == "ResourceNotFoundException"
    assert pool_id not in [p["Id"] for p in eu.list_user_pools(MaxResults=60)["UserPools"]]
    _replicate(idp, pool_id)
    described = eu.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert described["Arn"] == f"arn:aws:cognito-idp:eu-west-1:{live.settings.account_id}:userpool/{pool_id}"
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"].startswith(
        "arn:aws:cognito-idp:us-east-1:"
    )
    assert pool_id in [p["Id"] for p in eu.list_user_pools(MaxResults=60)["UserPools"]]
    # Same data: a user made in the primary region signs in through the replica.
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="admin", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(UserPoolId=pool_id, Username="ann", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="ann", Password=PASSWORD, Permanent=True)
    assert eu.admin_get_user(UserPoolId=pool_id, Username="ann")["Username"] == "ann"
    signed_in = eu.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann", "PASSWORD": PASSWORD},
    )  # fmt: skip
    assert "AccessToken" in signed_in["AuthenticationResult"]


def test_a_secondary_refuses_changes_of_the_primary(idp: Any, eu: Any, pool_id: str) -> None:
    _replicate(idp, pool_id)
    for call in (
        lambda: eu.admin_create_user(UserPoolId=pool_id, Username="bob", MessageAction="SUPPRESS"),
        lambda: eu.delete_user_pool(UserPoolId=pool_id),
        lambda: eu.create_user_pool_replica(UserPoolId=pool_id, RegionName="ap-south-1"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        code, message = _code(exc)
        assert code == "InvalidParameterException" and "us-east-1" in message
    idp.describe_user_pool(UserPoolId=pool_id)  # nothing was deleted


def test_inactive_replica_serves_configuration_only(idp: Any, eu: Any, pool_id: str) -> None:
    _replicate(idp, pool_id)
    idp.admin_create_user(UserPoolId=pool_id, Username="cat", MessageAction="SUPPRESS")
    updated = idp.update_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1", Status="INACTIVE")
    assert updated["UserPoolReplica"]["Status"] == "INACTIVE"
    for call in (
        lambda: eu.admin_get_user(UserPoolId=pool_id, Username="cat"),
        lambda: eu.list_users(UserPoolId=pool_id),
        lambda: eu.create_group(UserPoolId=pool_id, GroupName="g"),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        code, message = _code(exc)
        assert code == "InvalidParameterException" and "INACTIVE" in message
    eu.list_user_pool_clients(UserPoolId=pool_id)
    eu.describe_user_pool(UserPoolId=pool_id)  # administrator configuration still answers
    statuses = {
        r["RegionName"]: r["Status"]
        for r in eu.list_user_pool_replicas(UserPoolId=pool_id)["UserPoolReplicas"]
    }
    assert statuses == {"us-east-1": "ACTIVE", "eu-west-1": "INACTIVE"}
    # Reactivated from the replica's own region.
    eu.update_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1", Status="ACTIVE")
    assert eu.admin_get_user(UserPoolId=pool_id, Username="cat")["Username"] == "cat"


def test_update_errors(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1", Status="INACTIVE")
    assert _code(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_replica(UserPoolId=pool_id, RegionName="us-east-1", Status="INACTIVE")
    assert _code(exc)[0] == "InvalidParameterException"


def test_create_errors(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        _replicate(idp, pool_id, "sa-east-1")
    code, message = _code(exc)
    assert code == "InvalidParameterException" and "USERPOOLS_REGION" in message and "sa-east-1" in message
    with pytest.raises(ClientError) as exc:
        _replicate(idp, pool_id, "us-east-1")
    assert _code(exc)[0] == "InvalidParameterException"
    _replicate(idp, pool_id)
    with pytest.raises(ClientError) as exc:
        _replicate(idp, pool_id)
    code, message = _code(exc)
    assert code == "InvalidParameterException" and "already" in message
    with pytest.raises(ClientError) as exc:
        _replicate(idp, "us-east-1_Nonexist0")
    assert _code(exc)[0] == "ResourceNotFoundException"


def test_delete(idp: Any, eu: Any, pool_id: str) -> None:
    _replicate(idp, pool_id)
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    code, message = _code(exc)
    assert code == "InvalidParameterException" and "INACTIVE" in message
    idp.update_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1", Status="INACTIVE")
    with pytest.raises(ClientError) as exc:
        eu.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    code, message = _code(exc)
    assert code == "InvalidParameterException" and "primary region" in message
    deleted = idp.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")["UserPoolReplica"]
    assert (deleted["Status"], deleted["RegionName"]) == ("DELETING", "eu-west-1")
    with pytest.raises(ClientError) as exc:
        eu.describe_user_pool(UserPoolId=pool_id)
    assert _code(exc)[0] == "ResourceNotFoundException"
    assert len(idp.list_user_pool_replicas(UserPoolId=pool_id)["UserPoolReplicas"]) == 1
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_replica(UserPoolId=pool_id, RegionName="eu-west-1")
    assert _code(exc)[0] == "ResourceNotFoundException"


def test_replicas_go_with_their_pool(idp: Any, eu: Any, pool_id: str) -> None:
    _replicate(idp, pool_id)
    idp.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as exc:
        eu.describe_user_pool(UserPoolId=pool_id)
    assert _code(exc)[0] == "ResourceNotFoundException"


def test_replica_tags_are_its_own(idp: Any, eu: Any, pool_id: str) -> None:
    arn = _replicate(idp, pool_id, UserPoolTags={"team": "auth"})["UserPoolArn"]
    primary_arn = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"]
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "auth"}
    assert idp.list_tags_for_resource(ResourceArn=primary_arn)["Tags"] == {}
    eu.tag_resource(ResourceArn=arn, Tags={"site": "dublin"})
    eu.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"site": "dublin"}
    assert idp.list_tags_for_resource(ResourceArn=primary_arn)["Tags"] == {}
    missing = arn.replace("eu-west-1", "ap-south-1")
    with pytest.raises(ClientError) as exc:
        idp.list_tags_for_resource(ResourceArn=missing)
    assert _code(exc)[0] == "ResourceNotFoundException"


def test_list_user_pools_pages_through_replicated_pools(idp: Any, eu: Any, pool_id: str) -> None:
    _replicate(idp, pool_id)
    own = eu.create_user_pool(PoolName="eu-own")["UserPool"]["Id"]
    seen, token = [], None
    while True:
        page = eu.list_user_pools(MaxResults=1, **({"NextToken": token} if token else {}))
        seen += [p["Id"] for p in page["UserPools"]]
        token = page.get("NextToken")
        if not token:
            break
    assert {pool_id, own} <= set(seen) and len(seen) == len(set(seen))
    for other in (p for p in seen if not p.startswith("eu-west-1_")):  # only pools replicated to eu-west-1
        regions = [r["RegionName"] for r in eu.list_user_pool_replicas(UserPoolId=other)["UserPoolReplicas"]]
        assert "eu-west-1" in regions
