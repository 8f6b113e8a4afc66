"""A remembered device replaces the second factor (DeviceConfiguration.ChallengeRequiredOnNewDevice)."""

from __future__ import annotations

from typing import Any

from test_auth_support import PASSWORD, Srp, make_client, make_pool, make_user, password_auth
from test_devices_support import TRACKING, DeviceClient
from test_mfa_support import add_totp, next_totp, respond


def _pool(idp: Any, **tracking: bool) -> tuple[str, str, str]:
    pool_id = make_pool(idp, DeviceConfiguration={**TRACKING, **tracking})
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    client_id = str(make_client(idp, pool_id)["ClientId"])
    make_user(idp, pool_id, "alice")
    access = password_auth(idp, client_id, "alice")["AuthenticationResult"]["AccessToken"]
    secret = add_totp(idp, access)
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return pool_id, client_id, secret


def _srp_with_mfa(idp: Any, pool_id: str, client_id: str, secret: str, **extra: str) -> dict[str, Any]:
    srp = Srp(idp, pool_id, client_id, "alice", PASSWORD)
    challenge = srp.respond(srp.initiate(**extra), **extra)
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    return respond(idp, client_id, challenge, USERNAME="alice", SOFTWARE_TOKEN_MFA_CODE=next_totp(secret))


def _second_sign_in_step(idp: Any, **tracking: bool) -> str:
    """Signs in with MFA, confirms (and so remembers) the device, signs in again with it: the next step."""
    pool_id, client_id, secret = _pool(idp, **tracking)
    result = _srp_with_mfa(idp, pool_id, client_id, secret)["AuthenticationResult"]
    device = DeviceClient(result["NewDeviceMetadata"])
    idp.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=device.key,
        DeviceName="laptop",
        DeviceSecretVerifierConfig=device.verifier_config(),
    )
    srp = Srp(idp, pool_id, client_id, "alice", PASSWORD)
    return str(srp.respond(srp.initiate(DEVICE_KEY=device.key), DEVICE_KEY=device.key)["ChallengeName"])


def test_remembered_device_skips_mfa(idp: Any) -> None:
    # No SOFTWARE_TOKEN_MFA: the device proves itself instead.
    assert _second_sign_in_step(idp) == "DEVICE_SRP_AUTH"


def test_device_is_no_second_factor_when_the_pool_says_so(idp: Any) -> None:
    assert _second_sign_in_step(idp, ChallengeRequiredOnNewDevice=False) == "SOFTWARE_TOKEN_MFA"
