"""The PreAuthentication and PostAuthentication triggers on every sign-in flow."""

from __future__ import annotations

from typing import Any

import pytest
from test_auth_support import PASSWORD, Srp, claims, make_user
from test_devices_support import TRACKING, Setup
from test_mfa_support import PHONE, SMS, code_in, last_mfa_message, respond
from test_triggers_support import BACKENDS, arn, attributes, events, make_pool, tidp, trigger_live
from test_users_support import db

from userpools.testing import RunningServer

__all__ = ["tidp", "trigger_live"]  # session fixtures

FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
         "ALLOW_REFRESH_TOKEN_AUTH"]  # fmt: skip
PRE, POST = "PreAuthentication_Authentication", "PostAuthentication_Authentication"
REFUSED = "Sorry alice, not today."


def _setup(tidp: Any, config: dict[str, Any], *, hide: bool = False, **pool: Any) -> tuple[str, str]:
    """A pool with ``config``, user alice (CONFIRMED) and a client of every flow; (pool id, client id)."""
    pool_id, _ = make_pool(tidp, config, **pool)
    client_id = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="all", ExplicitAuthFlows=FLOWS,
        PreventUserExistenceErrors="ENABLED" if hide else "LEGACY",
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    make_user(tidp, pool_id, "alice", email="alice@example.com")
    return pool_id, client_id


def _password(tidp: Any, client_id: str, username: str = "alice", password: str = PASSWORD) -> Any:
    return tidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": password}, ClientMetadata={"app": "web"},
    )  # fmt: skip


def _sub(tidp: Any, pool_id: str) -> str:
    return attributes(tidp.admin_get_user(UserPoolId=pool_id, Username="alice"))["sub"]


def _refresh_tokens(live: RunningServer, pool_id: str) -> int:
    with db(live) as conn:
        return int(
            conn.execute("SELECT COUNT(*) FROM refresh_tokens WHERE pool_id = ?", (pool_id,)).fetchone()[0]
        )


def _devices(live: RunningServer, pool_id: str) -> int:
    with db(live) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM devices WHERE pool_id = ?", (pool_id,)).fetchone()[0])


# --- PreAuthentication ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_pre_authentication_on_password_sign_in(tidp: Any, backend: str) -> None:
    pool_id, client_id = _setup(tidp, {"PreAuthentication": arn(backend, "record")})
    assert "AccessToken" in _password(tidp, client_id)["AuthenticationResult"]
    [event] = events(pool_id)
    assert event["triggerSource"] == PRE
    assert event["userName"] == "alice"
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"] == {
        "userAttributes": {"sub": _sub(tidp, pool_id), "email": "alice@example.com",
                           "cognito:user_status": "CONFIRMED"},
        "validationData": {"app": "web"},
    }  # fmt: skip
    assert event["response"] == {}


def test_pre_authentication_refusal_fails_the_sign_in_before_the_password(
    tidp: Any, trigger_live: RunningServer
) -> None:
    pool_id, client_id = _setup(tidp, {"PreAuthentication": arn("invoke", "refuse")})
    for password in (PASSWORD, "Wr0ng-password!"):  # the function answers first, whatever the password
        with pytest.raises(tidp.exceptions.UserLambdaValidationException) as caught:
            _password(tidp, client_id, password=password)
        assert caught.value.response["Error"]["Message"] == f"PreAuthentication failed with error {REFUSED}"
    assert len(events(pool_id, PRE)) == 2
    assert _refresh_tokens(trigger_live, pool_id) == 0


def test_pre_authentication_on_admin_sign_in(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, {"PreAuthentication": arn("http", "record")})
    tidp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
        ClientMetadata={"by": "admin"},
    )  # fmt: skip
    [event] = events(pool_id, PRE)
    assert event["callerContext"]["clientId"] == client_id
    assert event["request"]["validationData"] == {"by": "admin"}


def test_pre_authentication_runs_when_the_srp_challenge_is_issued(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, {"PreAuthentication": arn("py", "record")})
    srp = Srp(tidp, pool_id, client_id, "alice")
    challenge = tidp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.client.auth_parameters(),
        ClientMetadata={"step": "initiate"},
    )  # fmt: skip
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    [event] = events(pool_id, PRE)  # before the password is proven
    assert event["request"]["validationData"] == {"step": "initiate"}
    assert "AccessToken" in srp.respond(challenge)["AuthenticationResult"]
    assert len(events(pool_id, PRE)) == 1  # once per sign-in


def test_pre_authentication_refusal_stops_srp_at_initiate(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, {"PreAuthentication": arn("py", "refuse")})
    with pytest.raises(tidp.exceptions.UserLambdaValidationException, match="PreAuthentication failed"):
        Srp(tidp, pool_id, client_id, "alice").initiate()


def test_unknown_user_runs_it_only_when_existence_is_hidden(tidp: Any) -> None:
    pool_id, legacy = _setup(tidp, {"PreAuthentication": arn("py", "record")})
    with pytest.raises(tidp.exceptions.UserNotFoundException):
        _password(tidp, legacy, "nobody")
    with pytest.raises(tidp.exceptions.UserNotFoundException):
        Srp(tidp, pool_id, legacy, "nobody").initiate()
    assert events(pool_id) == []


def test_hidden_existence_sends_user_not_found(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, {"PreAuthentication": arn("py", "record")}, hide=True)
    with pytest.raises(tidp.exceptions.NotAuthorizedException, match=r"Incorrect username or password\."):
        _password(tidp, client_id, "nobody")
    challenge = Srp(tidp, pool_id, client_id, "ghost").initiate()
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"  # simulated, after the function ran
    _password(tidp, client_id)
    nobody, ghost, alice = events(pool_id, PRE)
    assert nobody["userName"] == "nobody" and ghost["userName"] == "ghost"
    assert nobody["request"] == {"userAttributes": {}, "validationData": {"app": "web"}, "userNotFound": True}
    assert ghost["request"]["userNotFound"] is True
    assert alice["userName"] == "alice" and alice["request"]["userNotFound"] is False


@pytest.mark.parametrize(
    ("function_arn", "error"),
    [
        ("arn:aws:lambda:us-east-1:000000000000:function:http-closed", "UnexpectedLambdaException"),
        (arn("py", "not_an_event"), "InvalidLambdaResponseException"),
    ],
)
def test_unreachable_or_malformed_pre_authentication_fails_the_sign_in(
    tidp: Any, function_arn: str, error: str
) -> None:
    _, client_id = _setup(tidp, {"PreAuthentication": function_arn})
    with pytest.raises(getattr(tidp.exceptions, error)) as caught:
        _password(tidp, client_id)
    if error == "UnexpectedLambdaException":
        assert caught.value.response["Error"]["Message"].startswith("PreAuthentication invocation failed")


def test_slow_pre_authentication_times_out(tidp: Any) -> None:
    _, client_id = _setup(tidp, {"PreAuthentication": arn("py", "slow")})
    with pytest.raises(tidp.exceptions.UnexpectedLambdaException, match="due to error TimeoutError"):
        _password(tidp, client_id)


def test_refresh_runs_neither_trigger(tidp: Any) -> None:
    config = {"PreAuthentication": arn("py", "record"), "PostAuthentication": arn("py", "record")}
    pool_id, client_id = _setup(tidp, config)
    refresh = _password(tidp, client_id)["AuthenticationResult"]["RefreshToken"]
    assert [e["triggerSource"] for e in events(pool_id)] == [PRE, POST]
    tidp.initiate_auth(
        ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh}
    )
    assert len(events(pool_id)) == 2


# --- PostAuthentication ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_post_authentication_after_password_sign_in(tidp: Any, backend: str) -> None:
    config = {"PreAuthentication": arn(backend, "record"), "PostAuthentication": arn(backend, "record")}
    pool_id, client_id = _setup(tidp, config)
    _password(tidp, client_id)
    pre, post = events(pool_id)
    assert (pre["triggerSource"], post["triggerSource"]) == (PRE, POST)
    assert post["userName"] == "alice"
    assert post["callerContext"]["clientId"] == client_id
    assert post["request"] == {
        "userAttributes": {"sub": _sub(tidp, pool_id), "email": "alice@example.com",
                           "cognito:user_status": "CONFIRMED"},
        "newDeviceUsed": False,
        "clientMetadata": {"app": "web"},
    }  # fmt: skip
    assert post["response"] == {}


def test_post_authentication_refusal_returns_no_tokens(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _setup(tidp, {"PostAuthentication": arn("invoke", "refuse")})
    with pytest.raises(tidp.exceptions.UserLambdaValidationException) as caught:
        _password(tidp, client_id)
    assert caught.value.response["Error"]["Message"] == f"PostAuthentication failed with error {REFUSED}"
    assert _refresh_tokens(trigger_live, pool_id) == 0


def test_srp_sign_in_post_authentication_gets_the_answers_client_metadata(tidp: Any) -> None:
    tokens_config = {"LambdaVersion": "V1_0", "LambdaArn": arn("py", "record")}
    config = {"PostAuthentication": arn("py", "record"), "PreTokenGenerationConfig": tokens_config}
    pool_id, client_id = _setup(tidp, config)
    srp = Srp(tidp, pool_id, client_id, "alice")
    challenge = srp.initiate()
    assert events(pool_id) == []
    answered = tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=srp.responses(challenge),
        ClientMetadata={"step": "answer"},
    )  # fmt: skip
    assert "AccessToken" in answered["AuthenticationResult"]
    post, tokens = events(pool_id)
    assert post["triggerSource"] == POST and post["request"]["clientMetadata"] == {"step": "answer"}
    assert tokens["triggerSource"] == "TokenGeneration_Authentication"
    assert tokens["request"]["clientMetadata"] == {"step": "answer"}


def test_srp_post_authentication_refusal(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _setup(tidp, {"PostAuthentication": arn("py", "refuse")})
    srp = Srp(tidp, pool_id, client_id, "alice")
    challenge = srp.initiate()
    with pytest.raises(tidp.exceptions.UserLambdaValidationException, match="PostAuthentication failed"):
        srp.respond(challenge)
    with pytest.raises(tidp.exceptions.NotAuthorizedException):
        srp.respond(challenge)  # the SECRET_BLOCK stays spent, as after any answer
    assert _refresh_tokens(trigger_live, pool_id) == 0


def test_post_authentication_waits_for_the_mfa_answer(tidp: Any, trigger_live: RunningServer) -> None:
    pool_id, client_id = _setup(tidp, {"PostAuthentication": arn("py", "record")}, SmsConfiguration=SMS)
    tidp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="ON",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Auth code {####}", "SmsConfiguration": SMS},
    )  # fmt: skip
    tidp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=[{"Name": "phone_number", "Value": PHONE}]
    )
    challenge = dict(_password(tidp, client_id))
    assert challenge["ChallengeName"] == "SMS_MFA"
    assert events(pool_id) == []
    code = code_in(last_mfa_message(trigger_live, pool_id, "alice"))
    answered = tidp.respond_to_auth_challenge(
        ClientId=client_id, ChallengeName="SMS_MFA", Session=challenge["Session"],
        ChallengeResponses={"USERNAME": "alice", "SMS_MFA_CODE": code}, ClientMetadata={"step": "mfa"},
    )  # fmt: skip
    assert "AccessToken" in answered["AuthenticationResult"]
    [post] = events(pool_id)
    assert post["triggerSource"] == POST and post["request"]["clientMetadata"] == {"step": "mfa"}


def test_post_authentication_after_the_new_password(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, {"PostAuthentication": arn("py", "record")})
    tidp.admin_create_user(UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp0rary!pass",
                           MessageAction="SUPPRESS")  # fmt: skip
    challenge = dict(_password(tidp, client_id, "bob", "Temp0rary!pass"))
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert events(pool_id) == []
    respond(tidp, client_id, challenge, USERNAME="bob", NEW_PASSWORD="N3w-Passw0rd!x")
    [post] = events(pool_id)
    assert post["userName"] == "bob"
    assert post["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"


def test_new_password_refused_by_post_authentication_is_not_kept(tidp: Any) -> None:
    pool_id, client_id = _setup(tidp, {"PostAuthentication": arn("py", "refuse")})
    tidp.admin_create_user(UserPoolId=pool_id, Username="bob", TemporaryPassword="Temp0rary!pass",
                           MessageAction="SUPPRESS")  # fmt: skip
    challenge = dict(_password(tidp, client_id, "bob", "Temp0rary!pass"))
    with pytest.raises(tidp.exceptions.UserLambdaValidationException):
        respond(tidp, client_id, challenge, USERNAME="bob", NEW_PASSWORD="N3w-Passw0rd!x")
    assert tidp.admin_get_user(UserPoolId=pool_id, Username="bob")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    with pytest.raises(tidp.exceptions.NotAuthorizedException):
        _password(tidp, client_id, "bob", "N3w-Passw0rd!x")


def _device_setup(tidp: Any, function: str) -> Setup:
    setup = Setup(tidp)
    tidp.update_user_pool(
        UserPoolId=setup.pool_id, DeviceConfiguration=TRACKING,
        LambdaConfig={"PostAuthentication": arn("py", function)},
    )  # fmt: skip
    return setup


def test_new_device_used_and_remembered_device_sign_in(tidp: Any) -> None:
    setup = _device_setup(tidp, "record")
    device, result = setup.new_device()
    [first] = events(setup.pool_id)
    assert first["request"]["newDeviceUsed"] is True
    assert claims(result["AccessToken"])["device_key"] == device.key
    tidp.update_device_status(AccessToken=result["AccessToken"], DeviceKey=device.key,
                              DeviceRememberedStatus="remembered")  # fmt: skip
    answered = setup.device_sign_in(device)
    assert "AccessToken" in answered["AuthenticationResult"]
    _, second = events(setup.pool_id)  # once, when the device has proven itself
    assert second["request"]["newDeviceUsed"] is False


def test_remembered_device_sign_in_generates_tokens_as_authenticate_device(tidp: Any) -> None:
    setup = Setup(tidp)
    tidp.update_user_pool(
        UserPoolId=setup.pool_id, DeviceConfiguration=TRACKING,
        LambdaConfig={"PreTokenGeneration": arn("py", "record")},
    )  # fmt: skip
    device, result = setup.new_device()
    tidp.update_device_status(AccessToken=result["AccessToken"], DeviceKey=device.key,
                              DeviceRememberedStatus="remembered")  # fmt: skip
    setup.device_sign_in(device)
    sources = [e["triggerSource"] for e in events(setup.pool_id)]
    assert sources == ["TokenGeneration_Authentication", "TokenGeneration_AuthenticateDevice"]


def test_post_authentication_refusal_tracks_no_device(tidp: Any, trigger_live: RunningServer) -> None:
    setup = _device_setup(tidp, "refuse")
    with pytest.raises(tidp.exceptions.UserLambdaValidationException):
        setup.sign_in()
    assert _devices(trigger_live, setup.pool_id) == 0
    assert _refresh_tokens(trigger_live, setup.pool_id) == 0
