"""GetTokensFromRefreshToken (and the ``refresh`` behind REFRESH_TOKEN_AUTH): families, rotation, expiry."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from test_tokens_support import check_access, error_of, issue, make_client, make_user, unverified

from userpools.errors import NotAuthorizedException
from userpools.ports import FakeClock
from userpools.testing import RunningServer, server


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock(current=float(int(time.time())))


@pytest.fixture(scope="module")
def timed(clock: FakeClock) -> Iterator[RunningServer]:
    """A server whose clock the tests move."""
    with server(clock=clock) as srv:
        yield srv


def _refresh(idp: Any, client_id: str, token: str, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = idp.get_tokens_from_refresh_token(
        RefreshToken=token, ClientId=client_id, **extra
    )["AuthenticationResult"]
    return result


def test_refresh_keeps_family_and_auth_time(timed: RunningServer, clock: FakeClock) -> None:
    idp = timed.client()
    pool_id = idp.create_user_pool(PoolName="refresh")["UserPool"]["Id"]
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    first = issue(timed, pool_id, client_id)
    clock.advance(120)
    renewed = _refresh(idp, client_id, first["RefreshToken"])
    assert set(renewed) == {"AccessToken", "IdToken", "ExpiresIn", "TokenType"}
    old, new = unverified(first["AccessToken"]), unverified(renewed["AccessToken"])
    assert new["origin_jti"] == old["origin_jti"] and new["jti"] != old["jti"]
    assert new["auth_time"] == old["auth_time"] and new["iat"] == old["iat"] + 120
    assert unverified(renewed["IdToken"])["auth_time"] == old["auth_time"]
    assert check_access(timed, renewed["AccessToken"]).user.username == "alice"


def test_expiry(timed: RunningServer, clock: FakeClock) -> None:
    idp = timed.client()
    pool_id = idp.create_user_pool(PoolName="expiry")["UserPool"]["Id"]
    make_user(idp, pool_id)
    client_id = make_client(
        idp,
        pool_id,
        RefreshTokenValidity=2,
        TokenValidityUnits={"RefreshToken": "hours", "AccessToken": "hours"},
    )["ClientId"]
    result = issue(timed, pool_id, client_id)
    clock.advance(3599)
    check_access(timed, result["AccessToken"])
    clock.advance(1)
    with pytest.raises(NotAuthorizedException) as err:
        check_access(timed, result["AccessToken"])
    assert err.value.message == "Access Token has expired"
    code, message = error_of(idp.global_sign_out, AccessToken=result["AccessToken"])
    assert (code, message) == ("NotAuthorizedException", "Access Token has expired")
    renewed = _refresh(idp, client_id, result["RefreshToken"])
    check_access(timed, renewed["AccessToken"])
    clock.advance(3600)
    code, message = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=result["RefreshToken"], ClientId=client_id
    )
    assert (code, message) == ("NotAuthorizedException", "Refresh Token has expired")


def test_rotation_with_grace_period(timed: RunningServer, clock: FakeClock) -> None:
    idp = timed.client()
    pool_id = idp.create_user_pool(PoolName="rotation")["UserPool"]["Id"]
    make_user(idp, pool_id)
    client_id = make_client(
        idp, pool_id, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 30}
    )["ClientId"]
    original = issue(timed, pool_id, client_id)
    rotated = _refresh(idp, client_id, original["RefreshToken"])
    assert rotated["RefreshToken"] not in (None, original["RefreshToken"])
    clock.advance(20)
    retried = _refresh(idp, client_id, original["RefreshToken"])  # a client retry within the grace period
    assert retried["RefreshToken"] != rotated["RefreshToken"]
    clock.advance(11)
    code, _ = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=original["RefreshToken"], ClientId=client_id
    )
    assert code == "RefreshTokenReuseException"
    newest = _refresh(idp, client_id, rotated["RefreshToken"])
    assert (
        unverified(newest["AccessToken"])["origin_jti"] == unverified(original["AccessToken"])["origin_jti"]
    )
    # Revoking the newest refresh token revokes the whole family.
    idp.revoke_token(Token=newest["RefreshToken"], ClientId=client_id)
    for token in (rotated["RefreshToken"], retried["RefreshToken"]):
        code, message = error_of(idp.get_tokens_from_refresh_token, RefreshToken=token, ClientId=client_id)
        assert message == "Refresh Token has been revoked"


def test_rotation_without_grace(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id, RefreshTokenRotation={"Feature": "ENABLED"})["ClientId"]
    original = issue(live, pool_id, client_id)
    _refresh(idp, client_id, original["RefreshToken"])
    code, _ = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=original["RefreshToken"], ClientId=client_id
    )
    assert code == "RefreshTokenReuseException"


def test_refresh_errors(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id)["ClientId"]
    other_client = make_client(idp, pool_id)["ClientId"]
    token = issue(live, pool_id, client_id)["RefreshToken"]
    for client, refresh_token in (
        (other_client, token),
        (client_id, "bm90LWEtdG9rZW4"),
        (client_id, token[:-2]),
    ):
        code, message = error_of(
            idp.get_tokens_from_refresh_token, RefreshToken=refresh_token, ClientId=client
        )
        assert (code, message) == ("NotAuthorizedException", "Invalid Refresh Token.")
    code, message = error_of(idp.get_tokens_from_refresh_token, RefreshToken=token, ClientId="nosuchclient")
    assert (code, message) == ("ResourceNotFoundException", "User pool client nosuchclient does not exist.")
    srp_only = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])["ClientId"]
    srp_token = issue(live, pool_id, srp_only)["RefreshToken"]
    code, message = error_of(idp.get_tokens_from_refresh_token, RefreshToken=srp_token, ClientId=srp_only)
    assert (code, message) == (
        "InvalidParameterException",
        "REFRESH_TOKEN_AUTH flow not enabled for this client",
    )
    _refresh(idp, client_id, token)  # still usable after the failed attempts


def test_refresh_with_client_secret(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client = make_client(idp, pool_id, GenerateSecret=True)
    token = issue(live, pool_id, client["ClientId"])["RefreshToken"]
    code, message = error_of(
        idp.get_tokens_from_refresh_token, RefreshToken=token, ClientId=client["ClientId"]
    )
    assert code == "NotAuthorizedException" and "ClientSecret was not received" in message
    code, message = error_of(
        idp.get_tokens_from_refresh_token,
        RefreshToken=token,
        ClientId=client["ClientId"],
        ClientSecret="y" * 40,
    )
    assert (code, message) == (
        "NotAuthorizedException",
        f"Unable to verify secret for client {client['ClientId']}",
    )
    renewed = _refresh(idp, client["ClientId"], token, ClientSecret=client["ClientSecret"])
    assert check_access(live, renewed["AccessToken"]).client_id == client["ClientId"]


def test_global_sign_out_cuts_off_tokens_without_family(timed: RunningServer, clock: FakeClock) -> None:
    idp = timed.client()
    pool_id = idp.create_user_pool(PoolName="cutoff")["UserPool"]["Id"]
    make_user(idp, pool_id)
    client_id = make_client(idp, pool_id, EnableTokenRevocation=False)["ClientId"]
    result = issue(timed, pool_id, client_id)
    assert "origin_jti" not in unverified(result["AccessToken"])
    clock.advance(1)
    idp.admin_user_global_sign_out(UserPoolId=pool_id, Username="alice")
    with pytest.raises(NotAuthorizedException) as err:
        check_access(timed, result["AccessToken"])
    assert err.value.message == "Access Token has been revoked"
    clock.advance(0.5)
    after = issue(timed, pool_id, client_id)  # issued in the second of the sign-out: accepted
    assert check_access(timed, after["AccessToken"]).user.username == "alice"
