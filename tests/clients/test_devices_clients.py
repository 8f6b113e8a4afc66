"""Remembered devices with real clients: amazon-cognito-identity-js and pycognito.

CIJ confirms the device it is given at sign-in by itself, keeps the device secrets in its storage and
answers DEVICE_SRP_AUTH on the next sign-in. pycognito's device support is driven as documented
(AWSSRP.confirm_device / update_device_status / forget_device, then authenticate_user with the device);
those three post to the real AWS URL with ``requests``, so the test points them at the server.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from clients_support import (
    PASSWORD,
    NodeFactory,
    claims,
    confirmed_user,
    make_client,
    make_pool,
    step,
    unique,
)
from pycognito.aws_srp import AWSSRP

from userpools.testing import RunningServer

TRACKING = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True}


def _challenges(outcome: Any) -> list[str]:
    return [c["request"]["ChallengeName"] for c in outcome.calls_to("RespondToAuthChallenge")]


def test_cij_remembers_the_device_and_signs_in_with_it(idp: Any, cij: NodeFactory) -> None:
    pool_id = make_pool(idp, DeviceConfiguration=TRACKING)
    client_id = make_client(idp, pool_id)["ClientId"]
    username = unique("cij")
    confirmed_user(idp, pool_id, username)
    js = cij(pool_id, client_id)

    first = js.must(step("signIn", username=username, password=PASSWORD))
    session = first.result("signIn")
    device_key = session["deviceKey"]
    assert session["userConfirmationNecessary"] is True
    assert first.calls_to("ConfirmDevice")[0]["status"] == 200
    assert session["accessClaims"]["device_key"] == device_key

    js.must(step("setDeviceStatusRemembered"))
    device = idp.admin_get_device(UserPoolId=pool_id, Username=username, DeviceKey=device_key)["Device"]
    status = {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}
    assert status["dev:device_remembered_status"] == "remembered"
    listed = js.must(step("listDevices")).result("listDevices")
    assert [d["DeviceKey"] for d in listed["Devices"]] == [device_key]

    second = js.must(step("signIn", username=username, password=PASSWORD))
    assert _challenges(second) == ["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]
    assert second.calls_to("ConfirmDevice") == []
    assert second.result("signIn")["accessClaims"]["device_key"] == device_key

    refreshed = js.must(step("refreshSession"))
    assert refreshed.calls_to("InitiateAuth")[0]["request"]["AuthParameters"]["DEVICE_KEY"] == device_key

    js.must(step("forgetDevice"))
    assert idp.admin_list_devices(UserPoolId=pool_id, Username=username)["Devices"] == []


@pytest.fixture
def to_server(live: RunningServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """pycognito's device calls go to https://cognito-idp.<region>.amazonaws.com/: send them here."""
    real_post = requests.post

    def post(url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith("https://cognito-idp."):
            url = live.url + "/"
        return real_post(url, *args, **kwargs)

    monkeypatch.setattr(requests, "post", post)


def test_pycognito_device_support(idp: Any, live: RunningServer, to_server: None) -> None:
    pool_id = make_pool(idp, DeviceConfiguration=TRACKING)
    client_id = make_client(idp, pool_id)["ClientId"]
    username = unique("pyc")
    confirmed_user(idp, pool_id, username)

    first = AWSSRP(username, PASSWORD, pool_id, client_id, client=idp)
    tokens = first.authenticate_user()
    response, device_password = first.confirm_device(tokens, device_name="pytest")
    assert response.status_code == 200 and response.json() == {"UserConfirmationNecessary": True}
    metadata = tokens["AuthenticationResult"]["NewDeviceMetadata"]
    access = tokens["AuthenticationResult"]["AccessToken"]
    first.update_device_status(True, access, metadata["DeviceKey"])

    second = AWSSRP(
        username,
        PASSWORD,
        pool_id,
        client_id,
        client=idp,
        device_key=metadata["DeviceKey"],
        device_group_key=metadata["DeviceGroupKey"],
        device_password=device_password,
    )
    result = second.authenticate_user()["AuthenticationResult"]  # no Session in either device step
    assert claims(result["AccessToken"])["device_key"] == metadata["DeviceKey"]
    assert "NewDeviceMetadata" not in result

    first.forget_device(access, metadata["DeviceKey"])
    assert idp.admin_list_devices(UserPoolId=pool_id, Username=username)["Devices"] == []
    third = AWSSRP(
        username,
        PASSWORD,
        pool_id,
        client_id,
        client=idp,
        device_key=metadata["DeviceKey"],
        device_group_key=metadata["DeviceGroupKey"],
        device_password=device_password,
    )
    assert "NewDeviceMetadata" in third.authenticate_user()["AuthenticationResult"]
