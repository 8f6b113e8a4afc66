"""The custom authentication triggers: DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse.

Implements user-pool-lambda-define-auth-challenge.html, user-pool-lambda-create-auth-challenge.html and
user-pool-lambda-verify-auth-challenge-response.html (sources ``*_Authentication``). Every request has
``userAttributes`` (with ``cognito:user_status``), ``clientMetadata`` and ``userNotFound``; Define and
Create get ``session`` (the challenges so far: ``challengeName``, ``challengeResult``,
``challengeMetadata``), Create also ``challengeName``, Verify ``privateChallengeParameters`` and
``challengeAnswer`` (the ANSWER string). Honoured: Define's ``issueTokens`` / ``failAuthentication`` /
``challengeName``; Create's ``publicChallengeParameters`` / ``privateChallengeParameters`` /
``challengeMetadata``; Verify's ``answerCorrect``. Parameter values must be strings; numbers and booleans
are turned into strings (Cognito reads these maps as string maps), objects and lists are an
InvalidLambdaResponseException. The sign-in itself is in ``auth.custom``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from userpools.errors import InvalidLambdaResponseException, InvalidParameterException
from userpools.operations.context import Context
from userpools.triggers.events import UNRECOGNIZABLE, flag, text
from userpools.triggers.invoke import configured, run_trigger

DEFINE, CREATE, VERIFY = "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse"
NOT_CONFIGURED = "Custom auth lambda trigger is not configured for the user pool."


@dataclass(frozen=True)
class Round:
    """One challenge of the sign-in so far, as the ``session`` list shows it."""

    name: str  # SRP_A, PASSWORD_VERIFIER or CUSTOM_CHALLENGE
    result: bool
    metadata: str | None = None

    def event(self) -> dict[str, Any]:
        return {
            "challengeName": self.name,
            "challengeResult": self.result,
            "challengeMetadata": self.metadata,
        }


@dataclass(frozen=True)
class Subject:
    """Whom the triggers are asked about: the user (or the name typed for an unknown one) and the client."""

    user_name: str
    attributes: dict[str, str]
    not_found: bool
    client_id: str


@dataclass(frozen=True)
class Decision:
    """DefineAuthChallenge's answer."""

    issue_tokens: bool
    fail: bool
    challenge: str | None


@dataclass(frozen=True)
class Challenge:
    """CreateAuthChallenge's answer."""

    public: dict[str, str]
    private: dict[str, str]
    metadata: str | None


def require(pool: dict[str, Any], key: str) -> None:
    """InvalidParameterException, in Cognito's words, unless the pool has the ``key`` trigger."""
    if configured(pool, key) is None:
        raise InvalidParameterException(NOT_CONFIGURED)


async def define(
    ctx: Context,
    pool: dict[str, Any],
    subject: Subject,
    history: tuple[Round, ...],
    client_metadata: dict[str, str],
) -> Decision:
    request = {"session": [r.event() for r in history]}
    defaults = {"challengeName": None, "issueTokens": False, "failAuthentication": False}
    response = await _run(ctx, pool, DEFINE, subject, request, client_metadata, defaults)
    return Decision(
        issue_tokens=flag(response, "issueTokens"),
        fail=flag(response, "failAuthentication"),
        challenge=text(response, "challengeName"),
    )


async def create(
    ctx: Context,
    pool: dict[str, Any],
    subject: Subject,
    name: str,
    history: tuple[Round, ...],
    client_metadata: dict[str, str],
) -> Challenge:
    request = {"challengeName": name, "session": [r.event() for r in history]}
    defaults: dict[str, Any] = {
        "publicChallengeParameters": {},
        "privateChallengeParameters": {},
        "challengeMetadata": None,
    }
    response = await _run(ctx, pool, CREATE, subject, request, client_metadata, defaults)
    return Challenge(
        public=_string_map(response.get("publicChallengeParameters")),
        private=_string_map(response.get("privateChallengeParameters")),
        metadata=_string(response.get("challengeMetadata")),
    )


async def verify(
    ctx: Context,
    pool: dict[str, Any],
    subject: Subject,
    private: dict[str, str],
    answer: str,
    client_metadata: dict[str, str],
) -> bool:
    request = {"privateChallengeParameters": private, "challengeAnswer": answer}
    response = await _run(ctx, pool, VERIFY, subject, request, client_metadata, {"answerCorrect": False})
    return flag(response, "answerCorrect")


async def _run(
    ctx: Context,
    pool: dict[str, Any],
    key: str,
    subject: Subject,
    fields: dict[str, Any],
    client_metadata: dict[str, str],
    defaults: dict[str, Any],
) -> dict[str, Any]:
    require(pool, key)
    request = {
        "userAttributes": subject.attributes,
        **fields,
        "clientMetadata": client_metadata,
        "userNotFound": subject.not_found,
    }
    response = await run_trigger(
        ctx, pool, key, f"{key}_Authentication", user_name=subject.user_name, request=request,
        client_id=subject.client_id, response=defaults,
    )  # fmt: skip
    assert response is not None  # required above
    return response


def _string(value: Any) -> str | None:
    """A string field; numbers and booleans become their JSON text, as a string-typed reader takes them."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    raise InvalidLambdaResponseException(UNRECOGNIZABLE)


def _string_map(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidLambdaResponseException(UNRECOGNIZABLE)
    out = {}
    for name, item in value.items():
        text_value = _string(item)
        if text_value is not None:
            out[str(name)] = text_value
    return out
