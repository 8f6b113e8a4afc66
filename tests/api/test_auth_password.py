"""Password sign-in: USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH."""

from __future__ import annotations

from typing import Any

import pytest
from test_auth_support import (
    ALL_FLOWS,
    PASSWORD,
    claims,
    error_of,
    make_client,
    make_pool,
    make_user,
    password_auth,
    secret_hash,
)

WRONG = ("NotAuthorizedException", "Incorrect username or password.")


def _admin_auth(
    idp: Any, pool_id: str, client_id: str, username: str, password: str = PASSWORD, **kw: Any
) -> Any:
    return idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow=kw.pop("flow", "ADMIN_USER_PASSWORD_AUTH"),
        AuthParameters={"USERNAME": username, "PASSWORD": password, **kw},
    )


def test_user_password_auth_issues_tokens(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice", email="alice@example.com")
    out = password_auth(idp, client["ClientId"], "alice")
    result = out["AuthenticationResult"]
    assert out["ChallengeParameters"] == {} and "ChallengeName" not in out and "Session" not in out
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] == 3600
    assert {"AccessToken", "IdToken", "RefreshToken"} <= set(result)
    assert claims(result["IdToken"])["cognito:username"] == "alice"
    assert claims(result["AccessToken"])["username"] == "alice"


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_password_flows(idp: Any, pool_id: str, flow: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    out = _admin_auth(idp, pool_id, client["ClientId"], "alice", flow=flow)
    assert claims(out["AuthenticationResult"]["AccessToken"])["client_id"] == client["ClientId"]


def test_legacy_flow_values_enable_their_flows(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH", "USER_PASSWORD_AUTH"])
    make_user(idp, pool_id, "alice")
    assert "AuthenticationResult" in password_auth(idp, client["ClientId"], "alice")
    assert "AuthenticationResult" in _admin_auth(idp, pool_id, client["ClientId"], "alice")
    only_admin = make_client(idp, pool_id, ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"])
    assert error_of(password_auth, idp=idp, client_id=only_admin["ClientId"], username="alice") == (
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )


def test_sign_in_with_a_verified_alias(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email", "preferred_username"])
    client = make_client(idp, pool_id)
    make_user(
        idp, pool_id, "alice", email="alice@example.com", email_verified="true", preferred_username="al"
    )
    for name in ("alice@example.com", "al"):
        token = password_auth(idp, client["ClientId"], name)["AuthenticationResult"]["IdToken"]
        assert claims(token)["cognito:username"] == "alice"


def test_unverified_email_is_no_alias(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice", email="alice@example.com")
    assert error_of(password_auth, idp=idp, client_id=client["ClientId"], username="alice@example.com") == (
        "UserNotFoundException",
        "User does not exist.",
    )


def test_email_as_username_pool(idp: Any) -> None:
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "bob@example.com")
    token = password_auth(idp, client["ClientId"], "bob@example.com")["AuthenticationResult"]["IdToken"]
    assert claims(token)["cognito:username"] == claims(token)["sub"]


def test_wrong_password(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    assert (
        error_of(password_auth, idp=idp, client_id=client["ClientId"], username="alice", password="Nope-1234")
        == WRONG
    )
    assert (
        error_of(
            _admin_auth,
            idp=idp,
            pool_id=pool_id,
            client_id=client["ClientId"],
            username="alice",
            password="Nope-1234",
        )
        == WRONG
    )


def test_unknown_user_legacy_and_prevented(idp: Any, pool_id: str) -> None:
    legacy = make_client(idp, pool_id)
    hidden = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    assert error_of(password_auth, idp=idp, client_id=legacy["ClientId"], username="ghost") == (
        "UserNotFoundException",
        "User does not exist.",
    )
    make_user(idp, pool_id, "alice")
    unknown = error_of(password_auth, idp=idp, client_id=hidden["ClientId"], username="ghost")
    wrong = error_of(
        password_auth, idp=idp, client_id=hidden["ClientId"], username="alice", password="Nope-1234"
    )
    assert unknown == wrong == WRONG
    assert (
        error_of(_admin_auth, idp=idp, pool_id=pool_id, client_id=hidden["ClientId"], username="ghost")
        == WRONG
    )


def test_disabled_user(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    expected = ("NotAuthorizedException", "User is disabled.")
    assert error_of(password_auth, idp=idp, client_id=client["ClientId"], username="alice") == expected
    idp.admin_enable_user(UserPoolId=pool_id, Username="alice")
    assert "AuthenticationResult" in password_auth(idp, client["ClientId"], "alice")


def test_unconfirmed_user_is_told_before_the_password_is_checked(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    idp.sign_up(ClientId=client["ClientId"], Username="carol", Password=PASSWORD)
    expected = ("UserNotConfirmedException", "User is not confirmed.")
    for password in (PASSWORD, "Wrong-Passw0rd"):
        assert (
            error_of(
                password_auth, idp=idp, client_id=client["ClientId"], username="carol", password=password
            )
            == expected
        )


def test_reset_required_user(idp: Any, pool_id: str) -> None:
    legacy = make_client(idp, pool_id)
    hidden = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    make_user(idp, pool_id, "alice", email="alice@example.com", email_verified="true")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    assert error_of(password_auth, idp=idp, client_id=legacy["ClientId"], username="alice") == (
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
    assert error_of(password_auth, idp=idp, client_id=hidden["ClientId"], username="alice") == WRONG


def test_admin_flows_are_refused_on_initiate_auth(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    for flow in ("ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"):
        code = error_of(
            idp.initiate_auth,
            ClientId=client["ClientId"],
            AuthFlow=flow,
            AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        )
        assert code == ("InvalidParameterException", "Initiate Auth method not supported.")
    code = error_of(
        _admin_auth,
        idp=idp,
        pool_id=pool_id,
        client_id=client["ClientId"],
        username="alice",
        flow="USER_PASSWORD_AUTH",
    )
    assert code == ("InvalidParameterException", "Initiate Auth method not supported.")


@pytest.mark.parametrize(
    ("flows", "flow"),
    [
        (None, "USER_PASSWORD_AUTH"),  # the default flows are SRP, refresh and custom
        (["ALLOW_USER_SRP_AUTH"], "ADMIN_USER_PASSWORD_AUTH"),
        (["ALLOW_USER_SRP_AUTH"], "ADMIN_NO_SRP_AUTH"),
    ],
)
def test_flow_must_be_enabled(idp: Any, pool_id: str, flows: list[str] | None, flow: str) -> None:
    if flows is None:
        client = dict(
            idp.create_user_pool_client(UserPoolId=pool_id, ClientName="defaults")["UserPoolClient"]
        )
    else:
        client = make_client(idp, pool_id, ExplicitAuthFlows=flows)
    make_user(idp, pool_id, "alice")
    params = {"USERNAME": "alice", "PASSWORD": PASSWORD}
    if flow.startswith("ADMIN"):
        got = error_of(
            idp.admin_initiate_auth,
            UserPoolId=pool_id,
            ClientId=client["ClientId"],
            AuthFlow=flow,
            AuthParameters=params,
        )
    else:
        got = error_of(idp.initiate_auth, ClientId=client["ClientId"], AuthFlow=flow, AuthParameters=params)
    assert got == ("InvalidParameterException", f"{flow} flow not enabled for this client")


def test_unknown_client_and_pool(idp: Any, pool_id: str) -> None:
    assert error_of(password_auth, idp=idp, client_id="nosuchclient", username="alice") == (
        "ResourceNotFoundException",
        "User pool client nosuchclient does not exist.",
    )
    other = make_pool(idp)
    client = make_client(idp, other)
    assert error_of(_admin_auth, idp=idp, pool_id=pool_id, client_id=client["ClientId"], username="a") == (
        "ResourceNotFoundException",
        f"User pool client {client['ClientId']} does not exist.",
    )
    assert error_of(
        _admin_auth, idp=idp, pool_id="us-east-1_Nope", client_id=client["ClientId"], username="a"
    ) == (
        "ResourceNotFoundException",
        "User pool us-east-1_Nope does not exist.",
    )


def test_missing_parameters(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    cases = [({"PASSWORD": PASSWORD}, "USERNAME"), ({"USERNAME": "alice"}, "PASSWORD")]
    for params, name in cases:
        got = error_of(
            idp.initiate_auth,
            ClientId=client["ClientId"],
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters=params,
        )
        assert got == ("InvalidParameterException", f"Missing required parameter {name}")


def test_secret_hash_clients(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client = make_client(idp, pool_id, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    make_user(idp, pool_id, "alice", email="alice@example.com", email_verified="true")
    assert error_of(password_auth, idp=idp, client_id=client_id, username="alice") == (
        "NotAuthorizedException",
        f"Client {client_id} is configured with secret but SECRET_HASH was not received",
    )
    bad = secret_hash(secret, "bob", client_id)
    assert error_of(password_auth, idp=idp, client_id=client_id, username="alice", SECRET_HASH=bad) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {client_id}",
    )
    for typed, hashed in (
        ("alice", "alice"),
        ("alice@example.com", "alice@example.com"),
        ("alice@example.com", "alice"),
    ):
        out = password_auth(idp, client_id, typed, SECRET_HASH=secret_hash(secret, hashed, client_id))
        assert "AuthenticationResult" in out


def test_custom_auth_needs_its_triggers(idp: Any, pool_id: str) -> None:
    """CUSTOM_AUTH itself is tested in test_custom_auth*.py; without triggers it is refused as by Cognito."""
    client = make_client(idp, pool_id, ExplicitAuthFlows=[*ALL_FLOWS, "ALLOW_CUSTOM_AUTH"])
    got = error_of(
        idp.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "alice"},
    )
    assert got == (
        "InvalidParameterException",
        "Custom auth lambda trigger is not configured for the user pool.",
    )


def test_a_wrong_password_changes_nothing_else(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    before = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    error_of(password_auth, idp=idp, client_id=client["ClientId"], username="alice", password="Nope-1234")
    after = idp.admin_get_user(UserPoolId=pool_id, Username="alice")
    assert after["UserStatus"] == before["UserStatus"] == "CONFIRMED"
    assert after["UserLastModifiedDate"] == before["UserLastModifiedDate"]


def test_unknown_users_cost_a_real_password_check(
    idp: Any, pool_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hidden unknown users run the same verifier math as a wrong password (the server runs in-process)."""
    from userpools.crypto import srp

    calls: list[str] = []
    real = srp.verify_password

    def counting(salt: str, verifier: str, pool: str, username: str, password: str) -> bool:
        calls.append(username)
        return real(salt, verifier, pool, username, password)

    monkeypatch.setattr(srp, "verify_password", counting)
    hidden = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    legacy = make_client(idp, pool_id)
    assert error_of(password_auth, idp=idp, client_id=hidden["ClientId"], username="ghost") == WRONG
    assert calls == ["ghost"]
    error_of(password_auth, idp=idp, client_id=legacy["ClientId"], username="ghost")
    assert calls == ["ghost"]  # LEGACY tells the truth at once


def test_legacy_clients_keep_refresh(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, ExplicitAuthFlows=["USER_PASSWORD_AUTH"])
    make_user(idp, pool_id, "alice")
    token = password_auth(idp, client["ClientId"], "alice")["AuthenticationResult"]["RefreshToken"]
    out = idp.initiate_auth(
        ClientId=client["ClientId"], AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": token}
    )
    assert "AccessToken" in out["AuthenticationResult"]
