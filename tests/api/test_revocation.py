"""RevokeToken, GlobalSignOut, AdminUserGlobalSignOut and the access-token checks they feed."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from test_tokens_support import check_access, error_of, issue, make_client, make_user, unverified

from userpools.errors import NotAuthorizedException, UserNotFoundException
from userpools.testing import RunningServer


def _refused(live: RunningServer, token: str, message: str, **options: Any) -> None:
    with pytest.raises(NotAuthorizedException) as err:
        check_access(live, token, **options)
    assert err.value.message == message


def test_access_token_grants_user_and_pool(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    grant = check_access(live, issue(live, pool_id, client_id)["AccessToken"])
    assert grant.user.username == "alice" and grant.pool["Id"] == pool_id and grant.client_id == client_id
    assert grant.claims["token_use"] == "access"


def test_invalid_tokens(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    result = issue(live, pool_id, make_client(idp, pool_id)["ClientId"])
    head, body, signature = result["AccessToken"].split(".")
    claims = unverified(result["AccessToken"])
    claims["username"] = "mallory"
    forged_body = base64.urlsafe_b64encode(repr(claims).replace("'", '"').encode()).decode().rstrip("=")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BA")
    for token in (
        "garbage",
        "a.b.c",
        result["IdToken"],
        f"{head}.{forged_body}.{signature}",
        f"{head}.{body}.{flipped}",
    ):
        _refused(live, token, "Invalid Access Token")
    code, message = error_of(idp.global_sign_out, AccessToken=result["IdToken"])
    assert (code, message) == ("NotAuthorizedException", "Invalid Access Token")
    assert check_access(live, result["AccessToken"]).user.username == "alice"  # nothing was signed out


def test_scope_is_required(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    result = issue(live, pool_id, make_client(idp, pool_id)["ClientId"], scopes=["openid", "email"])
    _refused(live, result["AccessToken"], "Access Token does not have required scopes")
    assert check_access(live, result["AccessToken"], scope="openid").user.username == "alice"


def test_revoke_token_revokes_the_family(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    revoked, other = issue(live, pool_id, client_id), issue(live, pool_id, client_id)
    assert (
        idp.revoke_token(Token=revoked["RefreshToken"], ClientId=client_id)["ResponseMetadata"][
            "HTTPStatusCode"
        ]
        == 200
    )
    _refused(live, revoked["AccessToken"], "Access Token has been revoked")
    code, message = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=revoked["RefreshToken"], ClientId=client_id
    )
    assert (code, message) == ("NotAuthorizedException", "Refresh Token has been revoked")
    assert check_access(live, other["AccessToken"]).user.username == "alice"
    idp.get_tokens_from_refresh_token(RefreshToken=other["RefreshToken"], ClientId=client_id)
    # Revoking again, or a token nobody issued, answers success as the revocation endpoint does.
    idp.revoke_token(Token=revoked["RefreshToken"], ClientId=client_id)
    idp.revoke_token(Token="bm90LWEtdG9rZW4", ClientId=client_id)


def test_revoke_token_errors(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    result = issue(live, pool_id, client_id)
    code, _ = error_of(idp.revoke_token, Token=result["AccessToken"], ClientId=client_id)
    assert code == "UnsupportedTokenTypeException"
    code, message = error_of(idp.revoke_token, Token=result["RefreshToken"], ClientId="nosuchclient")
    assert (code, message) == ("ResourceNotFoundException", "User pool client nosuchclient does not exist.")
    disabled = make_client(idp, pool_id, EnableTokenRevocation=False)["ClientId"]
    disabled_result = issue(live, pool_id, disabled)
    code, _ = error_of(idp.revoke_token, Token=disabled_result["RefreshToken"], ClientId=disabled)
    assert code == "UnsupportedOperationException"
    # Another client's token is not revoked through this one.
    idp.revoke_token(Token=result["RefreshToken"], ClientId=make_client(idp, pool_id)["ClientId"])
    assert check_access(live, result["AccessToken"]).user.username == "alice"
    # Nothing above changed the tokens.
    idp.get_tokens_from_refresh_token(RefreshToken=result["RefreshToken"], ClientId=client_id)
    idp.get_tokens_from_refresh_token(RefreshToken=disabled_result["RefreshToken"], ClientId=disabled)


def test_revoke_token_checks_client_secret(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client = make_client(idp, pool_id, GenerateSecret=True)
    result = issue(live, pool_id, client["ClientId"])
    code, message = error_of(idp.revoke_token, Token=result["RefreshToken"], ClientId=client["ClientId"])
    assert code == "NotAuthorizedException" and "ClientSecret was not received" in message
    code, message = error_of(
        idp.revoke_token, Token=result["RefreshToken"], ClientId=client["ClientId"], ClientSecret="x" * 30
    )
    assert (
        code == "NotAuthorizedException"
        and message == f"Unable to verify secret for client {client['ClientId']}"
    )
    assert check_access(live, result["AccessToken"]).user.username == "alice"
    idp.revoke_token(
        Token=result["RefreshToken"], ClientId=client["ClientId"], ClientSecret=client["ClientSecret"]
    )
    _refused(live, result["AccessToken"], "Access Token has been revoked")


def test_global_sign_out(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    make_user(idp, pool_id, "bob")
    client_id = make_client(idp, pool_id)["ClientId"]
    first, second = issue(live, pool_id, client_id), issue(live, pool_id, client_id)
    bob = issue(live, pool_id, client_id, "bob")
    idp.global_sign_out(AccessToken=first["AccessToken"])
    for result in (first, second):
        _refused(live, result["AccessToken"], "Access Token has been revoked")
        code, message = error_of(
            idp.get_tokens_from_refresh_token, RefreshToken=result["RefreshToken"], ClientId=client_id
        )
        assert (code, message) == ("NotAuthorizedException", "Refresh Token has been revoked")
    code, message = error_of(idp.global_sign_out, AccessToken=first["AccessToken"])
    assert (code, message) == ("NotAuthorizedException", "Access Token has been revoked")
    assert check_access(live, bob["AccessToken"]).user.username == "bob"
    again = issue(live, pool_id, client_id)  # signing in again works at once
    assert check_access(live, again["AccessToken"]).user.username == "alice"


def test_global_sign_out_without_revocation_family(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id, EnableTokenRevocation=False)["ClientId"]
    result = issue(live, pool_id, client_id)
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    code, message = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=result["RefreshToken"], ClientId=client_id
    )
    assert (code, message) == ("NotAuthorizedException", "Refresh Token has been revoked")


def test_admin_user_global_sign_out(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id, email="alice@example.com")
    client_id = make_client(idp, pool_id)["ClientId"]
    result = issue(live, pool_id, client_id)
    code, message = error_of(idp.admin_user_global_sign_out, UserPoolId=pool_id, Username="nobody")
    assert (code, message) == ("UserNotFoundException", "User does not exist.")
    assert check_access(live, result["AccessToken"]).user.username == "alice"
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    _refused(live, result["AccessToken"], "Access Token has been revoked")
    code, _ = error_of(idp.admin_user_global_sign_out, UserPoolId="us-east-1_nothere00", Username="alice")
    assert code == "ResourceNotFoundException"


def test_disabled_and_deleted_users(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    result = issue(live, pool_id, client_id)
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    _refused(live, result["AccessToken"], "User is disabled.")
    code, message = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=result["RefreshToken"], ClientId=client_id
    )
    assert (code, message) == ("NotAuthorizedException", "User is disabled.")
    idp.admin_enable_user(UserPoolId=pool_id, Username="alice")
    assert check_access(live, result["AccessToken"]).user.enabled
    idp.admin_delete_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(UserNotFoundException):
        check_access(live, result["AccessToken"])
    code, message = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=result["RefreshToken"], ClientId=client_id
    )
    assert (code, message) == ("NotAuthorizedException", "Invalid Refresh Token.")


def test_deleted_pool(idp: Any, live: RunningServer) -> None:
    pool_id = idp.create_user_pool(PoolName="gone")["UserPool"]["Id"]
    make_user(idp, pool_id)
    result = issue(live, pool_id, make_client(idp, pool_id)["ClientId"])
    idp.delete_user_pool(UserPoolId=pool_id)
    _refused(live, result["AccessToken"], "Invalid Access Token")
