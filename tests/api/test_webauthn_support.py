"""A software WebAuthn authenticator (ES256 passkeys) and helpers for the passkey and USER_AUTH tests.

The authenticator builds what a browser and a platform authenticator hand an app, from the options the
server sends: clientDataJSON, authenticatorData (RP id hash, flags, signature counter, attested credential
data with a COSE EC2 key), a ``none`` or ``packed`` (self) attestation object, and ES256 assertion
signatures, all with ``cryptography`` and ``cbor2``. The server checks them with py_webauthn.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from test_auth_support import make_client, make_pool, make_user, password_auth

SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@example.com",
}
SMS = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns-caller", "ExternalId": "ext"}
RP_ID = "localhost"
ORIGIN = "https://localhost"
ALL_FACTORS = ["PASSWORD", "WEB_AUTHN", "EMAIL_OTP", "SMS_OTP"]
USER_AUTH_FLOWS = [
    "ALLOW_USER_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
]
UP, UV, AT = 0x01, 0x04, 0x40


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    counter: int = 0


@dataclass
class Authenticator:
    """One authenticator holding any number of passkeys; ``uv`` says whether it verifies its user."""

    uv: bool = True
    credentials: list[Credential] = field(default_factory=list)
    counter_step: int = 1

    def create(
        self, options: dict[str, Any], *, origin: str = ORIGIN, rp_id: str | None = None, fmt: str = "none"
    ) -> dict[str, Any]:
        """A RegistrationResponseJSON for PublicKeyCredentialCreationOptionsJSON ``options``."""
        rp = rp_id or options["rp"]["id"]
        key = ec.generate_private_key(ec.SECP256R1())
        cred = Credential(os.urandom(32), key, rp, unb64url(options["user"]["id"]))
        self.credentials.append(cred)
        numbers = key.public_key().public_numbers()
        cose = cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )
        attested = bytes(16) + struct.pack(">H", len(cred.id)) + cred.id + cose
        auth_data = self._auth_data(rp, AT, cred.counter) + attested
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        statement: dict[str, Any] = {}
        if fmt == "packed":  # self attestation: signed with the credential's own key
            signed = auth_data + hashlib.sha256(client_data).digest()
            statement = {"alg": -7, "sig": key.sign(signed, ec.ECDSA(hashes.SHA256()))}
        attestation = cbor2.dumps({"fmt": fmt, "attStmt": statement, "authData": auth_data})
        return {
            "id": b64url(cred.id),
            "rawId": b64url(cred.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal", "hybrid"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def get(
        self,
        options: dict[str, Any] | str,
        *,
        origin: str = ORIGIN,
        credential: Credential | None = None,
        counter: int | None = None,
    ) -> dict[str, Any]:
        """An AuthenticationResponseJSON for PublicKeyCredentialRequestOptionsJSON ``options``."""
        opts = json.loads(options) if isinstance(options, str) else options
        cred = credential or self.credentials[-1]
        cred.counter = cred.counter + self.counter_step if counter is None else counter
        auth_data = self._auth_data(cred.rp_id, 0, cred.counter)
        client_data = self._client_data("webauthn.get", opts["challenge"], origin)
        signature = cred.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(cred.id),
            "rawId": b64url(cred.id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(cred.user_handle),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def _auth_data(self, rp_id: str, flags: int, counter: int) -> bytes:
        flags |= UP | (UV if self.uv else 0)
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", counter)

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        doc = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        return json.dumps(doc).encode()


def passkey_pool(
    idp: Any, factors: list[str] | None = None, *, rp_id: str | None = RP_ID, **webauthn: str
) -> str:
    """A pool allowing ``factors`` first (all by default) and passkeys for ``rp_id``."""
    pool_id = make_pool(
        idp,
        Policies={"SignInPolicy": {"AllowedFirstAuthFactors": factors or ALL_FACTORS}},
        EmailConfiguration=SES,
        SmsConfiguration=SMS,
    )
    config = dict(webauthn)
    if rp_id:
        config["RelyingPartyId"] = rp_id
    if config:
        idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration=config)
    return pool_id


def signed_in_user(idp: Any, pool_id: str, username: str = "alice", **attributes: str) -> tuple[str, str]:
    """A confirmed user and a USER_AUTH app client; returns ``(client id, access token)``."""
    client_id = str(make_client(idp, pool_id, ExplicitAuthFlows=USER_AUTH_FLOWS)["ClientId"])
    make_user(idp, pool_id, username, **attributes)
    access = password_auth(idp, client_id, username)["AuthenticationResult"]["AccessToken"]
    return client_id, str(access)


def register(idp: Any, access: str, authenticator: Authenticator, **kwargs: Any) -> dict[str, Any]:
    """Registers a new passkey of ``authenticator``; returns the registration response sent."""
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    credential = authenticator.create(options, **kwargs)
    idp.complete_web_authn_registration(AccessToken=access, Credential=credential)
    return credential


def user_auth(idp: Any, client_id: str, username: str = "alice", **params: str) -> dict[str, Any]:
    return dict(
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": username, **params}
        )
    )


def answer(
    idp: Any, client_id: str, challenge: dict[str, Any], name: str | None = None, **responses: str
) -> Any:
    return idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName=name or challenge["ChallengeName"],
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )
