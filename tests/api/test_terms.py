"""Terms documents through boto3: Create, Describe(ByClient), List, Update and DeleteTerms."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from test_styles_support import client_id, code_of

__all__ = ["client_id"]  # the fixture

TERMS = {"cognito:default": "https://example.com/terms", "cognito:spanish": "https://example.com/es/terms"}
PRIVACY = {"cognito:default": "https://example.com/privacy"}
NO_ID = "11111111-2222-4333-8444-555555555555"


def create(idp: Any, pool_id: str, client_id: str, name: str = "terms-of-use", **more: Any) -> dict[str, Any]:
    params = {"TermsSource": "LINK", "Enforcement": "NONE", "Links": TERMS, **more}
    terms: dict[str, Any] = idp.create_terms(
        UserPoolId=pool_id, ClientId=client_id, TermsName=name, **params
    )["Terms"]
    return terms


def test_create_and_describe(idp: Any, pool_id: str, client_id: str) -> None:
    terms = create(idp, pool_id, client_id)
    assert terms["UserPoolId"] == pool_id and terms["ClientId"] == client_id
    assert terms["TermsName"] == "terms-of-use" and terms["Links"] == TERMS
    assert terms["TermsSource"] == "LINK" and terms["Enforcement"] == "NONE"
    assert terms["CreationDate"] == terms["LastModifiedDate"]
    assert idp.describe_terms(UserPoolId=pool_id, TermsId=terms["TermsId"])["Terms"] == terms
    by_client = idp.describe_terms_by_client(UserPoolId=pool_id, ClientId=client_id, TermsName="terms-of-use")
    assert by_client["Terms"] == terms
    with pytest.raises(ClientError) as exc:
        idp.describe_terms_by_client(UserPoolId=pool_id, ClientId=client_id, TermsName="privacy-policy")
    assert code_of(exc) == "ResourceNotFoundException"


def test_one_document_of_each_name_per_client(idp: Any, pool_id: str, client_id: str) -> None:
    create(idp, pool_id, client_id)
    privacy = create(idp, pool_id, client_id, "privacy-policy", Links=PRIVACY)
    with pytest.raises(ClientError) as exc:
        create(idp, pool_id, client_id)
    assert code_of(exc) == "TermsExistsException"
    with pytest.raises(ClientError) as exc:  # renaming onto the other document
        idp.update_terms(UserPoolId=pool_id, TermsId=privacy["TermsId"], TermsName="terms-of-use")
    assert code_of(exc) == "TermsExistsException"
    other = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="other")["UserPoolClient"]["ClientId"]
    create(idp, pool_id, other)  # another client has its own


def test_create_refusals(idp: Any, pool_id: str, client_id: str) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"UserPoolId": "us-east-1_nosuchpool"}, "ResourceNotFoundException"),
        ({"ClientId": "nosuchclient1234567890"}, "ResourceNotFoundException"),
        ({"TermsName": "cookie-policy"}, "InvalidParameterException"),
        ({"TermsSource": "FILE"}, "InvalidParameterException"),
        ({"Enforcement": "REQUIRED"}, "InvalidParameterException"),
        ({"Links": {"cognito:klingon": "https://example.com"}}, "InvalidParameterException"),
        ({"Links": {"cognito:default": "not a url"}}, "InvalidParameterException"),
        ({"Links": {"cognito:default": "javascript:alert(1)"}}, "InvalidParameterException"),
        ({"Links": {}}, "InvalidParameterException"),
        ({"Links": None}, "InvalidParameterException"),
    ]
    for params, code in cases:
        body = {"UserPoolId": pool_id, "ClientId": client_id, "TermsName": "terms-of-use",
                "TermsSource": "LINK", "Enforcement": "NONE", "Links": TERMS, **params}  # fmt: skip
        if body["Links"] is None:
            del body["Links"]
        with pytest.raises(ClientError) as exc:
            idp.create_terms(**body)
        assert code_of(exc) == code, params
    assert idp.list_terms(UserPoolId=pool_id)["Terms"] == []  # nothing was half-written


def test_update(idp: Any, pool_id: str, client_id: str) -> None:
    terms = create(idp, pool_id, client_id)
    links = {"cognito:default": "https://example.com/v2/terms"}
    updated = idp.update_terms(UserPoolId=pool_id, TermsId=terms["TermsId"], Links=links)["Terms"]
    assert updated["Links"] == links and updated["TermsName"] == "terms-of-use"
    assert updated["CreationDate"] == terms["CreationDate"]
    assert updated["LastModifiedDate"] >= terms["LastModifiedDate"]
    renamed = idp.update_terms(UserPoolId=pool_id, TermsId=terms["TermsId"], TermsName="privacy-policy")[
        "Terms"
    ]
    assert renamed["TermsName"] == "privacy-policy" and renamed["Links"] == links  # Links kept
    assert idp.describe_terms(UserPoolId=pool_id, TermsId=terms["TermsId"])["Terms"] == renamed
    for params, code in (
        ({"TermsId": NO_ID}, "ResourceNotFoundException"),
        ({"UserPoolId": "us-east-1_nosuchpool"}, "ResourceNotFoundException"),
        ({"Links": {"cognito:default": "ftp://example.com"}}, "InvalidParameterException"),
        ({"TermsId": "nope"}, "InvalidParameterException"),
    ):
        with pytest.raises(ClientError) as exc:
            idp.update_terms(**{"UserPoolId": pool_id, "TermsId": terms["TermsId"], **params})
        assert code_of(exc) == code, params


def test_list_pages(idp: Any, pool_id: str) -> None:
    ids = set()
    for n in range(3):
        client = idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{n}")["UserPoolClient"][
            "ClientId"
        ]
        ids.add(create(idp, pool_id, client)["TermsId"])
    seen: list[dict[str, Any]] = []
    token: dict[str, str] = {}
    while True:
        page = idp.list_terms(UserPoolId=pool_id, MaxResults=2, **token)
        assert len(page["Terms"]) <= 2
        seen += page["Terms"]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert {t["TermsId"] for t in seen} == ids and len(seen) == 3
    assert set(seen[0]) == {"TermsId", "TermsName", "Enforcement", "CreationDate", "LastModifiedDate"}
    for params, code in (
        ({"UserPoolId": "us-east-1_nosuchpool"}, "ResourceNotFoundException"),
        ({"MaxResults": 61}, "InvalidParameterException"),
        ({"NextToken": "!!!"}, "InvalidParameterException"),
    ):
        with pytest.raises(ClientError) as exc:
            idp.list_terms(**{"UserPoolId": pool_id, **params})
        assert code_of(exc) == code, params


def test_delete(idp: Any, pool_id: str, client_id: str) -> None:
    terms = create(idp, pool_id, client_id)
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:  # the ID of another pool's terms
        idp.delete_terms(UserPoolId=other_pool, TermsId=terms["TermsId"])
    assert code_of(exc) == "ResourceNotFoundException"
    idp.delete_terms(UserPoolId=pool_id, TermsId=terms["TermsId"])
    for call in (
        lambda: idp.describe_terms(UserPoolId=pool_id, TermsId=terms["TermsId"]),
        lambda: idp.delete_terms(UserPoolId=pool_id, TermsId=terms["TermsId"]),
    ):
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "ResourceNotFoundException"
    create(idp, pool_id, client_id)  # the name is free again
    idp.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)  # and the client's terms go with it
    assert idp.list_terms(UserPoolId=pool_id)["Terms"] == []
    idp.delete_user_pool(UserPoolId=other_pool)
