"""amazon-cognito-identity-js (pinned in tests/clients/js) against a live server, `endpoint` option only.

Each test drives the library through tests/clients/js/cij.js; the library keeps its tokens in a
localStorage-like JSON file, so a later run of the script continues the same signed-in session.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from clients_support import (
    PASSWORD,
    NodeClient,
    NodeFactory,
    claims,
    confirmed_user,
    make_client,
    make_pool,
    messages,
    step,
    unique,
    wait_code,
)

from userpools.testing import RunningServer

NEW_PASSWORD = "N3w-Passw0rd!"
RECOVERY = {"RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}]}


@pytest.fixture
def app(idp: Any, cij: NodeFactory) -> Any:
    """A pool that verifies email by code, its default app client (SRP + refresh) and CIJ bound to it."""
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"], AccountRecoverySetting=RECOVERY)
    client = make_client(idp, pool_id)
    return pool_id, client["ClientId"], cij(pool_id, client["ClientId"])


def signed_in(idp: Any, app: Any, **attrs: str) -> tuple[str, NodeClient, dict[str, Any]]:
    """A confirmed user (verified email) signed in with CIJ (SRP), and its session."""
    pool_id, _, js = app
    username = unique("cij")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true", **attrs)
    session = js.must(step("signIn", username=username, password=PASSWORD)).result("signIn")
    return username, js, session


def test_sign_up_confirm_and_srp_sign_in(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, client_id, js = app
    username, email = unique("cij"), f"{unique('m')}@example.com"

    signed_up = js.must(step("signUp", username=username, password=PASSWORD, attributes={"email": email}))
    result = signed_up.result("signUp")
    assert result["userConfirmed"] is False
    assert uuid.UUID(result["userSub"])
    assert result["codeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert result["codeDeliveryDetails"]["AttributeName"] == "email"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "UNCONFIRMED"

    code = wait_code(live, pool_id, username)
    js.must(step("confirmRegistration", username=username, code=code))
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"

    outcome = js.must(step("signIn", username=username, password=PASSWORD))
    session = outcome.result("signIn")
    # The SRP exchange: InitiateAuth USER_SRP_AUTH → PASSWORD_VERIFIER → RespondToAuthChallenge.
    initiate = outcome.calls_to("InitiateAuth")[0]
    assert initiate["request"]["AuthFlow"] == "USER_SRP_AUTH"
    assert initiate["response"]["ChallengeName"] == "PASSWORD_VERIFIER"
    assert initiate["response"]["ChallengeParameters"]["USER_ID_FOR_SRP"] == username
    assert outcome.calls_to("RespondToAuthChallenge")[0]["status"] == 200
    assert session["valid"] is True
    id_claims, access_claims = session["idClaims"], session["accessClaims"]
    assert id_claims["sub"] == access_claims["sub"] == result["userSub"]
    assert id_claims["cognito:username"] == access_claims["username"] == username
    assert (id_claims["aud"], id_claims["token_use"], id_claims["email"]) == (client_id, "id", email)
    assert id_claims["email_verified"] is True
    assert (access_claims["client_id"], access_claims["token_use"]) == (client_id, "access")
    assert id_claims["iss"] == f"{live.url}/{pool_id}"

    # getSession in a new process: the cached session, still valid, usable against the API.
    again = js.must(step("getSession")).result("getSession")
    assert (again["username"], again["accessToken"]) == (username, session["accessToken"])
    assert idp.get_user(AccessToken=again["accessToken"])["Username"] == username


def test_refresh_session(idp: Any, app: Any) -> None:
    username, js, before = signed_in(idp, app)

    outcome = js.must(step("refreshSession"))
    fresh = outcome.result("refreshSession")
    request = outcome.calls_to("InitiateAuth")[-1]["request"]
    assert request["AuthFlow"] == "REFRESH_TOKEN_AUTH"
    # CIJ sends DEVICE_KEY: null when it has no device (JSON null, as a browser's localStorage gives).
    assert "DEVICE_KEY" in request["AuthParameters"]
    assert request["AuthParameters"]["DEVICE_KEY"] is None
    assert fresh["accessToken"] != before["accessToken"]
    assert fresh["accessClaims"]["jti"] != before["accessClaims"]["jti"]
    assert fresh["accessClaims"]["sub"] == before["accessClaims"]["sub"]
    assert fresh["accessClaims"]["auth_time"] == before["accessClaims"]["auth_time"]
    assert fresh["refreshToken"] == before["refreshToken"], "no rotation: CIJ keeps the refresh token"
    assert idp.get_user(AccessToken=fresh["accessToken"])["Username"] == username


def test_change_password(idp: Any, app: Any) -> None:
    username, js, _ = signed_in(idp, app)

    js.must(step("changePassword", oldPassword=PASSWORD, newPassword=NEW_PASSWORD))

    old = js.run(step("signIn", username=username, password=PASSWORD, allow_error=True))
    assert old.error("signIn")["name"] == "NotAuthorizedException"
    js.must(step("signIn", username=username, password=NEW_PASSWORD))


def test_change_password_with_the_wrong_previous_password(idp: Any, app: Any) -> None:
    username, js, _ = signed_in(idp, app)

    outcome = js.run(
        step("changePassword", oldPassword="Wr0ng-Passw0rd!", newPassword=NEW_PASSWORD, allow_error=True)
    )

    assert outcome.error("changePassword")["name"] == "NotAuthorizedException"
    js.must(step("signIn", username=username, password=PASSWORD))


def test_forgot_password_and_confirm_password(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, _, js = app
    username = unique("cij")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true")

    delivery = js.must(step("forgotPassword", username=username)).result("forgotPassword")
    assert delivery["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert delivery["CodeDeliveryDetails"]["AttributeName"] == "email"

    code = wait_code(live, pool_id, username)
    wrong = js.run(
        step("confirmPassword", username=username, code="000000", newPassword=NEW_PASSWORD, allow_error=True)
    )
    if code != "000000":
        assert wrong.error("confirmPassword")["name"] == "CodeMismatchException"
    js.must(step("confirmPassword", username=username, code=code, newPassword=NEW_PASSWORD))

    js.must(step("signIn", username=username, password=NEW_PASSWORD))
    old = js.run(step("signIn", username=username, password=PASSWORD, allow_error=True))
    assert old.error("signIn")["name"] == "NotAuthorizedException"


def test_get_and_update_user_attributes(idp: Any, app: Any) -> None:
    pool_id, _, _ = app
    username, js, _ = signed_in(idp, app, given_name="Ann")

    attrs = js.must(step("getUserAttributes")).result("getUserAttributes")
    assert attrs["given_name"] == "Ann"
    assert attrs["email"] == f"{username}@example.com"
    assert attrs["email_verified"] == "true"
    assert uuid.UUID(attrs["sub"])

    updated = js.must(step("updateAttributes", attributes={"given_name": "Beth", "family_name": "Jones"}))
    assert updated.result("updateAttributes")["result"] == "SUCCESS"

    after = js.must(step("getUserAttributes")).result("getUserAttributes")
    assert (after["given_name"], after["family_name"]) == ("Beth", "Jones")
    server = idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]
    assert {a["Name"]: a["Value"] for a in server}["given_name"] == "Beth"


def test_complete_new_password_challenge(idp: Any, app: Any) -> None:
    pool_id, client_id, js = app
    username = unique("cij")
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        TemporaryPassword="Temp-Passw0rd!",
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}],
    )

    outcome = js.must(
        step(
            "signIn",
            username=username,
            password="Temp-Passw0rd!",
            newPassword=NEW_PASSWORD,
            attributes={"name": "Neo"},
        )
    )

    result = outcome.result("signIn")
    assert result["challenge"]["name"] == "NEW_PASSWORD_REQUIRED"
    assert result["challenge"]["userAttributes"]["email"] == f"{username}@example.com"
    assert result["challenge"]["requiredAttributes"] == []
    respond = outcome.calls_to("RespondToAuthChallenge")
    assert [c["request"]["ChallengeName"] for c in respond] == ["PASSWORD_VERIFIER", "NEW_PASSWORD_REQUIRED"]
    assert respond[-1]["request"]["Session"], "the challenge came with a Session that CIJ sends back"
    assert result["idClaims"]["cognito:username"] == username
    assert result["idClaims"]["aud"] == client_id
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserStatus"] == "CONFIRMED"
    assert {a["Name"]: a["Value"] for a in user["UserAttributes"]}["name"] == "Neo"
    js.must(step("signIn", username=username, password=NEW_PASSWORD))


def test_global_sign_out(idp: Any, app: Any) -> None:
    client_id = app[1]
    _, js, session = signed_in(idp, app)

    js.must(step("globalSignOut"))

    assert not any(k.endswith(".accessToken") for k in js.stored()), "CIJ clears its cached tokens"
    with pytest.raises(idp.exceptions.NotAuthorizedException) as revoked:
        idp.get_user(AccessToken=session["accessToken"])
    assert revoked.value.response["Error"]["Message"] == "Access Token has been revoked"
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": session["refreshToken"]},
        )
    again = js.run(step("getSession", allow_error=True))
    assert "error" in again.results[0], "no session is left after the global sign-out"


def test_wrong_password_is_not_authorized(idp: Any, app: Any) -> None:
    pool_id, _, js = app
    username = unique("cij")
    confirmed_user(idp, pool_id, username)

    outcome = js.run(step("signIn", username=username, password="Wr0ng-Passw0rd!", allow_error=True))

    error = outcome.error("signIn")
    assert (error["name"], error["message"]) == ("NotAuthorizedException", "Incorrect username or password.")
    failing = outcome.calls_to("RespondToAuthChallenge")[-1]
    assert failing["status"] == 400
    assert failing["error_type"].split(":")[0] == "NotAuthorizedException"
    assert not js.stored().get(f"CognitoIdentityServiceProvider.{app[1]}.LastAuthUser")


def test_unknown_user_with_prevent_user_existence_errors(idp: Any, cij: NodeFactory) -> None:
    pool_id = make_pool(idp)
    client = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    js = cij(pool_id, client["ClientId"])

    outcome = js.run(step("signIn", username=unique("ghost"), password=PASSWORD, allow_error=True))

    error = outcome.error("signIn")
    assert (error["name"], error["message"]) == ("NotAuthorizedException", "Incorrect username or password.")
    # Indistinguishable from a real user: the fake PASSWORD_VERIFIER challenge comes first.
    assert outcome.calls_to("InitiateAuth")[0]["response"]["ChallengeName"] == "PASSWORD_VERIFIER"


def test_get_session_refreshes_an_expired_session(idp: Any, app: Any) -> None:
    """getSession refreshes by itself once the cached tokens have expired (CIJ: exp with its clock drift)."""
    username, js, _ = signed_in(idp, app)
    storage = js.stored()
    prefix = f"CognitoIdentityServiceProvider.{app[1]}.{username}"
    # Pretend the cached tokens were issued long ago: a clock drift makes CIJ consider them expired.
    storage[f"{prefix}.clockDrift"] = str(-10 * 3600)
    js.storage.write_text(json.dumps(storage), encoding="utf-8")

    outcome = js.must(step("getSession"))

    assert [c["request"]["AuthFlow"] for c in outcome.calls_to("InitiateAuth")] == ["REFRESH_TOKEN_AUTH"]
    fresh = outcome.result("getSession")
    assert claims(fresh["accessToken"])["jti"] != claims(storage[f"{prefix}.accessToken"])["jti"]
    assert idp.get_user(AccessToken=fresh["accessToken"])["Username"] == username


def test_sign_in_with_an_email_alias(idp: Any, cij: NodeFactory) -> None:
    """The user types an alias; the SRP proof is over USER_ID_FOR_SRP, the real username, which CIJ adopts."""
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client_id = make_client(idp, pool_id)["ClientId"]
    js = cij(pool_id, client_id)
    username, email = unique("cij"), f"{unique('alias')}@example.com"
    confirmed_user(idp, pool_id, username, email=email, email_verified="true")

    outcome = js.must(step("signIn", username=email, password=PASSWORD))

    initiate = outcome.calls_to("InitiateAuth")[0]
    assert initiate["request"]["AuthParameters"]["USERNAME"] == email
    assert initiate["response"]["ChallengeParameters"]["USER_ID_FOR_SRP"] == username
    assert (
        outcome.calls_to("RespondToAuthChallenge")[0]["request"]["ChallengeResponses"]["USERNAME"] == username
    )
    session = outcome.result("signIn")
    assert session["username"] == username
    assert session["idClaims"]["cognito:username"] == username
    assert js.stored()[f"CognitoIdentityServiceProvider.{client_id}.LastAuthUser"] == username


def test_email_as_username(idp: Any, live: RunningServer, cij: NodeFactory) -> None:
    """UsernameAttributes=[email]: the user signs up and in with the email; the username is a generated id."""
    pool_id = make_pool(idp, UsernameAttributes=["email"], AutoVerifiedAttributes=["email"])
    client_id = make_client(idp, pool_id)["ClientId"]
    js = cij(pool_id, client_id)
    email = f"{unique('mail')}@example.com"

    sub = js.must(step("signUp", username=email, password=PASSWORD, attributes={"email": email})).result(
        "signUp"
    )["userSub"]
    js.must(step("confirmRegistration", username=email, code=wait_code(live, pool_id, email)))
    session = js.must(step("signIn", username=email, password=PASSWORD)).result("signIn")

    internal = idp.admin_get_user(UserPoolId=pool_id, Username=email)["Username"]
    assert internal != email
    assert session["idClaims"]["cognito:username"] == session["accessClaims"]["username"] == internal
    assert session["idClaims"]["sub"] == sub
    assert session["idClaims"]["email"] == email


def test_unconfirmed_user_cannot_sign_in(idp: Any, app: Any) -> None:
    _, _, js = app
    username = unique("cij")
    js.must(
        step("signUp", username=username, password=PASSWORD, attributes={"email": f"{username}@example.com"})
    )

    wrong = js.run(step("signIn", username=username, password="Wr0ng-Passw0rd!", allow_error=True))
    right = js.run(step("signIn", username=username, password=PASSWORD, allow_error=True))

    # Cognito checks the status before the password: both answers are the same.
    assert wrong.error("signIn")["name"] == right.error("signIn")["name"] == "UserNotConfirmedException"


def test_change_and_verify_an_email(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, _, _ = app
    username, js, _ = signed_in(idp, app)
    new_email = f"{unique('new')}@example.com"

    updated = js.must(step("updateAttributes", attributes={"email": new_email})).result("updateAttributes")

    assert updated["details"]["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    code = wait_code(live, pool_id, new_email)
    before = js.must(step("getUserAttributes")).result("getUserAttributes")
    assert (before["email"], before["email_verified"]) == (new_email, "false")
    wrong = js.run(
        step(
            "verifyAttribute", name="email", code="000000" if code != "000000" else "111111", allow_error=True
        )
    )
    assert wrong.error("verifyAttribute")["name"] == "CodeMismatchException"
    js.must(step("verifyAttribute", name="email", code=code))
    after = js.must(step("getUserAttributes")).result("getUserAttributes")
    assert (after["email"], after["email_verified"]) == (new_email, "true")

    seen = len(messages(live, pool_id, new_email))
    delivery = js.must(step("getAttributeVerificationCode", name="email")).result(
        "getAttributeVerificationCode"
    )
    assert delivery["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert wait_code(live, pool_id, new_email, seen=seen)
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["Username"] == username


def test_resend_confirmation_code(idp: Any, live: RunningServer, app: Any) -> None:
    pool_id, _, js = app
    username = unique("cij")
    js.must(
        step("signUp", username=username, password=PASSWORD, attributes={"email": f"{username}@example.com"})
    )
    wait_code(live, pool_id, username)

    resent = js.must(step("resendConfirmationCode", username=username)).result("resendConfirmationCode")

    assert resent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = wait_code(live, pool_id, username, seen=1)
    js.must(
        step("confirmRegistration", username=username, code=code),
        step("signIn", username=username, password=PASSWORD),
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"


def test_sign_out_revokes_the_refresh_token(idp: Any, app: Any) -> None:
    client_id = app[1]
    _, js, session = signed_in(idp, app)

    outcome = js.must(step("signOut"))

    revoke = outcome.calls_to("RevokeToken")
    assert [c["status"] for c in revoke] == [200], outcome.describe()
    assert revoke[0]["request"] == {"Token": session["refreshToken"], "ClientId": client_id}
    assert not any(k.endswith(".refreshToken") for k in js.stored())
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": session["refreshToken"]},
        )
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.get_user(AccessToken=session["accessToken"])


def test_delete_user(idp: Any, app: Any) -> None:
    pool_id = app[0]
    username, js, _ = signed_in(idp, app)

    js.must(step("deleteUser"))

    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username=username)
