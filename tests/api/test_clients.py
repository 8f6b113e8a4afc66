"""CreateUserPoolClient / Describe / Update / Delete / ListUserPoolClients through boto3."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

DEFAULT_FLOWS = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"]


def error_of(exc: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]


def client_ids(idp: Any, pool_id: str) -> list[str]:
    pages = idp.get_paginator("list_user_pool_clients").paginate(UserPoolId=pool_id, MaxResults=60)
    return [c["ClientId"] for page in pages for c in page["UserPoolClients"]]


def test_create_with_defaults(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")["UserPoolClient"]
    assert re.fullmatch(r"[a-z0-9]{26}", client["ClientId"])
    assert "ClientSecret" not in client
    assert client["UserPoolId"] == pool_id and client["ClientName"] == "web"
    assert client["ExplicitAuthFlows"] == DEFAULT_FLOWS
    assert client["RefreshTokenValidity"] == 30
    assert client["AccessTokenValidity"] == 1 and client["IdTokenValidity"] == 1
    assert client["TokenValidityUnits"] == {
        "AccessToken": "hours",
        "IdToken": "hours",
        "RefreshToken": "days",
    }
    assert client["EnableTokenRevocation"] is True
    assert client["EnablePropagateAdditionalUserContextData"] is False
    assert client["AuthSessionValidity"] == 3
    assert client["PreventUserExistenceErrors"] == "LEGACY"
    assert client["AllowedOAuthFlowsUserPoolClient"] is False
    assert "ReadAttributes" not in client and "WriteAttributes" not in client
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    assert described == client


def test_generated_secret_is_described_but_never_listed(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="srv", GenerateSecret=True)[
        "UserPoolClient"
    ]
    secret = client["ClientSecret"]
    assert re.fullmatch(r"[a-z0-9]{51}", secret)
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    assert described["ClientSecret"] == secret
    listed = idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert listed == [{"ClientId": client["ClientId"], "UserPoolId": pool_id, "ClientName": "srv"}]


def test_two_clients_get_distinct_ids_and_secrets(idp: Any, pool_id: str) -> None:
    a = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="a", GenerateSecret=True)["UserPoolClient"]
    b = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="b", GenerateSecret=True)["UserPoolClient"]
    assert a["ClientId"] != b["ClientId"] and a["ClientSecret"] != b["ClientSecret"]


def test_custom_client_secret(idp: Any, pool_id: str) -> None:
    secret = "mysecretvalue1234567890abcdef"
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", ClientSecret=secret)[
        "UserPoolClient"
    ]
    assert client["ClientSecret"] == secret
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    assert described["ClientSecret"] == secret


def test_client_secret_with_generate_secret_is_refused(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="c", GenerateSecret=True, ClientSecret="x" * 30
        )
    assert error_of(exc)[0] == "InvalidParameterException"
    assert client_ids(idp, pool_id) == []


def test_create_in_unknown_pool(idp: Any) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_client(UserPoolId="us-east-1_missing00", ClientName="c")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool us-east-1_missing00 does not exist.")


def test_model_validation_reaches_the_client(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", AuthSessionValidity=16)
    assert error_of(exc)[0] == "InvalidParameterException"
    assert client_ids(idp, pool_id) == []


def test_describe_unknown_client(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId="nosuchclient0000000000000a")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "User pool client nosuchclient0000000000000a does not exist.",
    )


def test_client_of_another_pool_is_not_found(idp: Any, pool_id: str) -> None:
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    client = idp.create_user_pool_client(UserPoolId=other, ClientName="c")["UserPoolClient"]
    with pytest.raises(ClientError) as exc:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError):
        idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])
    assert client_ids(idp, other) == [client["ClientId"]]


def test_update_resets_omitted_members_and_keeps_name_and_secret(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=30,
        TokenValidityUnits={"AccessToken": "minutes"},
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=False,
        ReadAttributes=["email"],
    )["UserPoolClient"]
    updated = idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client["ClientId"], AuthSessionValidity=5
    )["UserPoolClient"]
    assert updated["ClientName"] == "app"
    assert updated["ClientSecret"] == client["ClientSecret"]
    assert updated["CreationDate"] == client["CreationDate"]
    assert updated["AuthSessionValidity"] == 5
    assert updated["ExplicitAuthFlows"] == DEFAULT_FLOWS
    assert updated["AccessTokenValidity"] == 1 and updated["TokenValidityUnits"]["AccessToken"] == "hours"
    assert updated["PreventUserExistenceErrors"] == "LEGACY"
    assert updated["EnableTokenRevocation"] is True
    assert "ReadAttributes" not in updated
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    assert described == updated


def test_update_renames(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="old")["UserPoolClient"]
    idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"], ClientName="new")
    listed = idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"]
    assert [c["ClientName"] for c in listed] == ["new"]


def test_invalid_update_changes_nothing(idp: Any, pool_id: str) -> None:
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(
            UserPoolId=pool_id, ClientId=client["ClientId"], ClientName="renamed", ReadAttributes=["nope"]
        )
    assert error_of(exc)[0] == "InvalidParameterException"
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    assert described == client


def test_update_unknown_client_and_pool(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId=pool_id, ClientId="abc")
    assert error_of(exc) == ("ResourceNotFoundException", "User pool client abc does not exist.")
    with pytest.raises(ClientError) as exc:
        idp.update_user_pool_client(UserPoolId="us-east-1_missing00", ClientId="abc")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_delete(idp: Any, pool_id: str) -> None:
    keep = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="keep")["UserPoolClient"]["ClientId"]
    gone = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="gone", GenerateSecret=True)[
        "UserPoolClient"
    ]["ClientId"]
    assert (
        idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=gone)["ResponseMetadata"]["HTTPStatusCode"]
        == 200
    )
    with pytest.raises(ClientError) as exc:
        idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=gone)
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=gone)
    assert error_of(exc) == ("ResourceNotFoundException", f"User pool client {gone} does not exist.")
    assert client_ids(idp, pool_id) == [keep]


def test_list_pages_by_next_token(idp: Any, pool_id: str) -> None:
    created = sorted(
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{i}")["UserPoolClient"]["ClientId"]
        for i in range(5)
    )
    first = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=2)
    assert len(first["UserPoolClients"]) == 2 and "NextToken" in first
    pages = idp.get_paginator("list_user_pool_clients").paginate(
        UserPoolId=pool_id, PaginationConfig={"PageSize": 2}
    )
    sizes: list[int] = []
    seen: list[str] = []
    for page in pages:
        sizes.append(len(page["UserPoolClients"]))
        seen.extend(c["ClientId"] for c in page["UserPoolClients"])
    assert sizes == [2, 2, 1] and seen == created
    exact = idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=5)
    assert len(exact["UserPoolClients"]) == 5 and "NextToken" not in exact


def test_list_errors(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        idp.list_user_pool_clients(UserPoolId=pool_id, NextToken="@@notatoken")
    assert error_of(exc)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        idp.list_user_pool_clients(UserPoolId="us-east-1_missing00")
    assert error_of(exc)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        idp.list_user_pool_clients(UserPoolId=pool_id, MaxResults=61)
    assert error_of(exc)[0] == "InvalidParameterException"


def test_list_filters_client_type(idp: Any, pool_id: str) -> None:
    idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c")
    assert idp.list_user_pool_clients(UserPoolId=pool_id, ClientType="DCR")["UserPoolClients"] == []
    assert len(idp.list_user_pool_clients(UserPoolId=pool_id, ClientType="REGULAR")["UserPoolClients"]) == 1
