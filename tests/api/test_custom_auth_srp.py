"""CUSTOM_AUTH with the password (SRP) first; user states, MFA, remembered devices, tokens."""

from __future__ import annotations

from typing import Any

from test_auth_support import error_of, secret_hash
from test_custom_auth_support import (
    INVALID,
    PASSWORD,
    QUESTION,
    SECOND_FACTOR,
    UNRECOGNIZABLE,
    WRONG,
    SrpFirst,
    claims,
    custom_pool,
    inbox,
    initiate,
    make_user,
    respond,
)
from test_devices_support import TRACKING, DeviceClient
from test_mfa_support import SMS, code_in, last_mfa_message
from test_triggers_support import arn, events, tidp, trigger_live

from mail_inbox import Inbox
from userpools.testing import RunningServer

__all__ = ["inbox", "tidp", "trigger_live"]  # fixtures

DEFINE = "DefineAuthChallenge_Authentication"
TEMPORARY = "Temp-Passw0rd!"


def test_an_email_code_after_the_password(tidp: Any, inbox: Inbox) -> None:
    pool_id, client_id = custom_pool(tidp, SECOND_FACTOR)
    email = make_user(tidp, pool_id, "alice")
    srp = SrpFirst(tidp, pool_id, client_id)
    verifier = srp.initiate()
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    assert set(verifier["ChallengeParameters"]) == {
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "USERNAME",
        "USER_ID_FOR_SRP",
    }
    assert inbox.to(email) == []  # CreateAuthChallenge is not asked for PASSWORD_VERIFIER
    challenge = srp.respond(verifier, metadata={"step": "password"})
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"]["USERNAME"] == "alice"
    assert events(pool_id, DEFINE)[-1]["request"]["clientMetadata"] == {"step": "password"}
    assert events(pool_id, "CreateAuthChallenge_Authentication")[-1]["request"]["clientMetadata"] == {
        "step": "password"
    }
    result = respond(tidp, client_id, challenge, inbox.code_for(email))
    assert "AccessToken" in result["AuthenticationResult"]
    sessions = [e["request"]["session"] for e in events(pool_id, DEFINE)]
    assert [[(r["challengeName"], r["challengeResult"]) for r in s] for s in sessions] == [
        [("SRP_A", True)],
        [("SRP_A", True), ("PASSWORD_VERIFIER", True)],
        [("SRP_A", True), ("PASSWORD_VERIFIER", True), ("CUSTOM_CHALLENGE", True)],
    ]
    create = events(pool_id, "CreateAuthChallenge_Authentication")[0]["request"]
    assert create["challengeName"] == "CUSTOM_CHALLENGE" and len(create["session"]) == 2


def test_a_wrong_password_fails_before_any_code(tidp: Any, inbox: Inbox) -> None:
    pool_id, client_id = custom_pool(tidp, SECOND_FACTOR)
    email = make_user(tidp, pool_id, "alice")
    srp = SrpFirst(tidp, pool_id, client_id, password="Not-The-Passw0rd")
    verifier = srp.initiate()
    assert error_of(srp.respond, challenge=verifier) == WRONG
    assert len(events(pool_id, DEFINE)) == 1
    assert inbox.to(email) == []
    # The SECRET_BLOCK is single-use, like USER_SRP_AUTH's.
    assert error_of(SrpFirst(tidp, pool_id, client_id).respond, challenge=verifier) == INVALID


def test_the_code_is_never_issued_without_the_password(tidp: Any, inbox: Inbox) -> None:
    """The example's Define fails a sign-in that did not start with SRP_A."""
    pool_id, client_id = custom_pool(tidp, SECOND_FACTOR)
    email = make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == WRONG
    assert inbox.to(email) == []


def test_password_verifier_needs_srp_a_first(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, ("define_password_verifier", "create_question", "verify_answer"))
    make_user(tidp, pool_id, "alice")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice") == (
        "InvalidParameterException",
        "DefineAuthChallenge chose PASSWORD_VERIFIER: send CHALLENGE_NAME=SRP_A and SRP_A in AuthParameters.",
    )
    assert error_of(initiate, idp=tidp, client_id=client_id, username="alice", CHALLENGE_NAME="SRP_A") == (
        "InvalidParameterException",
        "Missing required parameter SRP_A",
    )
    # Only the first answer to SRP_A may be PASSWORD_VERIFIER: asking again is a response error.
    srp = SrpFirst(tidp, pool_id, client_id)
    assert error_of(srp.respond, challenge=srp.initiate()) == UNRECOGNIZABLE


def test_srp_first_with_an_email_username_and_a_secret(tidp: Any) -> None:
    functions = ("define_code_after_password", "create_question", "verify_answer")
    pool_id, client_id = custom_pool(
        tidp, functions, client={"GenerateSecret": True}, UsernameAttributes=["email"]
    )
    described = tidp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    secret = described["UserPoolClient"]["ClientSecret"]
    carol = "carol@example.com"
    tidp.admin_create_user(UserPoolId=pool_id, Username=carol, MessageAction="SUPPRESS")
    tidp.admin_set_user_password(UserPoolId=pool_id, Username=carol, Password=PASSWORD, Permanent=True)
    srp = SrpFirst(tidp, pool_id, client_id, carol)
    verifier = srp.initiate(SECRET_HASH=secret_hash(secret, carol, client_id))
    internal = verifier["ChallengeParameters"]["USER_ID_FOR_SRP"]
    assert internal != carol  # the sub
    challenge = srp.respond(verifier, SECRET_HASH=secret_hash(secret, internal, client_id))
    assert challenge["ChallengeParameters"]["USERNAME"] == internal
    good = secret_hash(secret, internal, client_id)
    result = respond(tidp, client_id, challenge, "5", username=internal, SECRET_HASH=good)
    assert "AuthenticationResult" in result


def test_user_states(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION)
    tidp.sign_up(ClientId=client_id, Username="una", Password=PASSWORD)
    assert error_of(initiate, idp=tidp, client_id=client_id, username="una") == (
        "UserNotConfirmedException",
        "User is not confirmed.",
    )
    make_user(tidp, pool_id, "dan")
    tidp.admin_disable_user(UserPoolId=pool_id, Username="dan")
    assert error_of(initiate, idp=tidp, client_id=client_id, username="dan") == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    # Disabled in the middle of the sign-in: the answer is refused.
    make_user(tidp, pool_id, "eve")
    challenge = initiate(tidp, client_id, "eve")
    tidp.admin_disable_user(UserPoolId=pool_id, Username="eve")
    assert error_of(
        respond, idp=tidp, client_id=client_id, challenge=challenge, answer="5", username="eve"
    ) == (
        "NotAuthorizedException",
        "User is disabled.",
    )
    make_user(tidp, pool_id, "ray", email_verified="true")
    tidp.admin_reset_user_password(UserPoolId=pool_id, Username="ray")
    code, _ = error_of(initiate, idp=tidp, client_id=client_id, username="ray")
    assert code == "PasswordResetRequiredException"


def _invited(tidp: Any, functions: tuple[str, ...]) -> tuple[str, str]:
    """A pool with ``functions`` and "tim", who has a temporary password (FORCE_CHANGE_PASSWORD)."""
    pool_id, client_id = custom_pool(tidp, functions)
    tidp.admin_create_user(
        UserPoolId=pool_id, Username="tim", TemporaryPassword=TEMPORARY, MessageAction="SUPPRESS"
    )
    return pool_id, client_id


def _sms_mfa(tidp: Any, functions: tuple[str, ...]) -> tuple[str, str]:
    """A pool with ``functions`` and MFA ON (SMS), and "alice" with a phone number."""
    pool_id, client_id = custom_pool(tidp, functions, SmsConfiguration=SMS)
    tidp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        MfaConfiguration="ON",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Auth code {####}", "SmsConfiguration": SMS},
    )
    make_user(tidp, pool_id, "alice", phone_number="+15555551234", phone_number_verified="true")
    return pool_id, client_id


def test_temporary_password_users(tidp: Any) -> None:
    """Passwordless: tokens (the password isn't involved). SRP first: NEW_PASSWORD_REQUIRED, then tokens."""
    pool_id, client_id = _invited(tidp, ("define_code_after_password", "create_question", "verify_answer"))
    srp = SrpFirst(tidp, pool_id, client_id, "tim", TEMPORARY)
    challenge = srp.respond(srp.initiate())
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    done = tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "tim", "NEW_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert "AccessToken" in done["AuthenticationResult"]
    assert len(events(pool_id, DEFINE)) == 1  # as observed of Cognito: no custom challenge after it

    quiz_pool, quiz_client = _invited(tidp, QUESTION)
    challenge = initiate(tidp, quiz_client, "tim")
    assert "AccessToken" in respond(tidp, quiz_client, challenge, "5", username="tim")["AuthenticationResult"]
    status = tidp.admin_get_user(UserPoolId=quiz_pool, Username="tim")["UserStatus"]
    assert status == "FORCE_CHANGE_PASSWORD"


def test_mfa_follows_the_password_not_a_passwordless_sign_in(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _sms_mfa(tidp, ("define_code_after_password", "create_question", "verify_answer"))
    srp = SrpFirst(tidp, pool_id, client_id)
    mfa = srp.respond(srp.initiate())
    assert mfa["ChallengeName"] == "SMS_MFA"
    code = code_in(last_mfa_message(trigger_live, pool_id, "alice"))
    done = tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="SMS_MFA", Session=mfa["Session"],
        ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": code},
    )  # fmt: skip
    assert "AccessToken" in done["AuthenticationResult"]
    assert len(events(pool_id, DEFINE)) == 1  # as observed of Cognito: MFA ends the sign-in

    _, quiz_client = _sms_mfa(tidp, QUESTION)
    challenge = initiate(tidp, quiz_client, "alice")
    assert "AccessToken" in respond(tidp, quiz_client, challenge, "5")["AuthenticationResult"]


def test_remembered_devices_after_custom_auth(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION, DeviceConfiguration=TRACKING)
    make_user(tidp, pool_id, "alice")
    result = respond(tidp, client_id, initiate(tidp, client_id, "alice"), "5")["AuthenticationResult"]
    device = DeviceClient(result["NewDeviceMetadata"])
    tidp.confirm_device(
        AccessToken=result["AccessToken"], DeviceKey=device.key, DeviceName="phone",
        DeviceSecretVerifierConfig=device.verifier_config(),
    )  # fmt: skip
    # Next time the remembered device proves itself (DEVICE_SRP_AUTH) after the custom challenge.
    challenge = initiate(tidp, client_id, "alice", DEVICE_KEY=device.key)
    step = respond(tidp, client_id, challenge, "5", DEVICE_KEY=device.key)
    assert step["ChallengeName"] == "DEVICE_SRP_AUTH"
    client = device.srp()
    verifier = tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_SRP_AUTH", Session=step["Session"],
        ChallengeResponses={
            "USERNAME": "alice", "DEVICE_KEY": device.key, "SRP_A": client.auth_parameters()["SRP_A"]
        },
    )  # fmt: skip
    done = tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="DEVICE_PASSWORD_VERIFIER", Session=verifier["Session"],
        ChallengeResponses=device.claim(client, verifier["ChallengeParameters"]),
    )["AuthenticationResult"]  # fmt: skip
    assert claims(done["AccessToken"])["device_key"] == device.key


def test_tokens_go_through_pre_token_generation(tidp: Any) -> None:
    pool_id, client_id = custom_pool(tidp, QUESTION, LambdaConfig={"PreTokenGeneration": arn("py", "record")})
    make_user(tidp, pool_id, "alice")
    respond(tidp, client_id, initiate(tidp, client_id, "alice"), "5")
    [tokens] = [e for e in events(pool_id) if e["triggerSource"].startswith("TokenGeneration_")]
    assert tokens["triggerSource"] == "TokenGeneration_Authentication"


def test_srp_first_for_unknown_users_hidden(tidp: Any) -> None:
    pool_id, _ = custom_pool(tidp, SECOND_FACTOR)
    hidden = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="hidden", ExplicitAuthFlows=["ALLOW_CUSTOM_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    srp = SrpFirst(tidp, pool_id, hidden, "nobody")
    verifier = srp.initiate()
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    assert error_of(srp.respond, challenge=verifier) == WRONG
    assert events(pool_id, "CreateAuthChallenge_Authentication") == []
