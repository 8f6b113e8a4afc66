"""Helpers for the device tests (no tests here): a remembered-device client on the reference SRP math.

The device verifier is computed as amazon-cognito-identity-js does (COGNITO-FACTS §3.5): a random
device password (40 bytes, base64), salt = padHex(16 random bytes), x = H(salt ‖ H(DeviceGroupKey ‖
DeviceKey ‖ ":" ‖ password)), verifier = g^x mod N; both sent base64-encoded.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from test_auth_support import PASSWORD, Srp, make_client, make_pool, make_user

from reference import reference_srp

TRACKING = {"ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": False}


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


class DeviceClient:
    """A device's secrets (as a client keeps them) and its side of DEVICE_SRP_AUTH."""

    def __init__(self, metadata: dict[str, str]) -> None:
        self.key = metadata["DeviceKey"]
        self.group = metadata["DeviceGroupKey"]
        self.password = b64(os.urandom(40))

    def verifier_config(self) -> dict[str, str]:
        ref = reference_srp()
        salt_hex = ref.pad_hex(int.from_bytes(os.urandom(16), "big"))
        x = ref.compute_x(self.group, self.key, self.password, salt_hex)
        verifier = ref.pad_hex(pow(ref.G, x, ref.N))
        return {"PasswordVerifier": b64(bytes.fromhex(verifier)), "Salt": b64(bytes.fromhex(salt_hex))}

    def srp(self) -> Any:
        # The reference client names its "pool" by the part after "_": the group key has none.
        return reference_srp().SrpClient(self.group, self.key, self.password)

    def claim(self, client: Any, parameters: dict[str, str], timestamp: str | None = None) -> dict[str, str]:
        ref = reference_srp()
        key = client.session_key(parameters["SALT"], parameters["SRP_B"], self.key)
        ts = timestamp or ref.cognito_timestamp()
        return {
            "USERNAME": parameters["USERNAME"],
            "DEVICE_KEY": self.key,
            "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
            "TIMESTAMP": ts,
            "PASSWORD_CLAIM_SIGNATURE": ref.claim_signature(
                key, self.group, self.key, parameters["SECRET_BLOCK"], ts
            ),
        }


class Setup:
    """A device-tracking pool, a client allowing every flow, and user ``alice``."""

    def __init__(self, idp: Any, **tracking: bool) -> None:
        self.idp = idp
        config = {**TRACKING, **tracking}
        self.pool_id = make_pool(idp, DeviceConfiguration=config)
        self.client_id = str(make_client(idp, self.pool_id)["ClientId"])
        make_user(idp, self.pool_id, "alice")

    def sign_in(self, username: str = "alice", **extra: str) -> dict[str, Any]:
        srp = Srp(self.idp, self.pool_id, self.client_id, username, PASSWORD)
        return srp.respond(srp.initiate(**extra), **extra)

    def new_device(
        self, username: str = "alice", name: str = "laptop"
    ) -> tuple[DeviceClient, dict[str, Any]]:
        """Signs in, confirms the new device; returns it and the sign-in's AuthenticationResult."""
        result = self.sign_in(username)["AuthenticationResult"]
        device = DeviceClient(result["NewDeviceMetadata"])
        self.idp.confirm_device(
            AccessToken=result["AccessToken"],
            DeviceKey=device.key,
            DeviceName=name,
            DeviceSecretVerifierConfig=device.verifier_config(),
        )
        return device, result

    def device_srp_auth(
        self, device: DeviceClient, client: Any, session: str | None = None
    ) -> dict[str, Any]:
        """The keyword arguments of RespondToAuthChallenge(DEVICE_SRP_AUTH) for ``device``."""
        request: dict[str, Any] = {
            "ClientId": self.client_id,
            "ChallengeName": "DEVICE_SRP_AUTH",
            "ChallengeResponses": {
                "USERNAME": "alice",
                "DEVICE_KEY": device.key,
                "SRP_A": client.auth_parameters()["SRP_A"],
            },
        }
        if session is not None:
            request["Session"] = session
        return request

    def device_sign_in(self, device: DeviceClient, *, session: bool = True) -> dict[str, Any]:
        """The full exchange with a remembered device; returns the last response."""
        first = self.sign_in(DEVICE_KEY=device.key)
        assert first["ChallengeName"] == "DEVICE_SRP_AUTH"
        client = device.srp()
        second = self.idp.respond_to_auth_challenge(
            **self.device_srp_auth(device, client, first["Session"] if session else None)
        )
        assert second["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
        extra = {"Session": second["Session"]} if session else {}
        return dict(
            self.idp.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="DEVICE_PASSWORD_VERIFIER",
                ChallengeResponses=device.claim(client, second["ChallengeParameters"]),
                **extra,
            )
        )


def attributes(device: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}
