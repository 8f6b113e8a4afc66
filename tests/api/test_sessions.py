"""Session tracking: pool and client session configuration, listing and revoking token sessions."""

from __future__ import annotations

import re
from typing import Any

from test_tokens_support import PASSWORD, error_of, make_client, make_user

SESSION_ID = re.compile(r"tkn[a-z0-9]{25}")


def _enable(idp: Any, pool_id: str, max_per_user: int = 20) -> None:
    idp.set_user_pool_session_configuration(
        UserPoolId=pool_id, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": max_per_user}
    )


def _client(idp: Any, pool_id: str) -> str:
    flows = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    return str(make_client(idp, pool_id, ExplicitAuthFlows=flows)["ClientId"])


def _sign_in(idp: Any, pool_id: str, client_id: str, username: str = "alice") -> dict[str, Any]:
    result = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    return dict(result["AuthenticationResult"])


def _admin_sessions(idp: Any, pool_id: str, username: str = "alice") -> list[dict[str, Any]]:
    return list(idp.admin_list_user_sessions(UserPoolId=pool_id, Username=username)["Sessions"])


def test_pool_session_configuration(idp: Any, pool_id: str) -> None:
    config = idp.get_user_pool_session_configuration(UserPoolId=pool_id)
    assert (config["UserPoolId"], config["UserSessionTracking"], config["TokenSession"]) == (
        pool_id,
        "DISABLED",
        {"MaxPerUser": 20},
    )
    applied = idp.set_user_pool_session_configuration(
        UserPoolId=pool_id, UserSessionTracking="ENABLED", TokenSession={"MaxPerUser": 7}
    )
    assert (applied["UserSessionTracking"], applied["TokenSession"]) == ("ENABLED", {"MaxPerUser": 7})
    idp.update_user_pool(UserPoolId=pool_id)  # UpdateUserPool keeps the session configuration
    config = idp.get_user_pool_session_configuration(UserPoolId=pool_id)
    assert (config["UserSessionTracking"], config["TokenSession"]) == ("ENABLED", {"MaxPerUser": 7})
    code, _ = error_of(
        idp.set_user_pool_session_configuration,
        UserPoolId=pool_id,
        UserSessionTracking="ENABLED",
        TokenSession={"MaxPerUser": 101},
    )
    assert code == "InvalidParameterException"
    code, _ = error_of(idp.get_user_pool_session_configuration, UserPoolId="us-east-1_nosuch")
    assert code == "ResourceNotFoundException"


def test_lite_pools_have_no_session_tracking(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]["Id"]
    code, _ = error_of(
        idp.set_user_pool_session_configuration,
        UserPoolId=pool_id,
        UserSessionTracking="ENABLED",
        TokenSession={"MaxPerUser": 5},
    )
    assert code == "FeatureUnavailableInTierException"
    client_id = _client(idp, pool_id)
    code, _ = error_of(
        idp.set_user_pool_client_session_configuration,
        UserPoolId=pool_id,
        ClientId=client_id,
        SSOSession={"MaxValidityMinutes": 5},
    )
    assert code == "FeatureUnavailableInTierException"


def test_client_session_configuration(idp: Any, pool_id: str) -> None:
    client_id = _client(idp, pool_id)
    config = idp.get_user_pool_client_session_configuration(UserPoolId=pool_id, ClientId=client_id)
    assert (config["ClientId"], config["SSOSession"]) == (client_id, {"MaxValidityMinutes": 60})
    code, _ = error_of(
        idp.set_user_pool_client_session_configuration,
        UserPoolId=pool_id,
        ClientId=client_id,
        SSOSession={"MaxValidityMinutes": 0},
    )
    assert code == "OperationNotEnabledException"  # tracking must be enabled first
    _enable(idp, pool_id)
    applied = idp.set_user_pool_client_session_configuration(
        UserPoolId=pool_id, ClientId=client_id, SSOSession={"MaxValidityMinutes": 0}
    )
    assert applied["SSOSession"] == {"MaxValidityMinutes": 0}
    config = idp.get_user_pool_client_session_configuration(UserPoolId=pool_id, ClientId=client_id)
    assert config["SSOSession"] == {"MaxValidityMinutes": 0}
    code, _ = error_of(
        idp.get_user_pool_client_session_configuration, UserPoolId=pool_id, ClientId="nosuchclient"
    )
    assert code == "ResourceNotFoundException"


def test_listing_needs_tracking(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id)
    tokens = _sign_in(idp, pool_id, _client(idp, pool_id))
    code, _ = error_of(idp.list_user_sessions, AccessToken=tokens["AccessToken"])
    assert code == "OperationNotEnabledException"
    code, _ = error_of(idp.admin_list_user_sessions, UserPoolId=pool_id, Username="alice")
    assert code == "OperationNotEnabledException"
    _enable(idp, pool_id)
    assert _admin_sessions(idp, pool_id) == []  # sign-ins before tracking made no session


def test_sign_ins_are_token_sessions(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id)
    make_user(idp, pool_id, "bob")
    _enable(idp, pool_id)
    client_id = _client(idp, pool_id)
    first, second = _sign_in(idp, pool_id, client_id), _sign_in(idp, pool_id, client_id)
    _sign_in(idp, pool_id, client_id, "bob")
    listed = idp.list_user_sessions(AccessToken=first["AccessToken"])["Sessions"]
    assert len(listed) == 2 and "NextToken" not in listed
    assert all(SESSION_ID.fullmatch(s["SessionId"]) and s["SessionType"] == "TOKEN" for s in listed)
    assert all(s["ClientId"] == client_id and s["LastActiveDate"] >= s["CreateDate"] for s in listed)
    assert [s["IsCurrentSession"] for s in listed].count(True) == 1
    current = next(s["SessionId"] for s in listed if s["IsCurrentSession"])
    from_second = idp.list_user_sessions(AccessToken=second["AccessToken"])["Sessions"]
    assert next(s["SessionId"] for s in from_second if s["IsCurrentSession"]) != current
    admin = _admin_sessions(idp, pool_id)
    assert {s["SessionId"] for s in admin} == {s["SessionId"] for s in listed}
    assert not any(s["IsCurrentSession"] for s in admin)
    assert len(_admin_sessions(idp, pool_id, "bob")) == 1
    # A global sign-out ends every session of the user.
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    assert _admin_sessions(idp, pool_id) == []


def test_revoke_user_session(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id)
    _enable(idp, pool_id)
    client_id = _client(idp, pool_id)
    mine, other = _sign_in(idp, pool_id, client_id), _sign_in(idp, pool_id, client_id)
    listed = idp.list_user_sessions(AccessToken=mine["AccessToken"])["Sessions"]
    current = next(s["SessionId"] for s in listed if s["IsCurrentSession"])
    target = next(s["SessionId"] for s in listed if not s["IsCurrentSession"])
    code, message = error_of(idp.revoke_user_session, AccessToken=mine["AccessToken"], SessionId=current)
    assert code == "InvalidParameterException" and "calling access token" in message
    idp.revoke_user_session(
        AccessToken=mine["AccessToken"], SessionId=target, RevokeAssociatedSessions="LINKED"
    )
    code, message = error_of(idp.get_user, AccessToken=other["AccessToken"])
    assert (code, message) == ("NotAuthorizedException", "Access Token has been revoked")
    code, message = error_of(
        idp.admin_initiate_auth,
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": other["RefreshToken"]},
    )
    assert (code, message) == ("NotAuthorizedException", "Refresh Token has been revoked")
    remaining = idp.list_user_sessions(AccessToken=mine["AccessToken"])["Sessions"]
    assert [s["SessionId"] for s in remaining] == [current]
    code, _ = error_of(idp.revoke_user_session, AccessToken=mine["AccessToken"], SessionId=target)
    assert code == "ResourceNotFoundException"  # the record was deleted
    idp.get_user(AccessToken=mine["AccessToken"])  # the caller's own session is untouched


def test_admin_revoke_user_session(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id)
    make_user(idp, pool_id, "bob")
    _enable(idp, pool_id)
    client_id = _client(idp, pool_id)
    tokens = _sign_in(idp, pool_id, client_id)
    (session,) = _admin_sessions(idp, pool_id)
    code, _ = error_of(
        idp.admin_revoke_user_session, UserPoolId=pool_id, Username="bob", SessionId=session["SessionId"]
    )
    assert code == "ResourceNotFoundException"  # the username must be the session's user
    code, _ = error_of(
        idp.admin_revoke_user_session, UserPoolId=pool_id, Username="alice", SessionId="tkn" + "a" * 25
    )
    assert code == "ResourceNotFoundException"
    code, _ = error_of(
        idp.admin_revoke_user_session, UserPoolId=pool_id, Username="alice", SessionId="xyz" + "a" * 25
    )
    assert code == "InvalidParameterException"
    idp.admin_revoke_user_session(UserPoolId=pool_id, Username="alice", SessionId=session["SessionId"])
    code, message = error_of(idp.get_user, AccessToken=tokens["AccessToken"])
    assert (code, message) == ("NotAuthorizedException", "Access Token has been revoked")
    assert _admin_sessions(idp, pool_id) == []


def test_max_per_user_evicts_the_least_recently_used(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id)
    _enable(idp, pool_id, max_per_user=2)
    client_id = _client(idp, pool_id)
    oldest, middle = _sign_in(idp, pool_id, client_id), _sign_in(idp, pool_id, client_id)
    # Refreshing the oldest makes it the most recently used: the next sign-in evicts the middle one.
    idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": oldest["RefreshToken"]},
    )
    newest = _sign_in(idp, pool_id, client_id)
    assert len(_admin_sessions(idp, pool_id)) == 2
    code, message = error_of(idp.get_user, AccessToken=middle["AccessToken"])
    assert (code, message) == ("NotAuthorizedException", "Access Token has been revoked")
    idp.get_user(AccessToken=oldest["AccessToken"])
    idp.get_user(AccessToken=newest["AccessToken"])
