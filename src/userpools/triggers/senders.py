"""The CustomEmailSender and CustomSMSSender triggers: the function delivers the message, not Userpools.

Implements user-pool-lambda-custom-email-sender.html and user-pool-lambda-custom-sms-sender.html. When the
pool's LambdaConfig names a sender for a channel, no message of that channel goes out through the configured
mailer or SMS sender (nor through CustomMessage); the function gets, besides the common parameters,
``request.type`` (``customEmailSenderRequestV1`` / ``customSMSSenderRequestV1``), ``request.code`` (the code
or temporary password, encrypted under ``LambdaConfig.KMSKeyID``, see ``triggers.kms``),
``request.userAttributes`` (with ``cognito:user_status``) and ``request.clientMetadata`` (null when the
caller sent none), and no ``response``. Sources: ``CustomEmailSender_`` / ``CustomSMSSender_`` + SignUp,
ResendCode, ForgotPassword, UpdateUserAttribute, VerifyUserAttribute, AdminCreateUser, Authentication.

The code is encrypted within the operation, so a KMS failure fails it (UnexpectedLambdaException, nothing
written); the function is invoked asynchronously once the operation has committed, as Cognito does: its
errors are logged, only a function that cannot be invoked at all is reported (UnexpectedLambdaException,
the operation's writes stay). Differences: Cognito's wording for a KMS failure is not published (this says
``<Trigger> invocation failed due to error KMSNotFoundException.`` and the like); when a code goes to a new
address awaiting verification, ``userAttributes`` carries that address, so the function can reach it.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import User
from userpools.errors import ServiceError
from userpools.operations.context import Context
from userpools.triggers import kms
from userpools.triggers.events import envelope
from userpools.triggers.invoke import configured, invoke_event, unexpected

SENDERS = {"email": "CustomEmailSender", "sms": "CustomSMSSender"}
REQUEST_TYPES = {"email": "customEmailSenderRequestV1", "sms": "customSMSSenderRequestV1"}
_ATTRIBUTES = {"email": "email", "sms": "phone_number"}


def sender_of(pool: dict[str, Any], channel: str) -> str | None:
    """The ARN of the pool's custom sender function for ``channel`` (email | sms), if one is set."""
    return configured(pool, SENDERS[channel])


async def custom_sender(
    ctx: Context,
    pool: dict[str, Any],
    user: User,
    channel: str,
    source: str,
    *,
    code: str,
    destination: str,
    client_metadata: dict[str, str] | None,
    client_id: str | None,
) -> None:
    """Encrypts ``code`` now and queues the ``channel`` sender with it for after the commit.

    ``source`` is the message's CustomMessage source (``CustomMessage_SignUp`` ...); the sender's is named
    after it (``CustomEmailSender_SignUp``).
    """
    key = SENDERS[channel]
    arn = sender_of(pool, channel)
    assert arn is not None, "custom_sender runs only for a configured sender"
    key_arn = str((pool.get("LambdaConfig") or {}).get("KMSKeyID") or "")
    if not key_arn:  # CreateUserPool / UpdateUserPool refuse a sender without a key; an old pool may lack one
        raise unexpected(key, "KMSKeyID is not set")
    try:
        ciphertext = await kms.encrypt_code(ctx.settings.kms_endpoint, key_arn, str(pool["Id"]), code)
    except kms.KmsFailed as exc:
        raise unexpected(key, str(exc)) from None
    attributes = dict(user.attributes) | {"cognito:user_status": user.status}
    attributes[_ATTRIBUTES[channel]] = destination
    event = envelope(
        region=ctx.region,
        pool_id=str(pool["Id"]),
        source=source.replace("CustomMessage_", f"{key}_", 1),
        user_name=user.username,
        client_id=client_id,
        request={
            "type": REQUEST_TYPES[channel],
            "code": ciphertext,
            "clientMetadata": client_metadata or None,
            "userAttributes": attributes,
        },
        response={},
    )
    del event["response"]  # sender events have none: nothing is read back

    async def run() -> None:
        try:
            await invoke_event(ctx, key, arn, event)
        except ServiceError as exc:
            ctx.committed_failure = exc  # the runner answers with it once the hooks have run

    ctx.after_commit.append(run)
