"""Point-in-time recovery through boto3: a real restore, the pause on writes, and every error.

A FakeClock server (near real time, so SigV4 stays plausible) lets the recovery point lie 15 minutes back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from test_auth_support import error_of, make_client, make_pool, make_user, password_auth

from pg_support import store_server
from userpools.ports import FakeClock
from userpools.testing import RunningServer

NEW_PASSWORD = "N3w-Passw0rd!x"


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(time.time())


@pytest.fixture(scope="module")
def clocked(clock: FakeClock) -> Iterator[RunningServer]:
    with store_server(clock=clock) as srv:
        yield srv


@pytest.fixture
def cidp(clocked: RunningServer) -> Any:
    return clocked.client()


def preview_of(restoration: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        p["Entity"]: (p["CreateCount"], p["UpdateCount"], p["DeleteCount"])
        for p in restoration["RestorePreview"]
    }


def attributes(idp: Any, pool_id: str, username: str) -> dict[str, str]:
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def groups_of(idp: Any, pool_id: str, username: str) -> list[str]:
    found = idp.admin_list_groups_for_user(UserPoolId=pool_id, Username=username)["Groups"]
    return sorted(g["GroupName"] for g in found)


def initiate(idp: Any, pool_id: str, at: float) -> dict[str, Any]:
    return dict(idp.initiate_point_in_time_recovery(UserPoolId=pool_id, RestoreTimestamp=at)["Restoration"])


def _populate(cidp: Any, clock: FakeClock) -> tuple[str, str, float]:
    """A pool with three users and two groups, then 20 minutes later (the recovery point) damage."""
    pool_id = make_pool(cidp, AliasAttributes=["email"])
    client_id = make_client(cidp, pool_id)["ClientId"]
    make_user(cidp, pool_id, "alice", email="alice@example.com", email_verified="true", name="Alice")
    make_user(cidp, pool_id, "bob", name="Bob")
    make_user(cidp, pool_id, "carol")
    cidp.create_group(UserPoolId=pool_id, GroupName="admins", Description="the admins")
    cidp.create_group(UserPoolId=pool_id, GroupName="old", Description="d1", Precedence=3)
    cidp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="admins")
    cidp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="old")
    clock.advance(1200)
    point = clock.now()
    clock.advance(1200)
    cidp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    cidp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="bob", UserAttributes=[{"Name": "name", "Value": "Robert"}]
    )
    cidp.admin_add_user_to_group(UserPoolId=pool_id, Username="bob", GroupName="admins")
    cidp.admin_set_user_password(UserPoolId=pool_id, Username="carol", Password=NEW_PASSWORD, Permanent=True)
    make_user(cidp, pool_id, "dave", email="alice@example.com", email_verified="true")  # alice's alias now
    cidp.delete_group(UserPoolId=pool_id, GroupName="old")
    cidp.update_group(UserPoolId=pool_id, GroupName="admins", Description="changed")
    cidp.create_group(UserPoolId=pool_id, GroupName="new")
    clock.advance(5)
    return pool_id, client_id, point


def test_preview_counts_changes_and_writes_pause(cidp: Any, clock: FakeClock) -> None:
    pool_id, client_id, point = _populate(cidp, clock)
    started = initiate(cidp, pool_id, point)
    assert started["RestoreStatus"] == "PREVIEW_GENERATED"
    assert started["RestoreTimestamp"].timestamp() == pytest.approx(point, abs=1e-3)
    assert started["TriggerTimestamp"].timestamp() == pytest.approx(clock.now(), abs=1e-3)
    preview = preview_of(started)
    assert preview["Groups"] == (1, 1, 1)  # old back, admins reverted, new gone
    assert preview["Group memberships"] == (2, 0, 1)  # alice in admins and old; bob out of admins
    creates, updates, deletes = preview["Users"]
    assert (creates, deletes) == (1, 1)  # alice back, dave gone
    assert updates >= 1  # bob (carol's profile too, if a password change touched it)

    # Paused: user-data writes fail, reads and sign-in go on.
    code, message = error_of(
        cidp.admin_create_user, UserPoolId=pool_id, Username="erin", MessageAction="SUPPRESS"
    )
    assert code == "ConcurrentModificationException" and "recovery" in message
    assert (
        error_of(cidp.create_group, UserPoolId=pool_id, GroupName="g2")[0]
        == "ConcurrentModificationException"
    )
    assert password_auth(cidp, client_id, "bob")["AuthenticationResult"]["AccessToken"]
    assert attributes(cidp, pool_id, "bob")["name"] == "Robert"
    ids = {"UserPoolId": pool_id, "RestoreId": started["RestoreId"]}
    described = cidp.describe_point_in_time_recovery(**ids)["Restoration"]
    assert described["RestoreStatus"] == "PREVIEW_GENERATED" and preview_of(described) == preview
    cidp.cancel_point_in_time_recovery(**ids)


def test_restore_returns_users_groups_and_memberships_to_the_recovery_point(
    cidp: Any, clock: FakeClock
) -> None:
    pool_id, client_id, point = _populate(cidp, clock)
    restore_id = initiate(cidp, pool_id, point)["RestoreId"]
    ids = {"UserPoolId": pool_id, "RestoreId": restore_id}
    assert cidp.start_point_in_time_recovery(**ids)["Restoration"]["RestoreStatus"] == "RESTORE_COMPLETED"

    # Alice is back as she was, with her old password, her email alias and her groups.
    assert password_auth(cidp, client_id, "alice")["AuthenticationResult"]["AccessToken"]
    assert password_auth(cidp, client_id, "alice@example.com")["AuthenticationResult"]["AccessToken"]
    assert attributes(cidp, pool_id, "alice")["name"] == "Alice"
    assert groups_of(cidp, pool_id, "alice") == ["admins", "old"]
    assert attributes(cidp, pool_id, "bob")["name"] == "Bob"
    assert groups_of(cidp, pool_id, "bob") == []
    assert error_of(cidp.admin_get_user, UserPoolId=pool_id, Username="dave")[0] == "UserNotFoundException"
    old = cidp.get_group(UserPoolId=pool_id, GroupName="old")["Group"]
    assert (old["Description"], old["Precedence"]) == ("d1", 3)
    assert cidp.get_group(UserPoolId=pool_id, GroupName="admins")["Group"]["Description"] == "the admins"
    assert error_of(cidp.get_group, UserPoolId=pool_id, GroupName="new")[0] == "ResourceNotFoundException"
    # Cognito: a user who changed the password after the recovery point keeps the current one.
    assert password_auth(cidp, client_id, "carol", NEW_PASSWORD)["AuthenticationResult"]["AccessToken"]

    # Writes resume; the recovery is listed as completed; one completed recovery a day.
    cidp.admin_create_user(UserPoolId=pool_id, Username="erin", MessageAction="SUPPRESS")
    assert cidp.describe_point_in_time_recovery(**ids)["Restoration"]["RestoreStatus"] == "RESTORE_COMPLETED"
    listed = cidp.list_point_in_time_recoveries(UserPoolId=pool_id)["Restorations"]
    assert [(r["RestoreId"], r["RestoreStatus"]) for r in listed] == [(restore_id, "RESTORE_COMPLETED")]
    clock.advance(1200)
    assert error_of(initiate, idp=cidp, pool_id=pool_id, at=clock.now() - 1000)[0] == "LimitExceededException"


def test_restore_to_an_earlier_point_deletes_what_came_later_and_can_be_restored_again(
    cidp: Any, clock: FakeClock
) -> None:
    pool_id = make_pool(cidp)
    client_id = make_client(cidp, pool_id)["ClientId"]
    clock.advance(1200)
    empty = clock.now()
    clock.advance(1)
    make_user(cidp, pool_id, "zed")
    cidp.create_group(UserPoolId=pool_id, GroupName="team")
    cidp.admin_add_user_to_group(UserPoolId=pool_id, Username="zed", GroupName="team")
    clock.advance(1200)
    rec = initiate(cidp, pool_id, empty)
    assert preview_of(rec) == {"Users": (0, 0, 1), "Groups": (0, 0, 1), "Group memberships": (0, 0, 1)}
    cidp.start_point_in_time_recovery(UserPoolId=pool_id, RestoreId=rec["RestoreId"])
    assert cidp.list_users(UserPoolId=pool_id)["Users"] == []
    assert cidp.list_groups(UserPoolId=pool_id)["Groups"] == []
    assert error_of(password_auth, idp=cidp, client_id=client_id, username="zed")[0] in (
        "UserNotFoundException",
        "NotAuthorizedException",
    )


def test_cancel_resumes_writes_and_changes_nothing(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    clock.advance(1200)
    point = clock.now()
    clock.advance(1)  # a change at the recovery point itself is part of the state at that point
    make_user(cidp, pool_id, "late")
    clock.advance(1000)
    rec = initiate(cidp, pool_id, point)
    assert preview_of(rec)["Users"] == (0, 0, 1)
    ids = {"UserPoolId": pool_id, "RestoreId": rec["RestoreId"]}
    cancelled = cidp.cancel_point_in_time_recovery(**ids)["Restoration"]
    assert cancelled["RestoreStatus"] == "PREVIEW_CANCELLED"
    assert cidp.admin_get_user(UserPoolId=pool_id, Username="late")["Username"] == "late"
    cidp.admin_create_user(UserPoolId=pool_id, Username="after", MessageAction="SUPPRESS")
    assert error_of(cidp.cancel_point_in_time_recovery, **ids)[0] == "InvalidParameterException"
    assert error_of(cidp.start_point_in_time_recovery, **ids)[0] == "InvalidParameterException"
    assert cidp.describe_point_in_time_recovery(**ids)["Restoration"]["RestoreStatus"] == "PREVIEW_CANCELLED"


def test_preview_expires_after_24_hours(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp, UserPoolTier="PLUS")
    clock.advance(1200)
    rec = initiate(cidp, pool_id, clock.now() - 1000)
    ids = {"UserPoolId": pool_id, "RestoreId": rec["RestoreId"]}
    assert error_of(cidp.admin_create_user, UserPoolId=pool_id, Username="x", MessageAction="SUPPRESS")[
        0
    ] == ("ConcurrentModificationException")
    clock.advance(24 * 3600)
    assert cidp.describe_point_in_time_recovery(**ids)["Restoration"]["RestoreStatus"] == "PREVIEW_EXPIRED"
    cidp.admin_create_user(UserPoolId=pool_id, Username="x", MessageAction="SUPPRESS")
    assert error_of(cidp.start_point_in_time_recovery, **ids)[0] == "InvalidParameterException"


def test_initiate_errors(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    created = clock.now()
    clock.advance(1200)
    now = clock.now()
    missing = "us-east-1_nonexist0"
    assert error_of(initiate, idp=cidp, pool_id=missing, at=now - 1000)[0] == "ResourceNotFoundException"
    code, message = error_of(initiate, idp=cidp, pool_id=pool_id, at=now - 60)
    assert code == "InvalidParameterException" and "900 seconds" in message
    assert error_of(initiate, idp=cidp, pool_id=pool_id, at=created - 10)[0] == "InvalidParameterException"
    clock.advance(2 * 86400)  # Essentials: 1 day back at most
    code, message = error_of(initiate, idp=cidp, pool_id=pool_id, at=clock.now() - 1.5 * 86400)
    assert code == "InvalidParameterException" and "ESSENTIALS" in message
    lite = make_pool(cidp, UserPoolTier="LITE")
    clock.advance(1200)
    assert (
        error_of(initiate, idp=cidp, pool_id=lite, at=clock.now() - 1000)[0]
        == "FeatureUnavailableInTierException"
    )
    first = initiate(cidp, pool_id, clock.now() - 1000)
    assert (
        error_of(initiate, idp=cidp, pool_id=pool_id, at=clock.now() - 1000)[0]
        == "ConcurrentModificationException"
    )
    cidp.cancel_point_in_time_recovery(UserPoolId=pool_id, RestoreId=first["RestoreId"])
    for _ in range(2):  # three previews a day
        rec = initiate(cidp, pool_id, clock.now() - 1000)
        cidp.cancel_point_in_time_recovery(UserPoolId=pool_id, RestoreId=rec["RestoreId"])
    assert error_of(initiate, idp=cidp, pool_id=pool_id, at=clock.now() - 1000)[0] == "LimitExceededException"


def test_describe_start_cancel_of_unknown_recovery(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp)
    ids = {"UserPoolId": pool_id, "RestoreId": "0123abcd-0000-4000-8000-000000000000"}
    for call in (
        cidp.describe_point_in_time_recovery,
        cidp.start_point_in_time_recovery,
        cidp.cancel_point_in_time_recovery,
    ):
        assert error_of(call, **ids)[0] == "ResourceNotFoundException"
        assert error_of(call, UserPoolId="us-east-1_nonexist0", RestoreId=ids["RestoreId"])[0] == (
            "ResourceNotFoundException"
        )
        assert error_of(call, UserPoolId=pool_id, RestoreId="Z" * 36)[0] == "InvalidParameterException"


def test_list_newest_first_in_pages(cidp: Any, clock: FakeClock) -> None:
    pool_id = make_pool(cidp, UserPoolTier="PLUS")
    clock.advance(1200)
    made = []
    for _ in range(3):
        rec = initiate(cidp, pool_id, clock.now() - 1000)
        cidp.cancel_point_in_time_recovery(UserPoolId=pool_id, RestoreId=rec["RestoreId"])
        made.append(rec["RestoreId"])
        clock.advance(1)
    first = cidp.list_point_in_time_recoveries(UserPoolId=pool_id, MaxResults=2)
    second = cidp.list_point_in_time_recoveries(
        UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"]
    )
    assert [r["RestoreId"] for r in first["Restorations"] + second["Restorations"]] == made[::-1]
    assert "NextToken" not in second
    assert {r["RestoreStatus"] for r in first["Restorations"]} == {"PREVIEW_CANCELLED"}
    code = error_of(cidp.list_point_in_time_recoveries, UserPoolId=pool_id, NextToken="bm9wZQ")[0]
    assert code == "InvalidParameterException"
    assert error_of(cidp.list_point_in_time_recoveries, UserPoolId="us-east-1_nonexist0")[0] == (
        "ResourceNotFoundException"
    )
