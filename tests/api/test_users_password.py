"""AdminSetUserPassword and AdminResetUserPassword."""

from __future__ import annotations

from typing import Any

from test_users_support import credentials, db, error_of, make_pool, messages

from userpools.crypto import code_digest
from userpools.crypto.srp import verify_password
from userpools.testing import RunningServer

PASSWORD = "Corr3ct-Horse"


def _create(idp: Any, pool_id: str, username: str = "alice", **values: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in values.items()],
    )


def _status(idp: Any, pool_id: str, username: str = "alice") -> str:
    return str(idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"])


def test_permanent_password_confirms(idp: Any, pool_id: str, live: RunningServer) -> None:
    _create(idp, pool_id)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    assert _status(idp, pool_id) == "CONFIRMED"
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and not cred["temporary"] and cred["expires"] is None
    assert verify_password(cred["salt"], cred["verifier"], pool_id, "alice", PASSWORD)
    assert len(cred["salt"]) <= 32 and not cred["salt"].startswith("0")


def test_temporary_password_forces_change(idp: Any, pool_id: str, live: RunningServer) -> None:
    _create(idp, pool_id)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Temp0rary!x")
    assert _status(idp, pool_id) == "FORCE_CHANGE_PASSWORD"
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and cred["temporary"] and cred["expires"] - cred["set_at"] == 7 * 86400
    assert verify_password(cred["salt"], cred["verifier"], pool_id, "alice", "Temp0rary!x")


def test_policy_is_enforced(idp: Any, pool_id: str, live: RunningServer) -> None:
    _create(idp, pool_id)
    before = credentials(live, pool_id, "alice")
    code, message = error_of(
        idp.admin_set_user_password,
        UserPoolId=pool_id,
        Username="alice",
        Password="nouppercase1!",
        Permanent=True,
    )
    assert code == "InvalidPasswordException"
    assert message == "Password did not conform with policy: Password must have uppercase characters"
    assert _status(idp, pool_id) == "FORCE_CHANGE_PASSWORD"
    assert tuple(credentials(live, pool_id, "alice") or ()) == tuple(before or ())
    assert error_of(idp.admin_set_user_password, UserPoolId=pool_id, Username="ghost", Password=PASSWORD)[
        0
    ] == ("UserNotFoundException")


def test_password_history(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, Policies={"PasswordPolicy": {"MinimumLength": 8, "PasswordHistorySize": 2}})
    _create(idp, pool_id)
    for password in ("Passw0rd-one", "Passw0rd-two"):
        idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=password, Permanent=True)
    for reused in ("Passw0rd-one", "Passw0rd-two"):
        code, _ = error_of(
            idp.admin_set_user_password, UserPoolId=pool_id, Username="alice", Password=reused, Permanent=True
        )
        assert code == "PasswordHistoryPolicyViolationException"
    cred = credentials(live, pool_id, "alice")
    assert cred is not None and verify_password(
        cred["salt"], cred["verifier"], pool_id, "alice", "Passw0rd-two"
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="alice", Password="Passw0rd-three", Permanent=True
    )
    # "one" has now dropped out of the last two passwords.
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password="Passw0rd-one", Permanent=True)


def test_no_history_policy_allows_reuse(idp: Any, pool_id: str) -> None:
    _create(idp, pool_id)
    for _ in range(2):
        idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)


def test_reset_password_sends_a_hashed_code(idp: Any, pool_id: str, live: RunningServer) -> None:
    _create(idp, pool_id, email="alice@example.com", email_verified="true")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    assert _status(idp, pool_id) == "RESET_REQUIRED"
    [sent] = messages(live, pool_id, "alice")
    assert sent["channel"] == "email" and sent["destination"] == "alice@example.com"
    assert sent["kind"] == "forgot_password"
    code = "".join(ch for ch in sent["body"] if ch.isdigit())
    assert len(code) == 6
    sub = {
        a["Name"]: a["Value"]
        for a in idp.admin_get_user(UserPoolId=pool_id, Username="alice")["UserAttributes"]
    }
    with db(live) as conn:
        row = conn.execute(
            "SELECT c.* FROM user_codes c JOIN users u ON u.id = c.user_id "
            "WHERE u.pool_id = ? AND c.purpose = ?",
            (pool_id, "forgot_password"),
        ).fetchone()
    assert (
        row["code_hash"]
        == code_digest(live.app.state.services.sealer.derive("codes"), "forgot_password", sub["sub"], code)
        and code not in row["code_hash"]
    )
    assert row["expires"] - row["created"] == 3600 and row["attempts"] == 0


def test_reset_prefers_phone_by_default_and_follows_recovery_setting(idp: Any, live: RunningServer) -> None:
    contact = {
        "email": "a@example.com",
        "email_verified": "true",
        "phone_number": "+15555550100",
        "phone_number_verified": "true",
    }
    legacy = make_pool(idp)
    _create(idp, legacy, **contact)
    idp.admin_reset_user_password(UserPoolId=legacy, Username="alice")
    assert [m["channel"] for m in messages(live, legacy)] == ["sms"]
    email_first = make_pool(
        idp,
        AccountRecoverySetting={
            "RecoveryMechanisms": [
                {"Name": "verified_email", "Priority": 1},
                {"Name": "verified_phone_number", "Priority": 2},
            ]
        },
    )
    _create(idp, email_first, **contact)
    idp.admin_reset_user_password(UserPoolId=email_first, Username="alice")
    assert [m["channel"] for m in messages(live, email_first)] == ["email"]


def test_reset_without_verified_contact(idp: Any, pool_id: str, live: RunningServer) -> None:
    _create(idp, pool_id, email="alice@example.com")
    code, message = error_of(idp.admin_reset_user_password, UserPoolId=pool_id, Username="alice")
    assert code == "InvalidParameterException"
    assert (
        message
        == "Cannot reset password for the user as there is no registered/verified email or phone_number"
    )
    assert _status(idp, pool_id) == "FORCE_CHANGE_PASSWORD"
    assert messages(live, pool_id) == []
    assert error_of(idp.admin_reset_user_password, UserPoolId=pool_id, Username="ghost")[0] == (
        "UserNotFoundException"
    )


def test_setting_a_password_clears_a_pending_reset_code(idp: Any, pool_id: str, live: RunningServer) -> None:
    _create(idp, pool_id, email="alice@example.com", email_verified="true")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    assert _status(idp, pool_id) == "CONFIRMED"
    with db(live) as conn:
        count = conn.execute(
            "SELECT count(*) FROM user_codes c JOIN users u ON u.id = c.user_id WHERE u.pool_id = ?",
            (pool_id,),
        ).fetchone()[0]
    assert count == 0
