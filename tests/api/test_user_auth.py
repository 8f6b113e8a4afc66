"""USER_AUTH (choice-based sign-in) through boto3: SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP, WEB_AUTHN,
EMAIL_OTP and SMS_OTP first factors, and GetUserAuthFactors / AdminGetUserAuthFactors."""

from __future__ import annotations

import json
from typing import Any

from test_auth_support import PASSWORD, Srp, claims, error_of, make_client, make_user, secret_hash
from test_mfa_support import add_totp, code_in, last_mfa_message
from test_webauthn_support import (
    Authenticator,
    answer,
    passkey_pool,
    register,
    signed_in_user,
    user_auth,
)

from userpools.testing import RunningServer

PHONE = "+15555550100"


def test_select_challenge_lists_the_users_factors(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id, email="alice@example.com")
    started = user_auth(idp, client_id)
    assert started["ChallengeName"] == "SELECT_CHALLENGE"
    assert started["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    register(idp, access, Authenticator())
    assert user_auth(idp, client_id)["AvailableChallenges"] == [
        "PASSWORD",
        "PASSWORD_SRP",
        "WEB_AUTHN",
        "EMAIL_OTP",
    ]


def test_password_first_factor(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id)
    started = user_auth(idp, client_id)
    done = answer(idp, client_id, started, ANSWER="PASSWORD", USERNAME="alice", PASSWORD=PASSWORD)
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "alice"
    # With PREFERRED_CHALLENGE the password goes with InitiateAuth.
    direct = user_auth(idp, client_id, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert "AccessToken" in direct["AuthenticationResult"]
    wrong = error_of(
        user_auth, idp=idp, client_id=client_id, PREFERRED_CHALLENGE="PASSWORD", PASSWORD="Wr0ng-pass!"
    )
    assert wrong == ("NotAuthorizedException", "Incorrect username or password.")


def test_password_srp_first_factor(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id)
    started = user_auth(idp, client_id)
    srp = Srp(idp, pool_id, client_id, "alice")
    srp_a = srp.client.auth_parameters()["SRP_A"]
    verifier = answer(idp, client_id, started, ANSWER="PASSWORD_SRP", USERNAME="alice", SRP_A=srp_a)
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "AccessToken" in srp.respond(verifier)["AuthenticationResult"]
    # PREFERRED_CHALLENGE PASSWORD_SRP with SRP_A in InitiateAuth, as Amplify does.
    srp = Srp(idp, pool_id, client_id, "alice")
    direct = user_auth(idp, client_id, PREFERRED_CHALLENGE="PASSWORD_SRP", **srp.client.auth_parameters())
    assert "AccessToken" in srp.respond(direct)["AuthenticationResult"]


def test_passkey_sign_in(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id)
    authenticator = Authenticator()
    credential = register(idp, access, authenticator)
    started = user_auth(idp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
    assert started["ChallengeName"] == "WEB_AUTHN"
    options = json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert options["rpId"] == "localhost"
    assert [c["id"] for c in options["allowCredentials"]] == [credential["id"]]
    assertion = authenticator.get(options)
    done = answer(idp, client_id, started, USERNAME="alice", CREDENTIAL=json.dumps(assertion))
    assert claims(done["AuthenticationResult"]["AccessToken"])["username"] == "alice"
    # Through SELECT_CHALLENGE: ANSWER WEB_AUTHN issues the WEB_AUTHN challenge.
    selected = answer(idp, client_id, user_auth(idp, client_id), ANSWER="WEB_AUTHN", USERNAME="alice")
    assert selected["ChallengeName"] == "WEB_AUTHN"
    assertion = authenticator.get(selected["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert (
        "AccessToken"
        in answer(idp, client_id, selected, USERNAME="alice", CREDENTIAL=json.dumps(assertion))[
            "AuthenticationResult"
        ]
    )


def _webauthn_challenge(idp: Any, client_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    started = user_auth(idp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
    return started, json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])


def _refused(idp: Any, client_id: str, started: dict[str, Any], assertion: dict[str, Any]) -> tuple[str, str]:
    return error_of(answer, idp=idp, client_id=client_id, challenge=started, USERNAME="alice",
                    CREDENTIAL=json.dumps(assertion))  # fmt: skip


def test_passkey_assertion_errors(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id)
    authenticator = Authenticator()
    credential = register(idp, access, authenticator)
    # Wrong origin.
    started, options = _webauthn_challenge(idp, client_id)
    code, message = _refused(
        idp, client_id, started, authenticator.get(options, origin="https://evil.example")
    )
    assert code == "NotAuthorizedException" and "origin" in message
    # Wrong challenge: an assertion made for another sign-in's challenge.
    started, _ = _webauthn_challenge(idp, client_id)
    _, other_options = _webauthn_challenge(idp, client_id)
    assert _refused(idp, client_id, started, authenticator.get(other_options))[0] == "NotAuthorizedException"
    # Replayed assertion: the Session is spent, and a lower counter is refused even with a fresh one.
    started, options = _webauthn_challenge(idp, client_id)
    good = authenticator.get(options)
    answer(idp, client_id, started, USERNAME="alice", CREDENTIAL=json.dumps(good))
    assert _refused(idp, client_id, started, good) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )
    started, options = _webauthn_challenge(idp, client_id)
    stale = authenticator.get(options, counter=1)
    assert _refused(idp, client_id, started, stale) == (
        "NotAuthorizedException",
        "The passkey assertion could not be verified.",
    )
    # Unknown credential: a passkey never registered.
    stranger = Authenticator()
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": "dXNlcg"}, "challenge": "Y2g"})
    started, options = _webauthn_challenge(idp, client_id)
    assert (
        _refused(idp, client_id, started, stranger.get(options))[1]
        == "The passkey is not registered for this user."
    )
    # Deleted credential.
    idp.delete_web_authn_credential(AccessToken=access, CredentialId=credential["id"])
    assert "WEB_AUTHN" not in user_auth(idp, client_id)["AvailableChallenges"]


def test_deleted_passkey_refused_mid_sign_in(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id)
    authenticator = Authenticator()
    credential = register(idp, access, authenticator)
    started, options = _webauthn_challenge(idp, client_id)
    idp.delete_web_authn_credential(AccessToken=access, CredentialId=credential["id"])
    assert (
        _refused(idp, client_id, started, authenticator.get(options))[1]
        == "The passkey is not registered for this user."
    )


def test_email_otp(idp: Any, live: RunningServer) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id, email="alice@example.com", email_verified="true")
    started = user_auth(idp, client_id)
    issued = answer(idp, client_id, started, ANSWER="EMAIL_OTP", USERNAME="alice")
    assert issued["ChallengeName"] == "EMAIL_OTP"
    assert issued["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    code = code_in(last_mfa_message(live, pool_id, "alice"))
    done = answer(idp, client_id, issued, USERNAME="alice", EMAIL_OTP_CODE=code)
    assert "AccessToken" in done["AuthenticationResult"]


def test_sms_otp_and_wrong_code(idp: Any, live: RunningServer) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id, phone_number=PHONE)
    issued = user_auth(idp, client_id, PREFERRED_CHALLENGE="SMS_OTP")
    assert issued["ChallengeName"] == "SMS_OTP"
    code = code_in(last_mfa_message(live, pool_id, "alice"))
    wrong = "000000" if code != "000000" else "111111"
    assert error_of(
        answer, idp=idp, client_id=client_id, challenge=issued, USERNAME="alice", SMS_OTP_CODE=wrong
    ) == (
        "CodeMismatchException",
        "Invalid code or auth state for the user.",
    )
    # The wrong answer spent the Session.
    code, _ = error_of(
        answer, idp=idp, client_id=client_id, challenge=issued, USERNAME="alice", SMS_OTP_CODE=code
    )
    assert code == "NotAuthorizedException"
    issued = user_auth(idp, client_id, PREFERRED_CHALLENGE="SMS_OTP")
    code = code_in(last_mfa_message(live, pool_id, "alice"))
    assert (
        "AccessToken"
        in answer(idp, client_id, issued, USERNAME="alice", SMS_OTP_CODE=code)["AuthenticationResult"]
    )


def test_passwordless_skips_mfa_password_does_not(idp: Any, live: RunningServer) -> None:
    pool_id = passkey_pool(idp)
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OPTIONAL",
                                 SoftwareTokenMfaConfiguration={"Enabled": True})  # fmt: skip
    client_id, access = signed_in_user(idp, pool_id, email="alice@example.com")
    add_totp(idp, access)
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    by_password = user_auth(idp, client_id, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD)
    assert by_password["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    issued = user_auth(idp, client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
    code = code_in(last_mfa_message(live, pool_id, "alice"))
    assert (
        "AccessToken"
        in answer(idp, client_id, issued, USERNAME="alice", EMAIL_OTP_CODE=code)["AuthenticationResult"]
    )


def test_mfa_required_hides_one_time_codes(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id, email="alice@example.com")
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                 SoftwareTokenMfaConfiguration={"Enabled": True},
                                 WebAuthnConfiguration={"RelyingPartyId": "localhost"})  # fmt: skip
    assert user_auth(idp, client_id)["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]


def test_preferred_factor_the_user_lacks_falls_back_to_selection(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id)  # no passkey, no phone number
    for preferred in ("WEB_AUTHN", "SMS_OTP"):
        started = user_auth(idp, client_id, PREFERRED_CHALLENGE=preferred)
        assert started["ChallengeName"] == "SELECT_CHALLENGE"
        assert started["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]


def test_flow_and_factor_not_allowed(idp: Any) -> None:
    pool_id = passkey_pool(idp, ["PASSWORD"])
    client_id, _ = signed_in_user(idp, pool_id, email="alice@example.com")
    code, message = error_of(user_auth, idp=idp, client_id=client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert code == "InvalidParameterException" and "EMAIL_OTP" in message
    assert user_auth(idp, client_id)["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    code, _ = error_of(user_auth, idp=idp, client_id=client_id, PREFERRED_CHALLENGE="SOFTWARE_TOKEN_MFA")
    assert code == "InvalidParameterException"
    # SELECT_CHALLENGE only takes one of AvailableChallenges.
    started = user_auth(idp, client_id)
    code, _ = error_of(
        answer, idp=idp, client_id=client_id, challenge=started, ANSWER="EMAIL_OTP", USERNAME="alice"
    )
    assert code == "InvalidParameterException"
    plain = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["ClientId"]
    assert error_of(user_auth, idp=idp, client_id=plain) == (
        "InvalidParameterException",
        "USER_AUTH flow not enabled for this client",
    )


def test_unknown_user_and_admin_flow(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, _ = signed_in_user(idp, pool_id)
    assert error_of(user_auth, idp=idp, client_id=client_id, username="nobody")[0] == "UserNotFoundException"
    started = idp.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="USER_AUTH",
                                      AuthParameters={"USERNAME": "alice"})  # fmt: skip
    assert started["ChallengeName"] == "SELECT_CHALLENGE"
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id, ClientId=client_id, ChallengeName="SELECT_CHALLENGE", Session=started["Session"],
        ChallengeResponses={"ANSWER": "PASSWORD", "USERNAME": "alice", "PASSWORD": PASSWORD},
    )  # fmt: skip
    assert "AccessToken" in done["AuthenticationResult"]


def test_auth_factors(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id, email="alice@example.com", phone_number=PHONE)
    got = idp.get_user_auth_factors(AccessToken=access)
    assert got["Username"] == "alice"
    assert got["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "SMS_OTP"]
    register(idp, access, Authenticator())
    admin = idp.admin_get_user_auth_factors(UserPoolId=pool_id, Username="alice")
    assert admin["ConfiguredUserAuthFactors"] == ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]
    assert "UserMFASettingList" not in admin
    code, _ = error_of(idp.admin_get_user_auth_factors, UserPoolId=pool_id, Username="nobody")
    assert code == "UserNotFoundException"
    assert error_of(idp.get_user_auth_factors, AccessToken="x.y.z")[0] == "NotAuthorizedException"
    make_user(idp, pool_id, "bob")
    assert idp.admin_get_user_auth_factors(UserPoolId=pool_id, Username="bob")[
        "ConfiguredUserAuthFactors"
    ] == ["PASSWORD"]
    assert client_id


def test_hidden_unknown_user(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_AUTH"],
                            PreventUserExistenceErrors="ENABLED")["ClientId"]  # fmt: skip
    started = user_auth(idp, client_id, "nobody")
    assert started["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    refused = error_of(answer, idp=idp, client_id=client_id, challenge=started, ANSWER="PASSWORD",
                       USERNAME="nobody", PASSWORD=PASSWORD)  # fmt: skip
    assert refused == ("NotAuthorizedException", "Incorrect username or password.")


def test_secret_client_needs_secret_hash(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_AUTH"], GenerateSecret=True)
    make_user(idp, pool_id, "alice")
    assert error_of(user_auth, idp=idp, client_id=client["ClientId"])[0] == "NotAuthorizedException"
    good = secret_hash(client["ClientSecret"], "alice", client["ClientId"])
    assert user_auth(idp, client["ClientId"], SECRET_HASH=good)["ChallengeName"] == "SELECT_CHALLENGE"


def test_authenticator_without_counter_signs_in_again(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id)
    authenticator = Authenticator(counter_step=0)  # many platform authenticators always report 0
    register(idp, access, authenticator)
    for _ in range(2):
        started = user_auth(idp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
        assertion = authenticator.get(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
        done = answer(idp, client_id, started, USERNAME="alice", CREDENTIAL=json.dumps(assertion))
        assert "AccessToken" in done["AuthenticationResult"]


def test_passkey_as_mfa_needs_user_verification(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id)
    verifying, plain = Authenticator(), Authenticator(uv=False)
    register(idp, access, verifying)
    register(idp, access, plain)
    webauthn = {"RelyingPartyId": "localhost", "FactorConfiguration": "MULTI_FACTOR_WITH_USER_VERIFICATION"}
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON",
                                 SoftwareTokenMfaConfiguration={"Enabled": True},
                                 WebAuthnConfiguration=webauthn)  # fmt: skip
    assert user_auth(idp, client_id)["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]
    started = user_auth(idp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
    options = started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
    assert (
        _refused(idp, client_id, started, plain.get(options))[1]
        == "The passkey assertion could not be verified."
    )
    started = user_auth(idp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
    assertion = verifying.get(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert (
        "AccessToken"
        in answer(idp, client_id, started, USERNAME="alice", CREDENTIAL=json.dumps(assertion))[
            "AuthenticationResult"
        ]
    )
