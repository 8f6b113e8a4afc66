"""AdminGetUser, AdminDeleteUser, AdminDisableUser, AdminEnableUser, AdminConfirmSignUp."""

from __future__ import annotations

from typing import Any

from test_users_support import error_of, set_status

from userpools.testing import RunningServer


def _user(idp: Any, pool_id: str, username: str = "alice") -> dict[str, Any]:
    return dict(
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")["User"]
    )


def test_get_user_errors(idp: Any, pool_id: str) -> None:
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="ghost") == (
        "UserNotFoundException",
        "User does not exist.",
    )
    code, _ = error_of(idp.admin_get_user, UserPoolId="us-east-1_nope12345", Username="ghost")
    assert code == "ResourceNotFoundException"


def test_delete_user(idp: Any, pool_id: str) -> None:
    _user(idp, pool_id)
    _user(idp, pool_id, "bob")
    idp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="alice")[0] == "UserNotFoundException"
    assert error_of(idp.admin_delete_user, UserPoolId=pool_id, Username="alice")[0] == "UserNotFoundException"
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]] == ["bob"]
    # The name is free again.
    _user(idp, pool_id)


def test_disable_and_enable(idp: Any, pool_id: str) -> None:
    created = _user(idp, pool_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    got = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert got["Enabled"] is False
    assert got["UserLastModifiedDate"] >= created["UserLastModifiedDate"]
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")  # idempotent
    idp.admin_enable_user(UserPoolId=pool_id, Username="alice")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["Enabled"] is True
    for call in (idp.admin_disable_user, idp.admin_enable_user):
        assert error_of(call, UserPoolId=pool_id, Username="ghost")[0] == "UserNotFoundException"


def test_confirm_sign_up(idp: Any, pool_id: str, live: RunningServer) -> None:
    _user(idp, pool_id)
    code, message = error_of(idp.admin_confirm_sign_up, UserPoolId=pool_id, Username="alice")
    assert code == "NotAuthorizedException"
    assert message == "User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    set_status(live, pool_id, "alice", "UNCONFIRMED")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="alice")
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserStatus"] == "CONFIRMED"
    code, message = error_of(idp.admin_confirm_sign_up, UserPoolId=pool_id, Username="alice")
    assert message == "User cannot be confirmed. Current status is CONFIRMED"
    assert (
        error_of(idp.admin_confirm_sign_up, UserPoolId=pool_id, Username="ghost")[0]
        == "UserNotFoundException"
    )
