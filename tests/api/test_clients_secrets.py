"""Client secret rotation: AddUserPoolClientSecret, DeleteUserPoolClientSecret, ListUserPoolClientSecrets."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def secret_client(idp: Any, pool_id: str) -> dict[str, Any]:
    return dict(
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName="srv", GenerateSecret=True)[
            "UserPoolClient"
        ]
    )


def listed(idp: Any, pool_id: str, client_id: str) -> list[dict[str, Any]]:
    return list(idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId=client_id)["ClientSecrets"])


def test_list_never_shows_values(idp: Any, pool_id: str) -> None:
    client = secret_client(idp, pool_id)
    secrets = listed(idp, pool_id, client["ClientId"])
    assert len(secrets) == 1
    assert re.fullmatch(rf"{client['ClientId']}--\d+", secrets[0]["ClientSecretId"])
    assert "ClientSecretValue" not in secrets[0] and "ClientSecretCreateDate" in secrets[0]


def test_rotation(idp: Any, pool_id: str) -> None:
    client = secret_client(idp, pool_id)
    client_id = client["ClientId"]
    old = listed(idp, pool_id, client_id)[0]
    added = idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)["ClientSecretDescriptor"]
    assert re.fullmatch(r"[a-z0-9]{51}", added["ClientSecretValue"])
    assert added["ClientSecretValue"] != client["ClientSecret"]
    ids = [s["ClientSecretId"] for s in listed(idp, pool_id, client_id)]
    assert ids == [old["ClientSecretId"], added["ClientSecretId"]]
    with pytest.raises(ClientError) as exc:
        idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    assert code_of(exc) == "LimitExceededException"
    idp.delete_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecretId=old["ClientSecretId"]
    )
    assert [s["ClientSecretId"] for s in listed(idp, pool_id, client_id)] == [added["ClientSecretId"]]
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert described["ClientSecret"] == added["ClientSecretValue"]


def test_custom_secret_value_is_not_echoed(idp: Any, pool_id: str) -> None:
    client_id = secret_client(idp, pool_id)["ClientId"]
    added = idp.add_user_pool_client_secret(
        UserPoolId=pool_id, ClientId=client_id, ClientSecret="customsecretvalue0123456789"
    )["ClientSecretDescriptor"]
    assert "ClientSecretValue" not in added


def test_cannot_delete_the_last_secret(idp: Any, pool_id: str) -> None:
    client_id = secret_client(idp, pool_id)["ClientId"]
    only = listed(idp, pool_id, client_id)[0]["ClientSecretId"]
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id, ClientSecretId=only)
    assert code_of(exc) == "InvalidParameterException"
    with pytest.raises(ClientError) as exc:
        idp.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id, ClientSecretId="nope")
    assert code_of(exc) == "ResourceNotFoundException"
    assert [s["ClientSecretId"] for s in listed(idp, pool_id, client_id)] == [only]


def test_public_client_has_no_secrets_to_rotate(idp: Any, pool_id: str) -> None:
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="spa")["UserPoolClient"][
        "ClientId"
    ]
    assert listed(idp, pool_id, client_id) == []
    with pytest.raises(ClientError) as exc:
        idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId=client_id)
    assert code_of(exc) == "InvalidParameterException"
    assert listed(idp, pool_id, client_id) == []
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    assert "ClientSecret" not in described


def test_unknown_client(idp: Any, pool_id: str) -> None:
    calls: tuple[Callable[[], Any], ...] = (
        lambda: idp.add_user_pool_client_secret(UserPoolId=pool_id, ClientId="nope"),
        lambda: idp.list_user_pool_client_secrets(UserPoolId=pool_id, ClientId="nope"),
        lambda: idp.delete_user_pool_client_secret(UserPoolId=pool_id, ClientId="nope", ClientSecretId="x"),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "ResourceNotFoundException"
