"""Injection through the API: ListUsers filters, and SQL payloads in every kind of string member.

Payloads go through usernames, attribute values, group names and descriptions, filters and pagination
tokens. Each is either refused with a 4xx or stored and read back verbatim, never changes another row,
and never answers a 500. Runs on SQLite, and on PostgreSQL with USERPOOLS_TEST_STORE=postgresql.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hostile_support import make_user

SQL = (
    "'",
    '"',
    "\\",
    "'OR'1'='1",
    "admin'--",
    "x');DROP/**/TABLE/**/users;--",
    "1;SELECT/**/pg_sleep(5)--",
    "'||(SELECT/**/sqlite_version())||'",
    "%",
    "_",
    "a%",
    "a_",
    "*",
    "$ne",
    "\\'",
    "%00",
    "é́",
)


def refused_or_ok(call: Callable[[], Any]) -> Any:
    """The answer, or None for a 4xx refusal; a 5xx fails the test."""
    try:
        return call()
    except ClientError as error:
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        assert 400 <= status < 500, f"{status}: {error.response['Error']}"
        return None


def usernames(idp: Any, pool_id: str, filter_: str) -> list[str] | None:
    answer = refused_or_ok(lambda: idp.list_users(UserPoolId=pool_id, Filter=filter_))
    return None if answer is None else sorted(u["Username"] for u in answer["Users"])


@pytest.fixture
def people(idp: Any, pool_id: str) -> str:
    make_user(idp, pool_id, "alice", email="alice@example.com", name="Alice")
    make_user(idp, pool_id, "bob", email="bob@example.com", name='Bob "the" \\ Builder')
    make_user(idp, pool_id, "percent%", email="p%c@example.com", name="50% off")
    return pool_id


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ('username = "alice"', ["alice"]),
        ('username = "alice" OR "1"="1"', None),
        ('username = "alice\\" OR \\"1\\"=\\"1"', []),  # escaped quotes are part of the value
        ('username = "x" or email ^= ""', None),
        ('username = "alice"; DROP TABLE users; --', None),
        ('username ^= "%"', []),
        ('username ^= "_"', []),
        ('username ^= "percent%"', ["percent%"]),
        ('email ^= "p%"', ["percent%"]),
        ('email ^= "%"', []),
        ('name = "Bob \\"the\\" \\\\ Builder"', ["bob"]),
        ('name ^= "Bob \\"the\\""', ["bob"]),
        ('name = "50% off"', ["percent%"]),
        ('name ^= "5_"', []),
        ('username = "\\\\"', []),
        ('username = "\\', None),
        ('custom:secret = "x"', None),
        ('password = "x"', None),
        ('email_verified = "true"', None),
        ('username != "alice"', None),
        ('username > ""', None),
        ('username = ""', []),
        ('sub ^= ""', ["alice", "bob", "percent%"]),
        ("cognito:user_status = \"CONFIRMED' OR '1'='1\"", []),
        ('status = "Enabled" OR 1=1', None),
        ("username = 'alice'", None),
        ('  username   =   "alice"  ', ["alice"]),
        ('USERNAME = "alice"', None),
    ],
)
def test_list_users_filter_injection(idp: Any, people: str, filter_: str, expected: list[str] | None) -> None:
    """None: refused (InvalidParameterException). Otherwise exactly the users that match literally."""
    assert usernames(idp, people, filter_) == expected


def test_filter_injection_is_refused_with_the_right_error(idp: Any, people: str) -> None:
    with pytest.raises(idp.exceptions.InvalidParameterException):
        idp.list_users(UserPoolId=people, Filter='username = "a" OR email = "b"')


@pytest.mark.parametrize("payload", SQL)
def test_sql_payloads_are_stored_verbatim_or_refused(idp: Any, pool_id: str, payload: str) -> None:
    make_user(idp, pool_id, "victim", email="victim@example.com")
    other_pool = idp.create_user_pool(PoolName="bystander")["UserPool"]["Id"]
    make_user(idp, other_pool, "bystander")
    # As a username: created under exactly that name, or refused by the model's pattern.
    if refused_or_ok(
        lambda: idp.admin_create_user(UserPoolId=pool_id, Username=payload, MessageAction="SUPPRESS")
    ):
        assert idp.admin_get_user(UserPoolId=pool_id, Username=payload)["Username"] == payload
        assert usernames(idp, pool_id, f'username = "{_escape(payload)}"') == [payload]
        idp.admin_delete_user(UserPoolId=pool_id, Username=payload)
    for name in (payload, "x" + payload):
        refused_or_ok(lambda name=name: idp.admin_get_user(UserPoolId=pool_id, Username=name))
    # As attribute values: read back exactly, no other user touched.
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="victim",
        UserAttributes=[{"Name": "name", "Value": payload}, {"Name": "family_name", "Value": payload + "'"}],
    )  # fmt: skip
    attributes = {
        a["Name"]: a["Value"]
        for a in idp.admin_get_user(UserPoolId=pool_id, Username="victim")["UserAttributes"]
    }
    assert (attributes["name"], attributes["family_name"]) == (payload, payload + "'")
    assert usernames(idp, pool_id, f'name = "{_escape(payload)}"') == ["victim"]
    assert usernames(idp, pool_id, f'family_name ^= "{_escape(payload)}"') == ["victim"]
    # As a group name and description.
    if refused_or_ok(lambda: idp.create_group(UserPoolId=pool_id, GroupName=payload, Description=payload)):
        group = idp.get_group(UserPoolId=pool_id, GroupName=payload)["Group"]
        assert (group["GroupName"], group["Description"]) == (payload, payload)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="victim", GroupName=payload)
        assert [
            u["Username"] for u in idp.list_users_in_group(UserPoolId=pool_id, GroupName=payload)["Users"]
        ] == ["victim"]
    # As pagination tokens: refused, never a page of something else.
    for call in (
        lambda: idp.list_users(UserPoolId=pool_id, PaginationToken=payload),
        lambda: idp.list_groups(UserPoolId=pool_id, NextToken=payload),
        lambda: idp.list_user_pool_clients(UserPoolId=pool_id, NextToken=payload),
        lambda: idp.list_user_pools(MaxResults=5, NextToken=payload),
        lambda: idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="victim", NextToken=payload),
    ):
        answer = refused_or_ok(call)
        assert answer is None, f"a pagination token {payload!r} was accepted: {answer}"
    # Nothing else changed.
    assert usernames(idp, other_pool, "") == ["bystander"]
    assert usernames(idp, pool_id, "") == ["victim"]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')
