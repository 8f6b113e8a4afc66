"""USER_SRP_AUTH → PASSWORD_VERIFIER end to end, with the independent SRP client of the bench."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from test_auth_support import (
    PASSWORD,
    Srp,
    claims,
    error_of,
    make_client,
    make_pool,
    make_user,
    reference_srp,
    secret_hash,
)

WRONG = ("NotAuthorizedException", "Incorrect username or password.")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_srp_sign_in(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice", email="alice@example.com")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "Session" not in challenge  # like Cognito: the state travels in SECRET_BLOCK
    params = challenge["ChallengeParameters"]
    assert set(params) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
    assert params["USERNAME"] == params["USER_ID_FOR_SRP"] == "alice"
    assert re.fullmatch("[0-9a-f]+", params["SALT"]) and not params["SALT"].startswith("0")
    assert re.fullmatch("[0-9a-f]+", params["SRP_B"])
    base64.b64decode(params["SECRET_BLOCK"], validate=True)
    result = srp.respond(challenge)["AuthenticationResult"]
    assert claims(result["IdToken"])["cognito:username"] == "alice"
    assert {"AccessToken", "RefreshToken"} <= set(result)


def test_each_challenge_is_fresh(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    first = Srp(idp, pool_id, client["ClientId"], "alice").initiate()["ChallengeParameters"]
    second = Srp(idp, pool_id, client["ClientId"], "alice").initiate()["ChallengeParameters"]
    assert first["SALT"] == second["SALT"]
    assert first["SRP_B"] != second["SRP_B"] and first["SECRET_BLOCK"] != second["SECRET_BLOCK"]


def test_admin_initiate_and_respond(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.client.auth_parameters(),
    )
    out = idp.admin_respond_to_auth_challenge(
        UserPoolId=pool_id,
        ClientId=client["ClientId"],
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.responses(challenge),
    )
    assert "AccessToken" in out["AuthenticationResult"]


def test_alias_sign_in_names_the_internal_user(idp: Any) -> None:
    pool_id = make_pool(idp, AliasAttributes=["email"])
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice", email="alice@example.com", email_verified="true")
    srp = Srp(idp, pool_id, client["ClientId"], "alice@example.com")
    challenge = srp.initiate()
    assert challenge["ChallengeParameters"]["USER_ID_FOR_SRP"] == "alice"
    assert challenge["ChallengeParameters"]["USERNAME"] == "alice"
    assert "AuthenticationResult" in srp.respond(challenge)
    # The answer may also name the user by the alias it typed.
    challenge = srp.initiate()
    assert "AuthenticationResult" in srp.respond(challenge, USERNAME="alice@example.com")


def test_email_username_pool_uses_the_uuid_username(idp: Any) -> None:
    pool_id = make_pool(idp, UsernameAttributes=["email"])
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "bob@example.com")
    srp = Srp(idp, pool_id, client["ClientId"], "bob@example.com")
    challenge = srp.initiate()
    assert UUID.match(challenge["ChallengeParameters"]["USER_ID_FOR_SRP"])
    token = srp.respond(challenge)["AuthenticationResult"]["IdToken"]
    assert claims(token)["cognito:username"] == challenge["ChallengeParameters"]["USER_ID_FOR_SRP"]


def test_wrong_password(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice", password="Wrong-Passw0rd")
    assert error_of(srp.sign_in) == WRONG


def test_secret_block_is_single_use(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    srp.respond(challenge)
    assert error_of(srp.respond, challenge=challenge) == (
        "NotAuthorizedException",
        "Invalid session for the user.",
    )


@pytest.mark.parametrize("timestamp", ["padded", "weekday", "far", "garbage"])
def test_bad_timestamps_fail(idp: Any, pool_id: str, timestamp: str) -> None:
    import datetime as dt

    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    now = dt.datetime.now(dt.UTC)
    good = reference_srp().cognito_timestamp(now)
    text = {
        "padded": now.strftime("%a %b %d %H:%M:%S UTC %Y").replace(f" {now.day} ", f" {now.day:02d} "),
        "weekday": good.replace(good[:3], "Sun" if not good.startswith("Sun") else "Mon"),
        "far": reference_srp().cognito_timestamp(now - dt.timedelta(hours=1)),
        "garbage": "yesterday",
    }[timestamp]
    if timestamp == "padded" and now.day >= 10:
        text = good.replace(f" {now.day} ", f" 0{now.day} ")  # a 3-digit day is just as malformed
    assert error_of(srp.respond, challenge=srp.initiate(), timestamp=text) == WRONG


def test_tampered_or_foreign_secret_block(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    other = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    block = bytearray(base64.b64decode(challenge["ChallengeParameters"]["SECRET_BLOCK"]))
    block[20] ^= 1
    tampered = {
        **challenge,
        "ChallengeParameters": {
            **challenge["ChallengeParameters"],
            "SECRET_BLOCK": base64.b64encode(bytes(block)).decode(),
        },
    }
    assert error_of(srp.respond, challenge=tampered) == WRONG
    foreign = Srp(idp, pool_id, other["ClientId"], "alice")
    foreign.client = srp.client
    assert error_of(foreign.respond, challenge=challenge) == WRONG
    assert error_of(srp.respond, challenge=challenge, PASSWORD_CLAIM_SECRET_BLOCK="not base64!") == WRONG
    assert "AuthenticationResult" in srp.respond(challenge)  # the genuine block still works once


def test_another_username_in_the_answer_fails(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    make_user(idp, pool_id, "bob")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    assert error_of(srp.respond, challenge=srp.initiate(), USERNAME="bob") == WRONG


def test_password_changed_between_the_steps(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    idp.admin_set_user_password(UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True)
    assert error_of(srp.respond, challenge=challenge) == WRONG  # a new salt and verifier void the challenge


def test_unknown_user_legacy(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    srp = Srp(idp, pool_id, client["ClientId"], "ghost")
    assert error_of(srp.initiate) == ("UserNotFoundException", "User does not exist.")


def test_unknown_user_gets_a_stable_simulated_challenge(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    make_user(idp, pool_id, "alice")
    ghost = Srp(idp, pool_id, client["ClientId"], "ghost")
    first, second = ghost.initiate(), ghost.initiate()
    assert first["ChallengeName"] == "PASSWORD_VERIFIER"
    p1, p2 = first["ChallengeParameters"], second["ChallengeParameters"]
    assert set(p1) == {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME", "USER_ID_FOR_SRP"}
    assert UUID.match(p1["USER_ID_FOR_SRP"]) and p1["USER_ID_FOR_SRP"] == p2["USER_ID_FOR_SRP"]
    assert p1["SALT"] == p2["SALT"] and p1["SRP_B"] != p2["SRP_B"]
    other = Srp(idp, pool_id, client["ClientId"], "ghost2").initiate()["ChallengeParameters"]
    assert other["USER_ID_FOR_SRP"] != p1["USER_ID_FOR_SRP"] and other["SALT"] != p1["SALT"]
    assert error_of(ghost.respond, challenge=first) == WRONG
    wrong = Srp(idp, pool_id, client["ClientId"], "alice", password="Wrong-Passw0rd")
    assert error_of(wrong.sign_in) == WRONG


def test_hidden_reset_required_user_fails_like_a_wrong_password(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    make_user(idp, pool_id, "alice", email="alice@example.com", email_verified="true")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="alice")
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER"
    assert error_of(srp.respond, challenge=challenge) == WRONG
    legacy = make_client(idp, pool_id)
    assert error_of(Srp(idp, pool_id, legacy["ClientId"], "alice").initiate) == (
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )


def test_user_state_errors(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    idp.sign_up(ClientId=client["ClientId"], Username="carol", Password=PASSWORD)
    assert error_of(Srp(idp, pool_id, client["ClientId"], "carol").initiate) == (
        "UserNotConfirmedException",
        "User is not confirmed.",
    )
    srp = Srp(idp, pool_id, client["ClientId"], "alice")
    challenge = srp.initiate()
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    assert error_of(srp.respond, challenge=challenge) == ("NotAuthorizedException", "User is disabled.")
    assert error_of(srp.initiate) == ("NotAuthorizedException", "User is disabled.")


def test_srp_flow_must_be_enabled(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    make_user(idp, pool_id, "alice")
    assert error_of(Srp(idp, pool_id, client["ClientId"], "alice").initiate) == (
        "InvalidParameterException",
        "USER_SRP_AUTH flow not enabled for this client",
    )
    legacy = make_client(idp, pool_id, ExplicitAuthFlows=["USER_PASSWORD_AUTH"])
    assert "AuthenticationResult" in Srp(idp, pool_id, legacy["ClientId"], "alice").sign_in()


def test_unusable_srp_a(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id)
    make_user(idp, pool_id, "alice")
    for a in ("0", reference_srp().N_HEX, "not-hex"):
        got = error_of(
            idp.initiate_auth,
            ClientId=client["ClientId"],
            AuthFlow="USER_SRP_AUTH",
            AuthParameters={"USERNAME": "alice", "SRP_A": a},
        )
        assert got[0] == "InvalidParameterException"
    got = error_of(
        idp.initiate_auth,
        ClientId=client["ClientId"],
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": "alice"},
    )
    assert got == ("InvalidParameterException", "Missing required parameter SRP_A")


def test_secret_hash_client(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, GenerateSecret=True)
    client_id, secret = client["ClientId"], client["ClientSecret"]
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client_id, "alice")
    assert (
        error_of(srp.initiate)[1]
        == f"Client {client_id} is configured with secret but SECRET_HASH was not received"
    )
    challenge = srp.initiate(SECRET_HASH=secret_hash(secret, "alice", client_id))
    assert error_of(srp.respond, challenge=challenge)[0] == "NotAuthorizedException"
    assert error_of(srp.respond, challenge=challenge, SECRET_HASH="d3Jvbmc=")[1] == (
        f"Unable to verify secret hash for client {client_id}"
    )
    out = srp.respond(challenge, SECRET_HASH=secret_hash(secret, "alice", client_id))
    assert "AccessToken" in out["AuthenticationResult"]


def test_pycognito_signs_in_without_a_session(idp: Any, pool_id: str, live: Any) -> None:
    aws_srp = pytest.importorskip("pycognito.aws_srp")
    client = make_client(idp, pool_id, GenerateSecret=True)
    make_user(idp, pool_id, "alice")
    flow = aws_srp.AWSSRP(
        username="alice",
        password=PASSWORD,
        pool_id=pool_id,
        client_id=client["ClientId"],
        client_secret=client["ClientSecret"],
        client=live.client(),
    )
    tokens = flow.authenticate_user()
    assert claims(tokens["AuthenticationResult"]["IdToken"])["cognito:username"] == "alice"


def test_replays_look_the_same_for_every_kind_of_failure(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, PreventUserExistenceErrors="ENABLED")
    make_user(idp, pool_id, "alice")
    make_user(idp, pool_id, "reset", email="reset@example.com", email_verified="true")
    idp.admin_reset_user_password(UserPoolId=pool_id, Username="reset")
    for name, password in (("alice", "Wrong-Passw0rd"), ("ghost", PASSWORD), ("reset", PASSWORD)):
        srp = Srp(idp, pool_id, client["ClientId"], name, password)
        challenge = srp.initiate()
        assert error_of(srp.respond, challenge=challenge) == WRONG, name
        assert error_of(srp.respond, challenge=challenge) == (
            "NotAuthorizedException",
            "Invalid session for the user.",
        )
