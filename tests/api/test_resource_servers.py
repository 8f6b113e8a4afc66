"""Create / Describe / Update / Delete / ListResourceServers through boto3."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

READ = {"ScopeName": "read", "ScopeDescription": "Read things"}
WRITE = {"ScopeName": "write", "ScopeDescription": "Write things"}


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def identifiers(idp: Any, pool_id: str) -> list[str]:
    pages = idp.get_paginator("list_resource_servers").paginate(UserPoolId=pool_id, MaxResults=50)
    return [s["Identifier"] for page in pages for s in page["ResourceServers"]]


def test_create_and_describe(idp: Any, pool_id: str) -> None:
    created = idp.create_resource_server(
        UserPoolId=pool_id, Identifier="https://api.example.com", Name="My API", Scopes=[READ, WRITE]
    )["ResourceServer"]
    assert created == {
        "UserPoolId": pool_id,
        "Identifier": "https://api.example.com",
        "Name": "My API",
        "Scopes": [READ, WRITE],
    }
    described = idp.describe_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com")
    assert described["ResourceServer"] == created


def test_create_without_scopes(idp: Any, pool_id: str) -> None:
    created = idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="api")["ResourceServer"]
    assert created["Scopes"] == []


def test_duplicate_identifier(idp: Any, pool_id: str) -> None:
    idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="first", Scopes=[READ])
    with pytest.raises(ClientError) as exc:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="second")
    assert code_of(exc) == "InvalidParameterException"
    described = idp.describe_resource_server(UserPoolId=pool_id, Identifier="api")["ResourceServer"]
    assert described["Name"] == "first" and described["Scopes"] == [READ]


def test_same_identifier_in_two_pools(idp: Any, pool_id: str) -> None:
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="a")
    idp.create_resource_server(UserPoolId=other, Identifier="api", Name="b")
    assert idp.describe_resource_server(UserPoolId=other, Identifier="api")["ResourceServer"]["Name"] == "b"


def test_duplicate_scope_names(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="api", Scopes=[READ, READ])
    assert code_of(exc) == "InvalidParameterException"
    assert identifiers(idp, pool_id) == []


def test_model_limits(idp: Any, pool_id: str) -> None:
    too_many = [{"ScopeName": f"s{i}", "ScopeDescription": "d"} for i in range(101)]
    with pytest.raises(ClientError) as exc:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="api", Scopes=too_many)
    assert code_of(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        idp.create_resource_server(
            UserPoolId=pool_id,
            Identifier="api",
            Name="api",
            Scopes=[{"ScopeName": "a/b", "ScopeDescription": "d"}],
        )
    assert code_of(exc) == "InvalidParameterException"
    assert identifiers(idp, pool_id) == []


def test_limit_of_25_per_pool(idp: Any, pool_id: str) -> None:
    for i in range(25):
        idp.create_resource_server(UserPoolId=pool_id, Identifier=f"api{i:02d}", Name="api")
    with pytest.raises(ClientError) as exc:
        idp.create_resource_server(UserPoolId=pool_id, Identifier="one-more", Name="api")
    assert code_of(exc) == "LimitExceededException"
    assert len(identifiers(idp, pool_id)) == 25


def test_unknown_pool_and_server(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_resource_server(UserPoolId="us-east-1_missing00", Identifier="api", Name="api")
    assert code_of(exc) == "ResourceNotFoundException"
    calls: tuple[Callable[[], Any], ...] = (
        lambda: idp.describe_resource_server(UserPoolId=pool_id, Identifier="nope"),
        lambda: idp.update_resource_server(UserPoolId=pool_id, Identifier="nope", Name="x"),
        lambda: idp.delete_resource_server(UserPoolId=pool_id, Identifier="nope"),
        lambda: idp.list_resource_servers(UserPoolId="us-east-1_missing00", MaxResults=5),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "ResourceNotFoundException"


def test_update_replaces_name_and_scopes(idp: Any, pool_id: str) -> None:
    idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="old", Scopes=[READ])
    updated = idp.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="new", Scopes=[WRITE])
    assert updated["ResourceServer"]["Name"] == "new" and updated["ResourceServer"]["Scopes"] == [WRITE]
    cleared = idp.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="new")["ResourceServer"]
    assert cleared["Scopes"] == []
    assert idp.describe_resource_server(UserPoolId=pool_id, Identifier="api")["ResourceServer"] == cleared


def test_invalid_update_changes_nothing(idp: Any, pool_id: str) -> None:
    idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="old", Scopes=[READ])
    with pytest.raises(ClientError) as exc:
        idp.update_resource_server(UserPoolId=pool_id, Identifier="api", Name="new", Scopes=[WRITE, WRITE])
    assert code_of(exc) == "InvalidParameterException"
    described = idp.describe_resource_server(UserPoolId=pool_id, Identifier="api")["ResourceServer"]
    assert described["Name"] == "old" and described["Scopes"] == [READ]


def test_scopes_usable_by_clients_only_while_they_exist(idp: Any, pool_id: str) -> None:
    idp.create_resource_server(UserPoolId=pool_id, Identifier="api", Name="api", Scopes=[READ])
    idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", AllowedOAuthScopes=["api/read"])
    idp.delete_resource_server(UserPoolId=pool_id, Identifier="api")
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", AllowedOAuthScopes=["api/read"])
    assert code_of(exc) == "ScopeDoesNotExistException"


def test_delete(idp: Any, pool_id: str) -> None:
    idp.create_resource_server(UserPoolId=pool_id, Identifier="a", Name="a")
    idp.create_resource_server(UserPoolId=pool_id, Identifier="b", Name="b")
    idp.delete_resource_server(UserPoolId=pool_id, Identifier="a")
    assert identifiers(idp, pool_id) == ["b"]
    with pytest.raises(ClientError) as exc:
        idp.describe_resource_server(UserPoolId=pool_id, Identifier="a")
    assert code_of(exc) == "ResourceNotFoundException"


def test_list_pagination(idp: Any, pool_id: str) -> None:
    for name in ("e", "a", "d", "c", "b"):
        idp.create_resource_server(UserPoolId=pool_id, Identifier=name, Name=name)
    first = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=2)
    assert [s["Identifier"] for s in first["ResourceServers"]] == ["a", "b"]
    second = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"])
    assert [s["Identifier"] for s in second["ResourceServers"]] == ["c", "d"]
    third = idp.list_resource_servers(UserPoolId=pool_id, MaxResults=2, NextToken=second["NextToken"])
    assert [s["Identifier"] for s in third["ResourceServers"]] == ["e"] and "NextToken" not in third
    assert identifiers(idp, pool_id) == ["a", "b", "c", "d", "e"]
    for bad in ({"MaxResults": 51}, {"MaxResults": 5, "NextToken": "%%%"}, {"NextToken": "WzFd"}):
        with pytest.raises(ClientError) as exc:
            idp.list_resource_servers(UserPoolId=pool_id, **bad)
        assert code_of(exc) == "InvalidParameterException"
