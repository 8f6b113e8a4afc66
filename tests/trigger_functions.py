"""Trigger functions the trigger tests wire to pools (by all three backends); they record every event."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

EVENTS: list[dict[str, Any]] = []


def _seen(event: dict[str, Any]) -> None:
    EVENTS.append(copy.deepcopy(event))  # as received, before the function changes it


def record(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Accepts everything and changes nothing."""
    _seen(event)
    return event


def auto_confirm(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreSignUp: confirms the user and verifies the email."""
    _seen(event)
    event["response"]["autoConfirmUser"] = True
    event["response"]["autoVerifyEmail"] = True
    return event


def auto_verify_phone(event: dict[str, Any]) -> dict[str, Any]:
    """PreSignUp (one-argument form): verifies the phone number only."""
    _seen(event)
    event["response"]["autoVerifyPhone"] = True
    return event


async def async_auto_confirm(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreSignUp as a coroutine function."""
    _seen(event)
    event["response"]["autoConfirmUser"] = True
    return event


def refuse(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Denies whatever it is asked."""
    _seen(event)
    raise ValueError(f"Sorry {event['userName']}, not today")


def bad_response(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A response field of the wrong type."""
    _seen(event)
    event["response"]["autoConfirmUser"] = "yes"
    return event


def not_an_event(event: dict[str, Any], context: Any) -> Any:
    """Returns something that isn't the event."""
    _seen(event)
    return "ok"


async def slow(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Runs past the 5 s limit."""
    _seen(event)
    await asyncio.sleep(6)
    return event


def custom_message(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CustomMessage: own texts naming the trigger source (and the username for invitations)."""
    _seen(event)
    request, source = event["request"], event["triggerSource"]
    who = request["usernameParameter"] or event["userName"]
    event["response"]["emailSubject"] = f"Subject for {source}"
    event["response"]["emailMessage"] = f"Hello {who}, your code is {request['codeParameter']} ({source})"
    event["response"]["smsMessage"] = f"{source}: {request['codeParameter']}"
    return event


def custom_message_without_code(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CustomMessage: texts lacking the code placeholder (Cognito then sends its own message)."""
    _seen(event)
    event["response"]["emailSubject"] = "Ignored"
    event["response"]["emailMessage"] = "There is no code in here"
    event["response"]["smsMessage"] = "No code"
    return event


def custom_message_wrong_type(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CustomMessage: a message that is not a string."""
    _seen(event)
    event["response"]["emailMessage"] = ["{####}"]
    return event


ROLE = "arn:aws:iam::000000000000:role/virtual"


def pre_token_v1(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreTokenGeneration V1: adds, overrides and suppresses ID token claims, replaces the groups."""
    _seen(event)
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tier": "gold", "email": "other@example.com", "sub": "not-allowed"},
        "claimsToSuppress": ["phone_number", "token_use"],
        "groupOverrideDetails": {
            "groupsToOverride": ["virtual"],
            "iamRolesToOverride": [ROLE],
            "preferredRole": ROLE,
        },
    }
    return event


def pre_token_v1_suppress(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreTokenGeneration V1: a claim both added and suppressed; an empty group override."""
    _seen(event)
    event["response"]["claimsOverrideDetails"] = {
        "claimsToAddOrOverride": {"tier": "gold"},
        "claimsToSuppress": ["tier"],
        "groupOverrideDetails": {"groupsToOverride": []},
    }
    return event


def pre_token_v1_not_string(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreTokenGeneration V1: a claim value that is not a string."""
    _seen(event)
    event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": {"level": 5}}
    return event


def pre_token_v2(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreTokenGeneration V2: both tokens' claims and the access token's scopes."""
    _seen(event)
    event["response"]["claimsAndScopeOverrideDetails"] = {
        "idTokenGeneration": {
            "claimsToAddOrOverride": {"tier": "gold", "level": 5},
            "claimsToSuppress": ["email"],
        },
        "accessTokenGeneration": {
            "claimsToAddOrOverride": {"plan": ["a", "b"], "client_id": "not-allowed"},
            "claimsToSuppress": ["cognito:groups"],
            "scopesToAdd": ["orders/read"],
            "scopesToSuppress": ["aws.cognito.signin.user.admin"],
        },
    }
    return event


SERVER_URL = ""  # set by the trigger tests' fixture: the Userpools server the functions may call back


def add_to_group(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PostConfirmation: puts the new user in the "members" group through the API (the classic use)."""
    import boto3

    _seen(event)
    idp = boto3.client(
        "cognito-idp", endpoint_url=SERVER_URL, region_name=event["region"],
        aws_access_key_id="AKIDTRIGGERS", aws_secret_access_key="trigger-secret",
    )  # fmt: skip
    idp.admin_add_user_to_group(
        UserPoolId=event["userPoolId"], Username=event["userName"], GroupName="members"
    )
    return event


# What the custom sender functions delivered: {"pool", "source", "type", "to", "code", "context"}.
DELIVERED: list[dict[str, Any]] = []


def send_code(event: dict[str, Any], context: Any) -> None:
    """CustomEmailSender / CustomSMSSender: decrypts the code as a real function does, and "delivers" it.

    The AWS Encryption SDK with a strict KMS master key provider for the key named in the environment
    (``KMS_KEY_ARN``; KMS at ``AWS_ENDPOINT_URL_KMS``), allowing Cognito's non-committing messages.
    """
    import base64
    import os

    import aws_encryption_sdk
    import botocore.session
    from aws_encryption_sdk.key_providers.kms import StrictAwsKmsMasterKeyProvider

    _seen(event)
    request = event["request"]
    provider = StrictAwsKmsMasterKeyProvider(
        key_ids=[os.environ["KMS_KEY_ARN"]], botocore_session=botocore.session.Session()
    )
    client = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=aws_encryption_sdk.CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
    )
    plaintext, header = client.decrypt(source=base64.b64decode(request["code"]), key_provider=provider)
    sms = request["type"] == "customSMSSenderRequestV1"
    DELIVERED.append(
        {
            "pool": event["userPoolId"],
            "source": event["triggerSource"],
            "type": request["type"],
            "to": request["userAttributes"]["phone_number" if sms else "email"],
            "code": plaintext.decode(),
            "context": dict(header.encryption_context),
            "algorithm": header.algorithm.algorithm_id,
        }
    )


def custom_message_mfa(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CustomMessage: own sign-in code texts (CustomMessage_Authentication), else unchanged."""
    _seen(event)
    if event["triggerSource"] == "CustomMessage_Authentication":
        code = event["request"]["codeParameter"]
        event["response"]["smsMessage"] = f"Your Example sign-in code: {code}"
        event["response"]["emailSubject"] = "Example sign-in"
        event["response"]["emailMessage"] = f"<p>Sign in with {code}</p>"
    return event
