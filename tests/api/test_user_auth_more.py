"""USER_AUTH over time and with triggers: expired sessions (a FakeClock server), lockout after wrong
one-time codes and failed passkey assertions, PreAuthentication / PostAuthentication on passwordless
sign-in."""

from __future__ import annotations

import json
from typing import Any

from test_auth_support import PASSWORD, error_of, make_user
from test_mfa_clock import cidp, clock, clocked
from test_mfa_support import code_in, last_mfa_message
from test_triggers_support import arn, events, tidp, trigger_live
from test_webauthn_support import (
    ALL_FACTORS,
    SES,
    SMS,
    USER_AUTH_FLOWS,
    Authenticator,
    answer,
    passkey_pool,
    register,
    signed_in_user,
    user_auth,
)

from userpools.ports import FakeClock
from userpools.testing import RunningServer

__all__ = ["cidp", "clock", "clocked", "tidp", "trigger_live"]  # fixtures

EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
LOCKED = ("NotAuthorizedException", "Password attempts exceeded")


def test_expired_sessions(cidp: Any, clocked: RunningServer, clock: FakeClock) -> None:
    pool_id = passkey_pool(cidp)
    client_id, access = signed_in_user(cidp, pool_id, email="alice@example.com")
    authenticator = Authenticator()
    register(cidp, access, authenticator)
    select = user_auth(cidp, client_id)
    passkey = user_auth(cidp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
    email = user_auth(cidp, client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
    code = code_in(last_mfa_message(clocked, pool_id, "alice"))
    clock.advance(181)  # default AuthSessionValidity: 3 minutes
    assert error_of(answer, idp=cidp, client_id=client_id, challenge=select, ANSWER="PASSWORD",
                    USERNAME="alice", PASSWORD=PASSWORD) == EXPIRED  # fmt: skip
    assertion = authenticator.get(passkey["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert error_of(answer, idp=cidp, client_id=client_id, challenge=passkey, USERNAME="alice",
                    CREDENTIAL=json.dumps(assertion)) == EXPIRED  # fmt: skip
    assert error_of(answer, idp=cidp, client_id=client_id, challenge=email, USERNAME="alice",
                    EMAIL_OTP_CODE=code) == EXPIRED  # fmt: skip


def test_registration_challenge_expires(cidp: Any, clock: FakeClock) -> None:
    pool_id = passkey_pool(cidp)
    _, access = signed_in_user(cidp, pool_id)
    options = cidp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    clock.advance(181)
    code, _ = error_of(
        cidp.complete_web_authn_registration, AccessToken=access, Credential=Authenticator().create(options)
    )
    assert code == "WebAuthnChallengeNotFoundException"


def test_wrong_codes_lock_the_user(cidp: Any, clocked: RunningServer, clock: FakeClock) -> None:
    pool_id = passkey_pool(cidp)
    client_id, _ = signed_in_user(cidp, pool_id, email="alice@example.com")
    for _ in range(5):
        issued = user_auth(cidp, client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
        code = code_in(last_mfa_message(clocked, pool_id, "alice"))
        wrong = "000000" if code != "000000" else "111111"
        refused = error_of(answer, idp=cidp, client_id=client_id, challenge=issued, USERNAME="alice",
                           EMAIL_OTP_CODE=wrong)  # fmt: skip
        assert refused[0] == "CodeMismatchException"
    # Five failures: locked, for every first factor (a password too).
    assert error_of(user_auth, idp=cidp, client_id=client_id, PREFERRED_CHALLENGE="EMAIL_OTP") == LOCKED
    assert error_of(user_auth, idp=cidp, client_id=client_id, PREFERRED_CHALLENGE="PASSWORD",
                    PASSWORD=PASSWORD) == LOCKED  # fmt: skip
    clock.advance(2)
    assert "AuthenticationResult" in user_auth(
        cidp, client_id, PREFERRED_CHALLENGE="PASSWORD", PASSWORD=PASSWORD
    )


def test_failed_assertions_lock_the_user(cidp: Any, clock: FakeClock) -> None:
    pool_id = passkey_pool(cidp)
    client_id, access = signed_in_user(cidp, pool_id)
    authenticator = Authenticator()
    register(cidp, access, authenticator)
    for _ in range(5):
        started = user_auth(cidp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
        bad = authenticator.get(
            started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"], origin="https://x.test"
        )
        refused = error_of(answer, idp=cidp, client_id=client_id, challenge=started, USERNAME="alice",
                           CREDENTIAL=json.dumps(bad))  # fmt: skip
        assert refused[0] == "NotAuthorizedException"
    assert error_of(user_auth, idp=cidp, client_id=client_id, PREFERRED_CHALLENGE="WEB_AUTHN") == LOCKED
    clock.advance(2)
    started = user_auth(cidp, client_id, PREFERRED_CHALLENGE="WEB_AUTHN")
    good = authenticator.get(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    assert (
        "AccessToken"
        in answer(cidp, client_id, started, USERNAME="alice", CREDENTIAL=json.dumps(good))[
            "AuthenticationResult"
        ]
    )


def test_triggers_on_passwordless_sign_in(tidp: Any, trigger_live: RunningServer) -> None:
    config = {"PreAuthentication": arn("py", "record"), "PostAuthentication": arn("py", "record")}
    pool_id = tidp.create_user_pool(
        PoolName="pk-triggers", LambdaConfig=config, EmailConfiguration=SES, SmsConfiguration=SMS,
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ALL_FACTORS}},
    )["UserPool"]["Id"]  # fmt: skip
    client_id = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=USER_AUTH_FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(tidp, pool_id, "alice", email="alice@example.com")
    issued = user_auth(tidp, client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert [e["triggerSource"] for e in events(pool_id)] == ["PreAuthentication_Authentication"]
    code = code_in(last_mfa_message(trigger_live, pool_id, "alice"))
    answer(tidp, client_id, issued, USERNAME="alice", EMAIL_OTP_CODE=code)
    assert [e["triggerSource"] for e in events(pool_id)] == [
        "PreAuthentication_Authentication",
        "PostAuthentication_Authentication",
    ]


def test_refused_by_pre_authentication(tidp: Any) -> None:
    pool_id = tidp.create_user_pool(
        PoolName="pk-refuse", LambdaConfig={"PreAuthentication": arn("py", "refuse")}, EmailConfiguration=SES,
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
    )["UserPool"]["Id"]  # fmt: skip
    client_id = tidp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=USER_AUTH_FLOWS
    )["UserPoolClient"]["ClientId"]
    make_user(tidp, pool_id, "alice", email="alice@example.com")
    code, _ = error_of(user_auth, idp=tidp, client_id=client_id, PREFERRED_CHALLENGE="EMAIL_OTP")
    assert code == "UserLambdaValidationException"
