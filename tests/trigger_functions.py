"""Trigger functions the trigger tests wire to pools (by all three backends); they record every event."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import custom_auth_examples

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


def link_to_local_user(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreSignUp_ExternalProvider: links the new identity to the local user with the same email (the
    usual account merge), through AdminLinkProviderForUser."""
    import boto3

    _seen(event)
    idp = boto3.client(
        "cognito-idp", endpoint_url=SERVER_URL, region_name=event["region"],
        aws_access_key_id="AKIDTRIGGERS", aws_secret_access_key="trigger-secret",
    )  # fmt: skip
    email = event["request"]["userAttributes"].get("email", "")
    users = idp.list_users(UserPoolId=event["userPoolId"], Filter=f'email = "{email}"')["Users"]
    local = [u for u in users if u["UserStatus"] != "EXTERNAL_PROVIDER"]
    if local:
        provider, _, user_id = event["userName"].partition("_")
        idp.admin_link_provider_for_user(
            UserPoolId=event["userPoolId"],
            DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": local[0]["Username"]},
            SourceUser={"ProviderName": provider, "ProviderAttributeName": "Cognito_Subject",
                        "ProviderAttributeValue": user_id},
        )  # fmt: skip
    return event


def verify_external_email(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """PreSignUp_ExternalProvider: marks the provider's email verified (and asks to confirm, which means
    nothing for external users)."""
    _seen(event)
    event["response"]["autoVerifyEmail"] = True
    event["response"]["autoConfirmUser"] = True
    return event


LEGACY_PASSWORD = "legacy"  # every legacy user's password: shorter than any pool policy allows


def migrate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """UserMigration: a legacy directory knowing every name, with password LEGACY_PASSWORD.

    The request's clientMetadata shapes the answer: ``status`` / ``action`` (finalUserStatus /
    messageAction; "-" leaves the field null; defaults CONFIRMED / SUPPRESS), ``mediums`` (comma list),
    ``force`` / ``sms_mfa`` ("true"), ``email``, ``phone`` and ``extra`` (one more attribute name).
    """
    _seen(event)
    request, name = event["request"], event["userName"]
    if event["triggerSource"] == "UserMigration_Authentication" and request["password"] != LEGACY_PASSWORD:
        raise ValueError("Bad password")
    meta = request.get("clientMetadata") or {}
    attributes = {"email": meta.get("email", name if "@" in name else f"{name}@legacy.example")}
    attributes["email_verified"] = "true"
    if "phone" in meta:
        attributes["phone_number"] = meta["phone"]
    if "extra" in meta:
        attributes[meta["extra"]] = "42"
    response = event["response"]
    response["userAttributes"] = attributes
    for key, field, default in (
        ("status", "finalUserStatus", "CONFIRMED"),
        ("action", "messageAction", "SUPPRESS"),
    ):
        value = meta.get(key, default)
        response[field] = None if value == "-" else value
    if "mediums" in meta:
        response["desiredDeliveryMediums"] = meta["mediums"].split(",")
    response["forceAliasCreation"] = meta.get("force") == "true"
    response["enableSMSMFA"] = meta.get("sms_mfa") == "true"
    return event


def migrate_malformed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """UserMigration: userAttributes that are not an object."""
    _seen(event)
    event["response"]["userAttributes"] = ["email"]
    return event


# --- Custom authentication (test_custom_auth*.py) -----------------------------------------------------------


def _recording(handler: Any) -> Any:
    def run(event: dict[str, Any], context: Any) -> dict[str, Any]:
        _seen(event)
        return dict(handler(event, context))

    run.__doc__ = handler.__doc__
    return run


# The examples of docs/triggers.md (custom_auth_examples.py), recording the events they get.
define_code_after_password = _recording(custom_auth_examples.define_code_after_password)
define_passwordless = _recording(custom_auth_examples.define_passwordless)
create_email_code = _recording(custom_auth_examples.create_email_code)
verify_code = _recording(custom_auth_examples.verify_code)


def create_question(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """CreateAuthChallenge: a question whose answer is "5" (a number among the public parameters)."""
    _seen(event)
    event["response"]["publicChallengeParameters"] = {
        "question": "2 + 3?",
        "round": len(event["request"]["session"]),
    }
    event["response"]["privateChallengeParameters"] = {"answer": "5"}
    event["response"]["challengeMetadata"] = f"QUESTION-{len(event['request']['session'])}"
    return event


def verify_answer(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """VerifyAuthChallengeResponse: the answer must equal privateChallengeParameters.answer."""
    _seen(event)
    request = event["request"]
    event["response"]["answerCorrect"] = (
        request["challengeAnswer"] == request["privateChallengeParameters"]["answer"]
    )
    return event


def _answering(doc: str, **fields: Any) -> Any:
    """A function that records its event and sets ``fields`` in the response."""

    def run(event: dict[str, Any], context: Any) -> dict[str, Any]:
        _seen(event)
        event["response"].update(fields)
        return event

    run.__doc__ = doc
    return run


define_issue_at_once = _answering("DefineAuthChallenge: tokens without any challenge.", issueTokens=True)
define_fail = _answering("DefineAuthChallenge: fails every sign-in.", failAuthentication=True)
define_undecided = _answering("DefineAuthChallenge: neither fails, nor issues tokens, nor names a challenge.")
define_password_verifier = _answering(
    "DefineAuthChallenge: always asks for the password.", challengeName="PASSWORD_VERIFIER"
)
define_sms_mfa = _answering(
    "DefineAuthChallenge: a challenge custom authentication can't issue here.", challengeName="SMS_MFA"
)
define_flag_as_text = _answering("DefineAuthChallenge: issueTokens as a string.", issueTokens="true")
create_nested = _answering(
    "CreateAuthChallenge: a public parameter that is an object.",
    publicChallengeParameters={"question": {"text": "2 + 3?"}},
)
create_huge = _answering(
    "CreateAuthChallenge: private parameters far too large for a Session.",
    privateChallengeParameters={"answer": "5" * 3000},
)
verify_as_text = _answering("VerifyAuthChallengeResponse: answerCorrect as a string.", answerCorrect="yes")


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
