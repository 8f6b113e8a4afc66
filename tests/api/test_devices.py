"""Remembered devices: tracking at SRP sign-in, ConfirmDevice, the device SRP exchange, refresh."""

from __future__ import annotations

import re
from typing import Any

from test_auth_support import (
    PASSWORD,
    Srp,
    claims,
    error_of,
    make_client,
    make_pool,
    make_user,
    password_auth,
)
from test_devices_support import DeviceClient, Setup, attributes

from reference import reference_srp

NOT_FOUND = ("ResourceNotFoundException", "Device does not exist.")


def test_srp_sign_in_tracks_a_new_device(idp: Any) -> None:
    setup = Setup(idp)
    result = setup.sign_in()["AuthenticationResult"]
    metadata = result["NewDeviceMetadata"]
    assert re.fullmatch(r"us-east-1_[0-9a-f-]{36}", metadata["DeviceKey"])
    assert metadata["DeviceGroupKey"]
    assert claims(result["AccessToken"])["device_key"] == metadata["DeviceKey"]
    again = setup.sign_in()["AuthenticationResult"]["NewDeviceMetadata"]
    assert again["DeviceKey"] != metadata["DeviceKey"]


def test_no_tracking_without_configuration_or_srp(idp: Any) -> None:
    pool_id = make_pool(idp)
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "alice")
    srp = Srp(idp, pool_id, client_id, "alice")
    result = srp.sign_in()["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert "device_key" not in claims(result["AccessToken"])
    setup = Setup(idp)
    password = password_auth(idp, setup.client_id, "alice")["AuthenticationResult"]
    assert "NewDeviceMetadata" not in password
    admin = idp.admin_initiate_auth(
        UserPoolId=setup.pool_id,
        ClientId=setup.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    assert "NewDeviceMetadata" not in admin


def test_confirm_device_then_get_device(idp: Any) -> None:
    setup = Setup(idp)
    result = setup.sign_in()["AuthenticationResult"]
    device = DeviceClient(result["NewDeviceMetadata"])
    confirmed = idp.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=device.key,
        DeviceName="my laptop",
        DeviceSecretVerifierConfig=device.verifier_config(),
    )
    assert confirmed["UserConfirmationNecessary"] is False
    got = idp.get_device(AccessToken=result["AccessToken"], DeviceKey=device.key)["Device"]
    assert got["DeviceKey"] == device.key
    assert attributes(got) == {
        "device_status": "valid",
        "device_name": "my laptop",
        "dev:device_remembered_status": "remembered",
    }
    for member in ("DeviceCreateDate", "DeviceLastModifiedDate", "DeviceLastAuthenticatedDate"):
        assert member in got
    admin = idp.admin_get_device(UserPoolId=setup.pool_id, Username="alice", DeviceKey=device.key)["Device"]
    assert admin["DeviceKey"] == device.key


def test_confirm_device_errors(idp: Any) -> None:
    setup = Setup(idp)
    result = setup.sign_in()["AuthenticationResult"]
    token, device = result["AccessToken"], DeviceClient(result["NewDeviceMetadata"])
    unknown = error_of(
        idp.confirm_device,
        AccessToken=token,
        DeviceKey="us-east-1_00000000-0000-4000-8000-000000000000",
        DeviceSecretVerifierConfig=device.verifier_config(),
    )
    assert unknown == NOT_FOUND
    bad = error_of(
        idp.confirm_device,
        AccessToken=token,
        DeviceKey=device.key,
        DeviceSecretVerifierConfig={"PasswordVerifier": "AA==", "Salt": "AQ=="},
    )
    assert bad[0] == "InvalidParameterException"
    missing = error_of(idp.confirm_device, AccessToken=token, DeviceKey=device.key)
    assert missing[0] == "InvalidParameterException"
    code, _ = error_of(
        idp.confirm_device,
        AccessToken="nope",
        DeviceKey=device.key,
        DeviceSecretVerifierConfig=device.verifier_config(),
    )
    assert code == "NotAuthorizedException"
    # Nothing was confirmed: the device is not listed and does not exist for GetDevice.
    assert idp.list_devices(AccessToken=token)["Devices"] == []
    assert error_of(idp.get_device, AccessToken=token, DeviceKey=device.key) == NOT_FOUND


def _full_exchange(idp: Any, *, session: bool) -> None:
    setup = Setup(idp)
    device, _ = setup.new_device()
    done = setup.device_sign_in(device, session=session)
    result = done["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    assert claims(result["AccessToken"])["device_key"] == device.key
    assert claims(result["AccessToken"])["username"] == "alice"


def test_device_srp_exchange_with_session(idp: Any) -> None:
    _full_exchange(idp, session=True)


def test_device_srp_exchange_without_session_like_pycognito(idp: Any) -> None:
    _full_exchange(idp, session=False)


def test_device_password_verifier_rejects_wrong_proof_and_replay(idp: Any) -> None:
    setup = Setup(idp)
    device, _ = setup.new_device()
    first = setup.sign_in(DEVICE_KEY=device.key)
    client = device.srp()
    second = idp.respond_to_auth_challenge(**setup.device_srp_auth(device, client, first["Session"]))
    # Same SRP_A, wrong device password.
    impostor = DeviceClient({"DeviceKey": device.key, "DeviceGroupKey": device.group})
    guess = reference_srp().SrpClient(device.group, device.key, impostor.password, a=client.a)
    wrong = impostor.claim(guess, second["ChallengeParameters"])
    code, message = error_of(
        idp.respond_to_auth_challenge,
        ClientId=setup.client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=wrong,
    )
    assert (code, message) == ("NotAuthorizedException", "Incorrect username or password.")
    # The SECRET_BLOCK was spent by the failed answer: even the right proof is refused now.
    right = device.claim(client, second["ChallengeParameters"])
    code, _ = error_of(
        idp.respond_to_auth_challenge,
        ClientId=setup.client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=right,
    )
    assert code == "NotAuthorizedException"


def test_device_srp_auth_needs_the_password_first(idp: Any) -> None:
    setup = Setup(idp)
    device, _ = setup.new_device()
    code, _ = error_of(idp.respond_to_auth_challenge, **setup.device_srp_auth(device, device.srp()))
    assert code == "NotAuthorizedException"
    unknown = error_of(
        idp.respond_to_auth_challenge,
        ClientId=setup.client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        ChallengeResponses={"USERNAME": "alice", "DEVICE_KEY": device.key + "x", "SRP_A": "ab"},
    )
    assert unknown == NOT_FOUND


def test_list_devices_pages(idp: Any) -> None:
    setup = Setup(idp)
    keys = sorted(setup.new_device(name=f"d{i}")[0].key for i in range(3))
    token = setup.sign_in()["AuthenticationResult"]["AccessToken"]  # a 4th device, never confirmed
    first = idp.list_devices(AccessToken=token, Limit=2)
    assert [d["DeviceKey"] for d in first["Devices"]] == keys[:2]
    second = idp.list_devices(AccessToken=token, Limit=2, PaginationToken=first["PaginationToken"])
    assert [d["DeviceKey"] for d in second["Devices"]] == keys[2:]
    assert "PaginationToken" not in second
    everything = idp.admin_list_devices(UserPoolId=setup.pool_id, Username="alice")
    assert [d["DeviceKey"] for d in everything["Devices"]] == keys
    code, _ = error_of(idp.list_devices, AccessToken=token, PaginationToken="!!")
    assert code == "InvalidParameterException"
    code, _ = error_of(idp.admin_list_devices, UserPoolId=setup.pool_id, Username="nobody")
    assert code == "UserNotFoundException"


def test_devices_are_per_user(idp: Any) -> None:
    setup = Setup(idp)
    make_user(idp, setup.pool_id, "bob")
    device, _ = setup.new_device()
    bob = setup.sign_in("bob")["AuthenticationResult"]["AccessToken"]
    assert error_of(idp.get_device, AccessToken=bob, DeviceKey=device.key) == NOT_FOUND
    assert error_of(idp.forget_device, AccessToken=bob, DeviceKey=device.key) == NOT_FOUND
    assert (
        error_of(idp.admin_get_device, UserPoolId=setup.pool_id, Username="bob", DeviceKey=device.key)
        == NOT_FOUND
    )
    assert idp.admin_get_device(UserPoolId=setup.pool_id, Username="alice", DeviceKey=device.key)


def test_user_prompt_and_update_device_status(idp: Any) -> None:
    setup = Setup(idp, DeviceOnlyRememberedOnUserPrompt=True)
    result = setup.sign_in()["AuthenticationResult"]
    token, device = result["AccessToken"], DeviceClient(result["NewDeviceMetadata"])
    confirmed = idp.confirm_device(
        AccessToken=token, DeviceKey=device.key, DeviceSecretVerifierConfig=device.verifier_config()
    )
    assert confirmed["UserConfirmationNecessary"] is True

    def status() -> str:
        got = idp.get_device(AccessToken=token, DeviceKey=device.key)["Device"]
        return attributes(got)["dev:device_remembered_status"]

    assert status() == "not_remembered"
    idp.update_device_status(AccessToken=token, DeviceKey=device.key, DeviceRememberedStatus="remembered")
    assert status() == "remembered"
    idp.admin_update_device_status(
        UserPoolId=setup.pool_id,
        Username="alice",
        DeviceKey=device.key,
        DeviceRememberedStatus="not_remembered",
    )
    assert status() == "not_remembered"
    missing = "us-east-1_00000000-0000-4000-8000-000000000000"
    assert (
        error_of(
            idp.update_device_status,
            AccessToken=token,
            DeviceKey=missing,
            DeviceRememberedStatus="remembered",
        )
        == NOT_FOUND
    )
    assert (
        error_of(
            idp.admin_update_device_status,
            UserPoolId=setup.pool_id,
            Username="alice",
            DeviceKey=missing,
            DeviceRememberedStatus="remembered",
        )
        == NOT_FOUND
    )
    code, _ = error_of(
        idp.update_device_status, AccessToken=token, DeviceKey=device.key, DeviceRememberedStatus="sometimes"
    )
    assert code == "InvalidParameterException"
    assert status() == "not_remembered"


def test_forget_device_stops_device_sign_in(idp: Any) -> None:
    setup = Setup(idp)
    device, result = setup.new_device()
    token = result["AccessToken"]
    idp.forget_device(AccessToken=token, DeviceKey=device.key)
    assert error_of(idp.get_device, AccessToken=token, DeviceKey=device.key) == NOT_FOUND
    assert error_of(idp.forget_device, AccessToken=token, DeviceKey=device.key) == NOT_FOUND
    # The forgotten key is treated as a new device: no DEVICE_SRP_AUTH, fresh metadata.
    again = setup.sign_in(DEVICE_KEY=device.key)
    assert "ChallengeName" not in again or again["ChallengeName"] != "DEVICE_SRP_AUTH"
    assert again["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"] != device.key

    other, _ = setup.new_device()
    idp.admin_forget_device(UserPoolId=setup.pool_id, Username="alice", DeviceKey=other.key)
    assert idp.list_devices(AccessToken=token)["Devices"] == []
    assert (
        error_of(idp.admin_forget_device, UserPoolId=setup.pool_id, Username="alice", DeviceKey=other.key)
        == NOT_FOUND
    )


def test_forget_device_during_device_challenge(idp: Any) -> None:
    setup = Setup(idp)
    device, result = setup.new_device()
    first = setup.sign_in(DEVICE_KEY=device.key)
    assert first["ChallengeName"] == "DEVICE_SRP_AUTH"
    idp.forget_device(AccessToken=result["AccessToken"], DeviceKey=device.key)
    unknown = error_of(
        idp.respond_to_auth_challenge, **setup.device_srp_auth(device, device.srp(), first["Session"])
    )
    assert unknown == NOT_FOUND


def test_refresh_with_device_key(idp: Any) -> None:
    setup = Setup(idp)
    device, _ = setup.new_device()
    result = setup.device_sign_in(device)["AuthenticationResult"]
    refresh = result["RefreshToken"]
    renewed = idp.initiate_auth(
        ClientId=setup.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh, "DEVICE_KEY": device.key},
    )["AuthenticationResult"]
    assert claims(renewed["AccessToken"])["device_key"] == device.key
    missing = "us-east-1_00000000-0000-4000-8000-000000000000"
    assert (
        error_of(
            idp.initiate_auth,
            ClientId=setup.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh, "DEVICE_KEY": missing},
        )
        == NOT_FOUND
    )
    got = idp.get_tokens_from_refresh_token(
        ClientId=setup.client_id, RefreshToken=refresh, DeviceKey=device.key
    )
    assert claims(got["AuthenticationResult"]["AccessToken"])["device_key"] == device.key
    assert (
        error_of(
            idp.get_tokens_from_refresh_token,
            ClientId=setup.client_id,
            RefreshToken=refresh,
            DeviceKey=missing,
        )
        == NOT_FOUND
    )


def test_access_token_is_needed(idp: Any) -> None:
    setup = Setup(idp)
    device, _ = setup.new_device()
    code, _ = error_of(idp.get_device, DeviceKey=device.key)
    assert code == "InvalidParameterException"
    code, _ = error_of(idp.forget_device, DeviceKey=device.key)
    assert code == "InvalidParameterException"
    assert idp.admin_get_device(UserPoolId=setup.pool_id, Username="alice", DeviceKey=device.key)


def test_admin_srp_sign_in_tracks_no_device(idp: Any) -> None:
    setup = Setup(idp)
    srp = Srp(idp, setup.pool_id, setup.client_id, "alice")
    challenge = idp.admin_initiate_auth(
        UserPoolId=setup.pool_id,
        ClientId=setup.client_id,
        AuthFlow="USER_SRP_AUTH",
        AuthParameters=srp.client.auth_parameters(),
    )
    done = idp.admin_respond_to_auth_challenge(
        UserPoolId=setup.pool_id,
        ClientId=setup.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.responses(challenge),
    )
    assert "NewDeviceMetadata" not in done["AuthenticationResult"]


def test_device_session_must_match_the_device(idp: Any) -> None:
    setup = Setup(idp)
    device, _ = setup.new_device()
    other, _ = setup.new_device()
    first = setup.sign_in(DEVICE_KEY=device.key)
    code, _ = error_of(
        idp.respond_to_auth_challenge, **setup.device_srp_auth(other, other.srp(), first["Session"])
    )
    assert code == "NotAuthorizedException"
    # The pending challenge for the right device still works.
    client = device.srp()
    second = idp.respond_to_auth_challenge(**setup.device_srp_auth(device, client, first["Session"]))
    done = idp.respond_to_auth_challenge(
        ClientId=setup.client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        ChallengeResponses=device.claim(client, second["ChallengeParameters"]),
    )
    assert claims(done["AuthenticationResult"]["AccessToken"])["device_key"] == device.key
