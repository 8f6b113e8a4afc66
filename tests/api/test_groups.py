"""Groups through boto3: CRUD, lists, memberships, and every error each operation can raise."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from userpools.testing import RunningServer

MISSING_POOL = "us-east-1_nonexist0"
ROLE = "arn:aws:iam::123456789012:role/readers"


@pytest.fixture(scope="module")
def unchecked(live: RunningServer) -> Any:
    """A client that sends what it is given, so the server's own validation is what is tested."""
    return live.client(config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))


def error_of(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return err.value.response["Error"]["Code"], err.value.response["Error"]["Message"]


def group_names(idp: Any, pool_id: str) -> list[str]:
    return [g["GroupName"] for g in idp.list_groups(UserPoolId=pool_id)["Groups"]]


# CreateGroup


def test_create_group_returns_every_member(idp: Any, pool_id: str) -> None:
    group = idp.create_group(
        UserPoolId=pool_id, GroupName="admins", Description="Admins", RoleArn=ROLE, Precedence=0
    )["Group"]
    assert group["GroupName"] == "admins"
    assert group["UserPoolId"] == pool_id
    assert group["Description"] == "Admins"
    assert group["RoleArn"] == ROLE
    assert group["Precedence"] == 0
    assert group["CreationDate"] == group["LastModifiedDate"]
    assert idp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"] == group


def test_create_group_with_only_a_name_omits_optional_members(idp: Any, pool_id: str) -> None:
    group = idp.create_group(UserPoolId=pool_id, GroupName="plain")["Group"]
    assert {"Description", "RoleArn", "Precedence"}.isdisjoint(group)


def test_create_group_twice_is_group_exists(idp: Any, pool_id: str) -> None:
    idp.create_group(UserPoolId=pool_id, GroupName="dup", Description="first")
    with pytest.raises(ClientError) as err:
        idp.create_group(UserPoolId=pool_id, GroupName="dup", Description="second")
    assert error_of(err) == ("GroupExistsException", "A group with the name dup already exists.")
    assert idp.get_group(UserPoolId=pool_id, GroupName="dup")["Group"]["Description"] == "first"


def test_group_names_are_case_sensitive_and_per_pool(idp: Any, pool_id: str) -> None:
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    idp.create_group(UserPoolId=pool_id, GroupName="team")
    idp.create_group(UserPoolId=pool_id, GroupName="Team")
    idp.create_group(UserPoolId=other, GroupName="team")
    assert sorted(group_names(idp, pool_id)) == ["Team", "team"]
    assert group_names(idp, other) == ["team"]


def test_create_group_in_unknown_pool(idp: Any) -> None:
    with pytest.raises(ClientError) as err:
        idp.create_group(UserPoolId=MISSING_POOL, GroupName="g")
    assert error_of(err) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")


@pytest.mark.parametrize(
    "bad",
    [
        {"Precedence": -1},
        {"Precedence": 2**31},
        {"RoleArn": "not-an-arn-at-all-really"},
        {"Description": "x" * 2049},
        {"GroupName": "has space"},
        {"GroupName": "g" * 129},
    ],
)
def test_create_group_bad_input_creates_nothing(
    idp: Any, unchecked: Any, pool_id: str, bad: dict[str, Any]
) -> None:
    request = {"UserPoolId": pool_id, "GroupName": "g", **bad}
    with pytest.raises(ClientError) as err:
        unchecked.create_group(**request)
    assert error_of(err)[0] == "InvalidParameterException"
    assert group_names(idp, pool_id) == []


# GetGroup


def test_get_unknown_group(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as err:
        idp.get_group(UserPoolId=pool_id, GroupName="nope")
    assert error_of(err) == ("ResourceNotFoundException", "Group not found.")


def test_get_group_in_unknown_pool(idp: Any) -> None:
    with pytest.raises(ClientError) as err:
        idp.get_group(UserPoolId=MISSING_POOL, GroupName="g")
    assert error_of(err)[0] == "ResourceNotFoundException"


# UpdateGroup


def test_update_group_changes_only_given_members(idp: Any, pool_id: str) -> None:
    created = idp.create_group(
        UserPoolId=pool_id, GroupName="g", Description="d", RoleArn=ROLE, Precedence=5
    )["Group"]
    updated = idp.update_group(UserPoolId=pool_id, GroupName="g", Precedence=1)["Group"]
    assert updated["Precedence"] == 1
    assert updated["Description"] == "d" and updated["RoleArn"] == ROLE
    assert updated["CreationDate"] == created["CreationDate"]
    assert updated["LastModifiedDate"] >= created["LastModifiedDate"]
    other_role = "arn:aws:iam::123456789012:role/writers"
    updated = idp.update_group(UserPoolId=pool_id, GroupName="g", Description="", RoleArn=other_role)["Group"]
    assert updated["Precedence"] == 1 and updated["RoleArn"] == other_role
    assert updated.get("Description", "") == ""
    assert idp.get_group(UserPoolId=pool_id, GroupName="g")["Group"] == updated


def test_update_unknown_group(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as err:
        idp.update_group(UserPoolId=pool_id, GroupName="nope", Description="x")
    assert error_of(err) == ("ResourceNotFoundException", "Group not found.")
    assert group_names(idp, pool_id) == []


def test_update_group_in_unknown_pool(idp: Any) -> None:
    with pytest.raises(ClientError) as err:
        idp.update_group(UserPoolId=MISSING_POOL, GroupName="g", Description="x")
    assert error_of(err)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize("bad", [{"Precedence": -1}, {"Precedence": 2**31}, {"RoleArn": "arn:nope"}])
def test_update_group_bad_input_changes_nothing(
    idp: Any, unchecked: Any, pool_id: str, bad: dict[str, Any]
) -> None:
    before = idp.create_group(UserPoolId=pool_id, GroupName="g", RoleArn=ROLE, Precedence=3)["Group"]
    with pytest.raises(ClientError) as err:
        unchecked.update_group(UserPoolId=pool_id, GroupName="g", Description="changed", **bad)
    assert error_of(err)[0] == "InvalidParameterException"
    assert idp.get_group(UserPoolId=pool_id, GroupName="g")["Group"] == before


# DeleteGroup


def test_delete_group(idp: Any, pool_id: str) -> None:
    idp.create_group(UserPoolId=pool_id, GroupName="gone")
    idp.create_group(UserPoolId=pool_id, GroupName="kept")
    assert idp.delete_group(UserPoolId=pool_id, GroupName="gone")["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert group_names(idp, pool_id) == ["kept"]
    with pytest.raises(ClientError) as err:
        idp.get_group(UserPoolId=pool_id, GroupName="gone")
    assert error_of(err)[0] == "ResourceNotFoundException"
    # The name is free again.
    assert idp.create_group(UserPoolId=pool_id, GroupName="gone")["Group"]["GroupName"] == "gone"


def test_delete_unknown_group(idp: Any, pool_id: str) -> None:
    idp.create_group(UserPoolId=pool_id, GroupName="kept")
    with pytest.raises(ClientError) as err:
        idp.delete_group(UserPoolId=pool_id, GroupName="nope")
    assert error_of(err) == ("ResourceNotFoundException", "Group not found.")
    assert group_names(idp, pool_id) == ["kept"]


def test_delete_group_in_unknown_pool(idp: Any) -> None:
    with pytest.raises(ClientError) as err:
        idp.delete_group(UserPoolId=MISSING_POOL, GroupName="g")
    assert error_of(err)[0] == "ResourceNotFoundException"


# ListGroups


def test_list_groups_pages_by_name(idp: Any, pool_id: str) -> None:
    names = [f"group-{i:02d}" for i in range(7)]
    for name in reversed(names):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    seen: list[str] = []
    pages = 0
    token: dict[str, str] = {}
    while True:
        page = idp.list_groups(UserPoolId=pool_id, Limit=3, **token)
        pages += 1
        assert len(page["Groups"]) <= 3
        seen += [g["GroupName"] for g in page["Groups"]]
        if "NextToken" not in page:
            break
        token = {"NextToken": page["NextToken"]}
    assert seen == names
    assert pages == 3


def test_list_groups_exact_page_has_no_token(idp: Any, pool_id: str) -> None:
    for name in ("a", "b"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    page = idp.list_groups(UserPoolId=pool_id, Limit=2)
    assert [g["GroupName"] for g in page["Groups"]] == ["a", "b"]
    assert "NextToken" not in page


def test_list_groups_with_paginator_and_default_limit(idp: Any, pool_id: str) -> None:
    for i in range(62):
        idp.create_group(UserPoolId=pool_id, GroupName=f"g{i:03d}")
    first = idp.list_groups(UserPoolId=pool_id)
    assert len(first["Groups"]) == 60 and "NextToken" in first
    assert len(idp.list_groups(UserPoolId=pool_id, Limit=0)["Groups"]) == 60
    paginator = idp.get_paginator("list_groups")
    listed = [g["GroupName"] for page in paginator.paginate(UserPoolId=pool_id) for g in page["Groups"]]
    assert listed == [f"g{i:03d}" for i in range(62)]


def test_list_groups_empty_pool(idp: Any, pool_id: str) -> None:
    page = idp.list_groups(UserPoolId=pool_id)
    assert page["Groups"] == [] and "NextToken" not in page


def test_list_groups_unknown_pool(idp: Any) -> None:
    with pytest.raises(ClientError) as err:
        idp.list_groups(UserPoolId=MISSING_POOL)
    assert error_of(err)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize("token", ["!!!not-base64!!!", "MTIz", "W10"])
def test_list_groups_bad_token(idp: Any, pool_id: str, token: str) -> None:
    with pytest.raises(ClientError) as err:
        idp.list_groups(UserPoolId=pool_id, NextToken=token)
    assert error_of(err)[0] == "InvalidParameterException"


@pytest.mark.parametrize("limit", [61, -1])
def test_list_groups_limit_out_of_range(unchecked: Any, pool_id: str, limit: int) -> None:
    with pytest.raises(ClientError) as err:
        unchecked.list_groups(UserPoolId=pool_id, Limit=limit)
    assert error_of(err)[0] == "InvalidParameterException"


# Limits (the quotas are module constants, lowered here so the test stays fast; the server runs in-process).


def test_create_group_over_the_pool_quota(idp: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("userpools.operations.groups.MAX_GROUPS_PER_POOL", 3)
    for name in ("a", "b", "c"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    with pytest.raises(ClientError) as err:
        idp.create_group(UserPoolId=pool_id, GroupName="d")
    assert error_of(err)[0] == "LimitExceededException"
    assert group_names(idp, pool_id) == ["a", "b", "c"]
    with pytest.raises(ClientError) as err:
        idp.create_group(UserPoolId=pool_id, GroupName="a")
    assert error_of(err)[0] == "GroupExistsException"


def test_add_user_over_the_user_quota(idp: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("userpools.operations.groups.MAX_GROUPS_PER_USER", 2)
    make_user(idp, pool_id, "ann")
    for name in ("a", "b", "c"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    for name in ("a", "b"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=name)
    with pytest.raises(ClientError) as err:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="c")
    assert error_of(err)[0] == "LimitExceededException"
    assert groups_of(idp, pool_id, "ann") == ["a", "b"]
    # Re-adding an existing membership at the quota is still a no-op success.
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="a")


# Memberships


def make_user(idp: Any, pool_id: str, username: str, **kwargs: Any) -> dict[str, Any]:
    return dict(
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS", **kwargs)[
            "User"
        ]
    )


def groups_of(idp: Any, pool_id: str, username: str) -> list[str]:
    listed = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    return [g["GroupName"] for g in listed]


def members_of(idp: Any, pool_id: str, group: str) -> list[str]:
    return [u["Username"] for u in idp.list_users_in_group(UserPoolId=pool_id, GroupName=group)["Users"]]


def test_add_list_and_remove_membership(idp: Any, pool_id: str) -> None:
    created = make_user(idp, pool_id, "ann", UserAttributes=[{"Name": "email", "Value": "ann@example.com"}])
    make_user(idp, pool_id, "bob")
    group = idp.create_group(UserPoolId=pool_id, GroupName="readers", RoleArn=ROLE, Precedence=2)["Group"]
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="readers")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="readers")  # idempotent
    listed = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann")
    assert listed["Groups"] == [group] and "NextToken" not in listed
    users = idp.list_users_in_group(UserPoolId=pool_id, GroupName="readers")
    assert "NextToken" not in users
    assert users["Users"] == [created]  # the same UserType AdminCreateUser answered
    assert groups_of(idp, pool_id, "bob") == []
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username="ann", GroupName="readers")
    assert groups_of(idp, pool_id, "ann") == []
    assert members_of(idp, pool_id, "readers") == []
    # Removing a user who is not a member succeeds and changes nothing.
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username="ann", GroupName="readers")
    assert idp.get_group(UserPoolId=pool_id, GroupName="readers")["Group"] == group


def test_membership_by_alias(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="aliases", AliasAttributes=["email"])["UserPool"]["Id"]
    email = [{"Name": "email", "Value": "ann@example.com"}, {"Name": "email_verified", "Value": "true"}]
    make_user(idp, pool_id, "ann", UserAttributes=email)
    idp.create_group(UserPoolId=pool_id, GroupName="g")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann@example.com", GroupName="g")
    assert members_of(idp, pool_id, "g") == ["ann"]
    assert groups_of(idp, pool_id, "ann@example.com") == ["g"]
    idp.admin_remove_user_from_group(UserPoolId=pool_id, Username="ann@example.com", GroupName="g")
    assert members_of(idp, pool_id, "g") == []


@pytest.mark.parametrize("operation", ["admin_add_user_to_group", "admin_remove_user_from_group"])
def test_membership_errors(idp: Any, pool_id: str, operation: str) -> None:
    make_user(idp, pool_id, "ann")
    idp.create_group(UserPoolId=pool_id, GroupName="g")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="g")
    call = getattr(idp, operation)
    with pytest.raises(ClientError) as err:
        call(UserPoolId=pool_id, Username="ann", GroupName="nope")
    assert error_of(err) == ("ResourceNotFoundException", "Group not found.")
    with pytest.raises(ClientError) as err:
        call(UserPoolId=pool_id, Username="nobody", GroupName="g")
    assert error_of(err)[0] == "UserNotFoundException"
    with pytest.raises(ClientError) as err:
        call(UserPoolId=MISSING_POOL, Username="ann", GroupName="g")
    assert error_of(err) == ("ResourceNotFoundException", f"User pool {MISSING_POOL} does not exist.")
    assert members_of(idp, pool_id, "g") == ["ann"]
    assert group_names(idp, pool_id) == ["g"]


def test_user_of_another_pool_is_not_found(idp: Any, pool_id: str) -> None:
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    make_user(idp, other, "ann")
    idp.create_group(UserPoolId=pool_id, GroupName="g")
    with pytest.raises(ClientError) as err:
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName="g")
    assert error_of(err)[0] == "UserNotFoundException"
    assert members_of(idp, pool_id, "g") == []


def test_admin_list_groups_for_user_pages(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id, "ann")
    names = [f"g{i}" for i in range(5)]
    for name in [*names, "not-mine"]:
        idp.create_group(UserPoolId=pool_id, GroupName=name)
    for name in reversed(names):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=name)
    first = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann", Limit=2)
    assert [g["GroupName"] for g in first["Groups"]] == ["g0", "g1"]
    paginator = idp.get_paginator("admin_list_groups_for_user")
    pages = list(paginator.paginate(UserPoolId=pool_id, Username="ann", PaginationConfig={"PageSize": 2}))
    assert [g["GroupName"] for p in pages for g in p["Groups"]] == names
    assert len(pages) == 3


def test_admin_list_groups_for_user_errors(idp: Any, unchecked: Any, pool_id: str) -> None:
    make_user(idp, pool_id, "ann")
    with pytest.raises(ClientError) as err:
        idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="nobody")
    assert error_of(err)[0] == "UserNotFoundException"
    with pytest.raises(ClientError) as err:
        idp.admin_list_groups_for_user(UserPoolId=MISSING_POOL, Username="ann")
    assert error_of(err)[0] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as err:
        idp.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann", NextToken="MTIz")
    assert error_of(err)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as err:
        unchecked.admin_list_groups_for_user(UserPoolId=pool_id, Username="ann", Limit=61)
    assert error_of(err)[0] == "InvalidParameterException"


def test_list_users_in_group_pages(idp: Any, pool_id: str) -> None:
    usernames = [f"user{i}" for i in range(5)]
    idp.create_group(UserPoolId=pool_id, GroupName="g")
    for name in [*usernames, "outsider"]:
        make_user(idp, pool_id, name)
    for name in reversed(usernames):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="g")
    first = idp.list_users_in_group(UserPoolId=pool_id, GroupName="g", Limit=2)
    assert [u["Username"] for u in first["Users"]] == ["user0", "user1"]
    assert {"Username", "UserStatus", "Enabled", "UserCreateDate"} <= set(first["Users"][0])
    paginator = idp.get_paginator("list_users_in_group")
    pages = list(paginator.paginate(UserPoolId=pool_id, GroupName="g", PaginationConfig={"PageSize": 2}))
    assert [u["Username"] for p in pages for u in p["Users"]] == usernames
    assert len(pages) == 3


def test_list_users_in_group_errors(idp: Any, pool_id: str) -> None:
    idp.create_group(UserPoolId=pool_id, GroupName="g")
    with pytest.raises(ClientError) as err:
        idp.list_users_in_group(UserPoolId=pool_id, GroupName="nope")
    assert error_of(err) == ("ResourceNotFoundException", "Group not found.")
    with pytest.raises(ClientError) as err:
        idp.list_users_in_group(UserPoolId=MISSING_POOL, GroupName="g")
    assert error_of(err)[0] == "ResourceNotFoundException"
    for token in ("ImEi", "W10", "???"):  # a name token, a list, not base64
        with pytest.raises(ClientError) as err:
            idp.list_users_in_group(UserPoolId=pool_id, GroupName="g", NextToken=token)
        assert error_of(err)[0] == "InvalidParameterException"


def test_deleting_a_group_removes_its_memberships(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id, "ann")
    for name in ("gone", "kept"):
        idp.create_group(UserPoolId=pool_id, GroupName=name)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ann", GroupName=name)
    idp.delete_group(UserPoolId=pool_id, GroupName="gone")
    assert groups_of(idp, pool_id, "ann") == ["kept"]
    # A new group of the same name starts empty.
    idp.create_group(UserPoolId=pool_id, GroupName="gone")
    assert members_of(idp, pool_id, "gone") == []
    assert idp.admin_get_user(UserPoolId=pool_id, Username="ann")["Username"] == "ann"


def test_deleting_a_user_removes_their_memberships(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id, "ann")
    make_user(idp, pool_id, "bob")
    idp.create_group(UserPoolId=pool_id, GroupName="g")
    for name in ("ann", "bob"):
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=name, GroupName="g")
    idp.admin_delete_user(UserPoolId=pool_id, Username="ann")
    assert members_of(idp, pool_id, "g") == ["bob"]
    # A new user of the same name is a different user, in no group.
    make_user(idp, pool_id, "ann")
    assert groups_of(idp, pool_id, "ann") == []
    assert members_of(idp, pool_id, "g") == ["bob"]
