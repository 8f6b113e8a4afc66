"""aws-amplify v6 (Auth, Cognito provider; pinned in tests/clients/js) in Node against a live server.

Amplify is configured with `userPoolEndpoint` only; tests/clients/js/amplify.js gives its token provider
a file-backed key-value storage, so a later run continues the same signed-in session.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from clients_support import (
    PASSWORD,
    NodeClient,
    NodeFactory,
    confirmed_user,
    make_client,
    make_pool,
    step,
    unique,
    wait_code,
)

from userpools.testing import RunningServer

NEW_PASSWORD = "N3w-Passw0rd!"


@pytest.fixture
def app(idp: Any, amplify: NodeFactory) -> tuple[str, str, NodeClient]:
    """A pool that verifies email by code, its default app client (SRP + refresh) and Amplify bound to it."""
    recovery = {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]}
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"], AccountRecoverySetting=recovery)
    client = make_client(idp, pool_id)
    return pool_id, client["ClientId"], amplify(pool_id, client["ClientId"])


def signed_in(idp: Any, app: tuple[str, str, NodeClient]) -> tuple[str, NodeClient, dict[str, Any]]:
    """A confirmed user signed in with Amplify (SRP), and what its token store then holds."""
    pool_id, _, js = app
    username = unique("amp")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true")
    outcome = js.must(step("signIn", username=username, password=PASSWORD), step("tokens"))
    assert outcome.result("signIn")["isSignedIn"] is True
    return username, js, outcome.result("tokens")


def test_sign_up_confirm_sign_up_and_srp_sign_in(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, client_id, js = app
    username, email = unique("amp"), f"{unique('m')}@example.com"

    signed_up = js.must(step("signUp", username=username, password=PASSWORD, attributes={"email": email}))
    result = signed_up.result("signUp")
    assert result["isSignUpComplete"] is False
    assert result["nextStep"]["signUpStep"] == "CONFIRM_SIGN_UP"
    assert result["nextStep"]["codeDeliveryDetails"]["deliveryMedium"] == "EMAIL"
    assert uuid.UUID(result["userId"])

    code = wait_code(live, pool_id, username)
    confirmed = js.must(step("confirmSignUp", username=username, code=code)).result("confirmSignUp")
    assert confirmed["isSignUpComplete"] is True
    assert confirmed["nextStep"]["signUpStep"] == "DONE"

    outcome = js.must(step("signIn", username=username, password=PASSWORD), step("getCurrentUser"))
    signed = outcome.result("signIn")
    assert (signed["isSignedIn"], signed["signInStep"]) == (True, "DONE")
    initiate = outcome.calls_to("InitiateAuth")[0]
    assert initiate["request"]["AuthFlow"] == "USER_SRP_AUTH", "Amplify's default flow is SRP"
    assert initiate["response"]["ChallengeParameters"]["USER_ID_FOR_SRP"] == username
    current = outcome.result("getCurrentUser")
    assert (current["username"], current["userId"]) == (username, result["userId"])
    assert current["signInDetails"]["authFlowType"] == "USER_SRP_AUTH"

    # A new process: the stored session, its tokens verified by the server.
    tokens = js.must(step("tokens")).result("tokens")
    assert tokens["accessClaims"]["client_id"] == client_id
    assert tokens["idClaims"]["aud"] == client_id
    assert isinstance(tokens["accessClaims"]["iat"], int), "Amplify needs iat in the access token"
    assert idp.get_user(AccessToken=tokens["accessToken"])["Username"] == username


def test_fetch_auth_session_with_forced_refresh(idp: Any, app: Any) -> None:
    username, js, before = signed_in(idp, app)

    outcome = js.must(step("fetchAuthSession", forceRefresh=True), step("tokens"))

    # Amplify v6 refreshes with GetTokensFromRefreshToken (not InitiateAuth REFRESH_TOKEN_AUTH).
    refresh_calls = outcome.calls_to("GetTokensFromRefreshToken")
    assert [c["status"] for c in refresh_calls] == [200], outcome.describe()
    assert refresh_calls[0]["request"]["RefreshToken"] == before["refreshToken"]
    assert "RefreshToken" not in refresh_calls[0]["response"]["AuthenticationResult"], (
        "no rotation by default"
    )
    session = outcome.result("fetchAuthSession")
    assert session["userSub"] == before["accessClaims"]["sub"]
    fresh = session["tokens"]
    assert fresh["accessClaims"]["jti"] != before["accessClaims"]["jti"]
    assert fresh["idClaims"]["cognito:username"] == username
    assert fresh["accessClaims"]["auth_time"] == before["accessClaims"]["auth_time"]
    assert outcome.result("tokens")["accessToken"] == fresh["accessToken"], "the refreshed tokens are stored"
    assert idp.get_user(AccessToken=fresh["accessToken"])["Username"] == username

    # Without forceRefresh a valid session is served from the store, with no call at all.
    cached = js.must(step("fetchAuthSession"))
    assert cached.report["calls"] == []
    assert cached.result("fetchAuthSession")["tokens"]["accessToken"] == fresh["accessToken"]


def test_forced_refresh_with_refresh_token_rotation(idp: Any, amplify: NodeFactory) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(
        idp, pool_id, RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 0}
    )["ClientId"]
    js = amplify(pool_id, client_id)
    username, _, before = signed_in(idp, (pool_id, client_id, js))

    outcome = js.must(
        step("fetchAuthSession", forceRefresh=True),
        step("tokens"),
        step("fetchAuthSession", forceRefresh=True),
    )

    first, second = outcome.calls_to("GetTokensFromRefreshToken")
    rotated = first["response"]["AuthenticationResult"]["RefreshToken"]
    assert rotated != before["refreshToken"]
    assert outcome.result("tokens")["refreshToken"] == rotated, "Amplify stores the rotated refresh token"
    assert second["request"]["RefreshToken"] == rotated
    assert second["status"] == 200
    fresh = outcome.result("fetchAuthSession")["tokens"]
    assert idp.get_user(AccessToken=fresh["accessToken"])["Username"] == username


def test_update_password(idp: Any, app: Any) -> None:
    username, js, _ = signed_in(idp, app)

    outcome = js.must(
        step("updatePassword", oldPassword=PASSWORD, newPassword=NEW_PASSWORD),
        step("signOut"),
        step("signIn", username=username, password=NEW_PASSWORD),
        step("signOut"),
        step("signIn", username=username, password=PASSWORD, allow_error=True),
    )

    assert [c["status"] for c in outcome.calls_to("ChangePassword")] == [200]
    assert outcome.result("signIn", 0)["isSignedIn"] is True
    assert outcome.error("signIn")["name"] == "NotAuthorizedException"


def test_update_password_with_the_wrong_old_password(idp: Any, app: Any) -> None:
    _, js, _ = signed_in(idp, app)

    outcome = js.run(
        step("updatePassword", oldPassword="Wr0ng-Passw0rd!", newPassword=NEW_PASSWORD, allow_error=True)
    )

    assert outcome.error("updatePassword")["name"] == "NotAuthorizedException"


def test_global_sign_out(idp: Any, app: Any) -> None:
    _, client_id, _ = app
    _, js, tokens = signed_in(idp, app)

    outcome = js.must(step("signOut", **{"global": True}), step("tokens"))

    # signOut swallows server errors, so the call itself and its effect are checked here.
    assert [c["status"] for c in outcome.calls_to("GlobalSignOut")] == [200], outcome.describe()
    assert outcome.result("tokens") is None
    with pytest.raises(idp.exceptions.NotAuthorizedException) as revoked:
        idp.get_user(AccessToken=tokens["accessToken"])
    assert revoked.value.response["Error"]["Message"] == "Access Token has been revoked"
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["refreshToken"]},
        )
    after = js.run(step("getCurrentUser", allow_error=True))
    assert after.error("getCurrentUser")["name"] == "UserUnAuthenticatedException"


def test_local_sign_out_revokes_the_refresh_token(idp: Any, app: Any) -> None:
    _, client_id, _ = app
    _, js, tokens = signed_in(idp, app)
    assert tokens["accessClaims"]["origin_jti"], "Amplify only calls RevokeToken when origin_jti is there"

    outcome = js.must(step("signOut"), step("tokens"))

    revoke = outcome.calls_to("RevokeToken")
    assert [c["status"] for c in revoke] == [200], outcome.describe()
    assert revoke[0]["request"] == {"ClientId": client_id, "Token": tokens["refreshToken"]}
    assert revoke[0]["response"] == {}
    assert outcome.result("tokens") is None
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["refreshToken"]},
        )
    # The access token issued from that refresh token is revoked with it (matched through origin_jti).
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=tokens["accessToken"])


def test_new_password_required_with_confirm_sign_in(idp: Any, app: Any) -> None:
    pool_id, _, js = app
    username = unique("amp")
    idp.admin_create_user(
        UserPoolId=pool_id, Username=username, TemporaryPassword="Temp-Passw0rd!", MessageAction="SUPPRESS"
    )

    outcome = js.must(step("signIn", username=username, password="Temp-Passw0rd!", newPassword=NEW_PASSWORD))

    result = outcome.result("signIn")
    assert result["first"]["nextStep"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    assert (result["isSignedIn"], result["signInStep"]) == (True, "DONE")
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def test_wrong_password_is_not_authorized(idp: Any, app: Any) -> None:
    pool_id, _, js = app
    username = unique("amp")
    confirmed_user(idp, pool_id, username)

    outcome = js.run(step("signIn", username=username, password="Wr0ng-Passw0rd!", allow_error=True))

    error = outcome.error("signIn")
    assert (error["name"], error["message"]) == ("NotAuthorizedException", "Incorrect username or password.")


def test_email_as_username_and_an_unconfirmed_sign_in(
    idp: Any, live: RunningServer, amplify: NodeFactory
) -> None:
    """UsernameAttributes=[email]; signing in before confirming gives Amplify's CONFIRM_SIGN_UP next step."""
    pool_id = make_pool(idp, UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])
    client_id = make_client(idp, pool_id)["ClientId"]
    js = amplify(pool_id, client_id)
    email = f"{unique('mail')}@example.com"

    early = js.must(
        step("signUp", username=email, password=PASSWORD, attributes={"email": email}),
        step("signIn", username=email, password=PASSWORD),
    )
    # Amplify turns UserNotConfirmedException into a next step instead of an error.
    assert early.calls_to("InitiateAuth")[-1]["error_type"].split(":")[0] == "UserNotConfirmedException"
    assert early.result("signIn")["signInStep"] == "CONFIRM_SIGN_UP"

    outcome = js.must(
        step("confirmSignUp", username=email, code=wait_code(live, pool_id, email)),
        step("signIn", username=email, password=PASSWORD),
        step("getCurrentUser"),
    )
    internal = idp.admin_get_user(UserPoolId=pool_id, Username=email)["Username"]
    current = outcome.result("getCurrentUser")
    assert current["username"] == internal != email
    assert current["userId"] == early.result("signUp")["userId"]
    assert current["signInDetails"]["loginId"] == email


def test_user_password_auth_flow(idp: Any, amplify: NodeFactory) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(
        idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["ClientId"]
    js = amplify(pool_id, client_id)
    username = unique("amp")
    confirmed_user(idp, pool_id, username)

    outcome = js.must(
        step("signIn", username=username, password=PASSWORD, authFlowType="USER_PASSWORD_AUTH"),
        step("signOut"),
        step("signIn", username=username, password=PASSWORD, allow_error=True),
    )

    assert outcome.result("signIn", 0)["isSignedIn"] is True
    assert outcome.calls_to("InitiateAuth")[0]["request"]["AuthFlow"] == "USER_PASSWORD_AUTH"
    # SRP (Amplify's default) is not among this client's flows.
    assert outcome.error("signIn")["name"] == "InvalidParameterException"


def test_reset_password(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, _, js = app
    username = unique("amp")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true")

    started = js.must(step("resetPassword", username=username)).result("resetPassword")

    assert started["isPasswordReset"] is False
    assert started["nextStep"]["resetPasswordStep"] == "CONFIRM_RESET_PASSWORD_WITH_CODE"
    assert started["nextStep"]["codeDeliveryDetails"]["deliveryMedium"] == "EMAIL"
    code = wait_code(live, pool_id, username)
    outcome = js.must(
        step("confirmResetPassword", username=username, code=code, newPassword=NEW_PASSWORD),
        step("signIn", username=username, password=NEW_PASSWORD),
    )
    assert outcome.result("signIn")["isSignedIn"] is True


def test_fetch_update_and_confirm_user_attributes(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, _, _ = app
    username, js, _ = signed_in(idp, app)
    new_email = f"{unique('new')}@example.com"

    outcome = js.must(
        step("fetchUserAttributes"),
        step("updateUserAttributes", attributes={"given_name": "Ann", "email": new_email}),
    )

    attrs = outcome.result("fetchUserAttributes")
    assert (attrs["email"], attrs["email_verified"]) == (f"{username}@example.com", "true")
    update = outcome.result("updateUserAttributes")
    assert update["given_name"] == {"isUpdated": True, "nextStep": {"updateAttributeStep": "DONE"}}
    assert update["email"]["isUpdated"] is False
    assert update["email"]["nextStep"]["updateAttributeStep"] == "CONFIRM_ATTRIBUTE_WITH_CODE"
    assert update["email"]["nextStep"]["codeDeliveryDetails"]["attributeName"] == "email"

    code = wait_code(live, pool_id, new_email)
    after = js.must(step("confirmUserAttribute", key="email", code=code), step("fetchUserAttributes"))
    attrs = after.result("fetchUserAttributes")
    assert (attrs["email"], attrs["email_verified"], attrs["given_name"]) == (new_email, "true", "Ann")


def test_delete_user(idp: Any, app: Any) -> None:
    pool_id, _, _ = app
    username, js, _ = signed_in(idp, app)

    outcome = js.must(step("deleteUser"), step("tokens"))

    assert [c["status"] for c in outcome.calls_to("DeleteUser")] == [200]
    assert outcome.result("tokens") is None
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
