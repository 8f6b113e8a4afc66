"""Helpers for the MFA tests: pools with MFA, TOTP codes, MFA codes from the outbox, challenge answers."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
from test_auth_support import make_pool
from test_users_support import messages

from userpools.testing import RunningServer

ROLE = "arn:aws:iam::123456789012:role/sns-caller"
SMS = {"SnsCallerArn": ROLE, "ExternalId": "ext"}
SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@example.com",
}
PHONE = "+15555551234"
WRONG_CODE = ("CodeMismatchException", "Invalid code or auth state for the user.")
INVALID = ("NotAuthorizedException", "Invalid session for the user.")


def mfa_pool(
    idp: Any, mode: str, *, sms: bool = False, totp: bool = False, email: bool = False, **settings: Any
) -> str:
    """A pool with MfaConfiguration ``mode`` and the chosen factors on (``settings``: CreateUserPool's)."""
    pool_id = make_pool(idp, SmsConfiguration=SMS, EmailConfiguration=SES, **settings)
    config: dict[str, Any] = {"MfaConfiguration": mode}
    if sms:
        config["SmsMfaConfiguration"] = {
            "SmsAuthenticationMessage": "Auth code {####}",
            "SmsConfiguration": SMS,
        }
    if totp:
        config["SoftwareTokenMfaConfiguration"] = {"Enabled": True}
    if email:
        config["EmailMfaConfiguration"] = {"Subject": "Sign-in code", "Message": "Email code {####}"}
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, **config)
    return pool_id


def next_totp(secret: str) -> str:
    """The code of the next 30 s step: still inside the ±1 window, and later than any step used so far."""
    return str(pyotp.TOTP(secret).at(time.time() + 30))


def now_totp(secret: str) -> str:
    return str(pyotp.TOTP(secret).now())


def last_mfa_message(live: RunningServer, pool_id: str, username: str) -> dict[str, Any]:
    sent = [m for m in messages(live, pool_id, username) if m.get("kind") == "mfa"]
    assert sent, "no MFA code was sent"
    return sent[-1]


def code_in(message: dict[str, Any]) -> str:
    found = re.findall(r"\b\d{6}\b", message["body"])
    assert found, message
    return str(found[-1])


def respond(idp: Any, client_id: str, challenge: dict[str, Any], **responses: str) -> dict[str, Any]:
    return dict(
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName=challenge["ChallengeName"],
            Session=challenge["Session"],
            ChallengeResponses=responses,
        )
    )


def add_totp(idp: Any, access_token: str) -> str:
    """Associates and verifies a software token for the signed-in user; returns its secret."""
    secret = str(idp.associate_software_token(AccessToken=access_token)["SecretCode"])
    verified = idp.verify_software_token(AccessToken=access_token, UserCode=now_totp(secret))
    assert verified["Status"] == "SUCCESS"
    return secret
