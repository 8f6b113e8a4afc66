"""ListUsers: every searchable attribute with = and ^=, case rules, pagination, AttributesToGet."""

from __future__ import annotations

from typing import Any

import pytest
from test_users_support import attrs, error_of, make_pool

PEOPLE = {
    "alice": {
        "email": "Alice@Example.com",
        "name": "Alice Liddell",
        "given_name": "Alice",
        "family_name": "Liddell",
        "phone_number": "+15555550101",
        "preferred_username": "ally",
    },
    "Bob": {
        "email": "bob@example.org",
        "name": "Bob Builder",
        "given_name": "Bob",
        "family_name": "Builder",
        "phone_number": "+15555550202",
    },
    "carol": {
        "email": "carol@example.com",
        "given_name": "Carol",
        "family_name": 'O"Neil',
        "preferred_username": "Caz",
    },
    "dave": {"email": "DAVE@example.com", "given_name": "Dave", "family_name": "builder"},
    "erin": {"given_name": "Erin"},
}


@pytest.fixture(scope="module")
def people(idp: Any) -> tuple[str, dict[str, str]]:
    """A pool with the users above; returns (pool id, {username: sub})."""
    pool_id = make_pool(idp)
    subs = {}
    for username, values in PEOPLE.items():
        user = idp.admin_create_user(
            UserPoolId=pool_id,
            Username=username,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()],
        )
        subs[username] = attrs(user["User"])["sub"]
    idp.admin_disable_user(UserPoolId=pool_id, Username="dave")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="Bob", Password="Passw0rd!!", Permanent=True)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="erin", Password="Passw0rd!!", Permanent=True)
    return pool_id, subs


def names(idp: Any, pool_id: str, **kwargs: Any) -> list[str]:
    return [u["Username"] for u in idp.list_users(UserPoolId=pool_id, **kwargs)["Users"]]


def test_no_filter_lists_everyone_by_username(idp: Any, people: tuple[str, dict[str, str]]) -> None:
    pool_id, _ = people
    assert names(idp, pool_id) == ["Bob", "alice", "carol", "dave", "erin"]
    assert names(idp, pool_id, Filter="") == ["Bob", "alice", "carol", "dave", "erin"]


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ('email = "alice@example.com"', ["alice"]),  # case-insensitive
        ('email ^= "DAVE@"', ["dave"]),
        ('email ^= "b"', ["Bob"]),
        ('email ^= ""', ["alice", "Bob", "carol", "dave"]),  # users with an email, ordered by it
        ('phone_number = "+15555550202"', ["Bob"]),
        ('phone_number ^= "+1555555"', ["alice", "Bob"]),
        ('name = "ALICE LIDDELL"', ["alice"]),
        ('name ^= "bob"', ["Bob"]),
        ('given_name = "carol"', ["carol"]),
        ('given_name ^= "e"', ["erin"]),
        ('family_name = "builder"', ["Bob", "dave"]),
        ('family_name = "o\\"neil"', ["carol"]),
        ('family_name ^= "Li"', ["alice"]),
        ('preferred_username = "caz"', ["carol"]),
        ('preferred_username ^= "AL"', ["alice"]),
        ('username = "Bob"', ["Bob"]),
        ('username = "bob"', []),  # case-sensitive
        ('username ^= "c"', ["carol"]),
        ('cognito:user_status = "confirmed"', ["Bob", "erin"]),
        ('cognito:user_status ^= "FORCE"', ["alice", "carol", "dave"]),
        ('status = "Disabled"', ["dave"]),
        ('status = "Enabled"', ["Bob", "alice", "carol", "erin"]),
        ('status = "enabled"', []),  # case-sensitive
        ('status ^= "En"', ["Bob", "alice", "carol", "erin"]),
        ('email = "nobody@example.com"', []),
    ],
)
def test_filters(idp: Any, people: tuple[str, dict[str, str]], filter_: str, expected: list[str]) -> None:
    pool_id, _ = people
    assert names(idp, pool_id, Filter=filter_) == expected


def test_sub_filter(idp: Any, people: tuple[str, dict[str, str]]) -> None:
    pool_id, subs = people
    assert names(idp, pool_id, Filter=f'sub = "{subs["carol"]}"') == ["carol"]
    assert names(idp, pool_id, Filter=f'sub = "{subs["carol"].upper()}"') == ["carol"]
    assert "carol" in names(idp, pool_id, Filter=f'sub ^= "{subs["carol"][:8]}"')


def test_pagination(idp: Any, people: tuple[str, dict[str, str]]) -> None:
    pool_id, _ = people
    for filter_, everyone in (
        ("", ["Bob", "alice", "carol", "dave", "erin"]),
        ('email ^= ""', ["alice", "Bob", "carol", "dave"]),
        ('status = "Enabled"', ["Bob", "alice", "carol", "erin"]),
    ):
        seen: list[str] = []
        token = None
        pages = 0
        while True:
            kwargs: dict[str, Any] = {"Limit": 2, "Filter": filter_}
            if token:
                kwargs["PaginationToken"] = token
            page = idp.list_users(UserPoolId=pool_id, **kwargs)
            assert len(page["Users"]) <= 2
            seen += [u["Username"] for u in page["Users"]]
            pages += 1
            token = page.get("PaginationToken")
            if not token:
                break
        assert seen == everyone
        assert pages == (len(everyone) + 1) // 2


def test_paginator_and_default_limit(idp: Any) -> None:
    pool_id = make_pool(idp)
    for i in range(65):
        idp.admin_create_user(UserPoolId=pool_id, Username=f"user{i:03}", MessageAction="SUPPRESS")
    first = idp.list_users(UserPoolId=pool_id)
    assert len(first["Users"]) == 60 and "PaginationToken" in first
    assert len(idp.list_users(UserPoolId=pool_id, Limit=0)["Users"]) == 60
    pages = idp.get_paginator("list_users").paginate(UserPoolId=pool_id, PaginationConfig={"PageSize": 20})
    usernames = [u["Username"] for page in pages for u in page["Users"]]
    assert usernames == [f"user{i:03}" for i in range(65)]


def test_attributes_to_get(idp: Any, people: tuple[str, dict[str, str]]) -> None:
    pool_id, _ = people
    users = idp.list_users(UserPoolId=pool_id, AttributesToGet=["email", "given_name"])["Users"]
    by_name = {u["Username"]: attrs(u) for u in users}
    assert by_name["alice"] == {"email": "Alice@Example.com", "given_name": "Alice"}
    assert by_name["erin"] == {"given_name": "Erin"}
    assert all(u["UserStatus"] and "Enabled" in u for u in users)
    everything = idp.list_users(UserPoolId=pool_id, Filter='username = "alice"')["Users"][0]
    assert set(attrs(everything)) == {"sub", *PEOPLE["alice"]}


def test_errors(idp: Any, people: tuple[str, dict[str, str]]) -> None:
    pool_id, _ = people
    for bad in ("email = alice", 'email == "x"', 'email = "a" and name = "b"'):
        assert error_of(idp.list_users, UserPoolId=pool_id, Filter=bad) == (
            "InvalidParameterException",
            "Error while parsing filter.",
        )
    code, message = error_of(idp.list_users, UserPoolId=pool_id, Filter='custom:tier = "x"')
    assert code == "InvalidParameterException" and "custom:tier" in message
    code, message = error_of(idp.list_users, UserPoolId=pool_id, AttributesToGet=["email", "nonsense"])
    assert code == "InvalidParameterException" and "nonsense" in message
    code, _ = error_of(idp.list_users, UserPoolId=pool_id, PaginationToken="not-a-token")
    assert code == "InvalidParameterException"
    email_token = idp.list_users(UserPoolId=pool_id, Filter='email ^= ""', Limit=1)["PaginationToken"]
    for other in ('status = "Enabled"', 'name ^= "a"', ""):
        code, message = error_of(
            idp.list_users, UserPoolId=pool_id, Filter=other, PaginationToken=email_token
        )
        assert (code, message) == ("InvalidParameterException", "Invalid pagination token.")
    code, _ = error_of(idp.list_users, UserPoolId=pool_id, Limit=61)
    assert code == "InvalidParameterException"
    code, _ = error_of(idp.list_users, UserPoolId="us-east-1_nope12345")
    assert code == "ResourceNotFoundException"
