"""CUSTOM_AUTH: sign-in driven by the DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse
triggers (``triggers.challenges``), with or without the password (SRP) first.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-challenge.html and the pages of
the three triggers; API_InitiateAuth.html (CUSTOM_AUTH: USERNAME, CHALLENGE_NAME=SRP_A + SRP_A); COGNITO-FACTS
§3.6, §5.2. DefineAuthChallenge looks at the challenges so far and fails the sign-in, issues tokens, or names
the next challenge: CUSTOM_CHALLENGE (CreateAuthChallenge makes it, the client answers ANSWER,
VerifyAuthChallengeResponse judges it, and Define is asked again) or, when InitiateAuth sent SRP_A,
PASSWORD_VERIFIER (``auth.srp_flow``; CreateAuthChallenge is not invoked for it).

Each CUSTOM_CHALLENGE Session is sealed (``auth.sessions``) with the challenge history and the
privateChallengeParameters, so the client never sees them and any node can go on; it is answered once and
lives for the client's AuthSessionValidity (3 minutes by default). A wrong answer spends it: Define decides
whether a new challenge, with a new Session, follows. Cognito documents no limit on the number of rounds.

As in Cognito: failAuthentication → NotAuthorizedException "Incorrect username or password."; no Define (or
no Create / Verify when one is needed) → InvalidParameterException "Custom auth lambda trigger is not
configured for the user pool."; a response of the wrong shape → InvalidLambdaResponseException;
InitiateAuth's ClientMetadata is not given to Define / Create (the API reference says so), while
RespondToAuthChallenge's reaches all three. After the PASSWORD_VERIFIER, what follows a proven password
applies first (``auth.outcome.signed_in``): NEW_PASSWORD_REQUIRED for a temporary password, the MFA
challenge for a user with MFA, both ending in tokens without asking Define again, as observed of Cognito
(amazon-cognito-identity-js #341, amplify-js #3876); a passwordless sign-in gets no MFA (amplify-js
#12887). Remembered devices apply to the tokens as in SRP sign-ins. Unknown users of a client with
PreventUserExistenceErrors ENABLED go through the triggers with ``userNotFound`` true and fail at the end
like a wrong password.

Differences: Define may name only CUSTOM_CHALLENGE, or PASSWORD_VERIFIER as its first answer of a sign-in
that sent SRP_A; the whole state must fit a Session (2,048 characters), else InvalidLambdaResponseException.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from userpools.auth import srp_flow, unknown_user
from userpools.auth.gate import (
    WRONG_PASSWORD,
    Caller,
    check_hash,
    check_user_state,
    names_user,
    required,
    user_not_found,
)
from userpools.auth.outcome import completed, signed_in
from userpools.auth.sessions import (
    INVALID,
    ChallengeState,
    consume,
    new_state,
    open_session,
    seal_session,
    spent_on_failure,
)
from userpools.domain.user import User, key_of
from userpools.errors import (
    InvalidLambdaResponseException,
    InvalidParameterException,
    NotAuthorizedException,
)
from userpools.operations.context import Context
from userpools.operations.users_core import find_user
from userpools.store.auth_state import SignInSecrets
from userpools.triggers import challenges
from userpools.triggers.authentication import pre_authentication
from userpools.triggers.challenges import Round, Subject
from userpools.triggers.events import UNRECOGNIZABLE

CHALLENGE = "CUSTOM_CHALLENGE"
SRP_A, PASSWORD_VERIFIER = "SRP_A", "PASSWORD_VERIFIER"
MAX_SESSION = 2048  # the model's SessionType length
NEEDS_SRP = (
    "DefineAuthChallenge chose PASSWORD_VERIFIER: send CHALLENGE_NAME=SRP_A and SRP_A in AuthParameters."
)
TOO_LARGE = (
    "The custom challenge does not fit in a Session (2,048 characters): keep privateChallengeParameters, "
    "challengeMetadata and the number of rounds small."
)


@dataclass(frozen=True)
class Flow:
    """A custom sign-in between two steps."""

    user: User | None  # None: an unknown user of a client hiding user existence
    typed: str  # the USERNAME the sign-in started with
    history: tuple[Round, ...]
    srp_a: str | None = None  # InitiateAuth's SRP_A, while Define may still choose PASSWORD_VERIFIER


async def start(ctx: Context, who: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH."""
    challenges.require(who.pool, challenges.DEFINE)
    username = required(params, "USERNAME")
    user = await find_user(ctx, who.rules, username, sign_in=True)
    await check_hash(ctx, who, params, username, user.username if user else "")
    if user is None and not who.prevents_existence_errors:
        raise user_not_found(who)
    if user is not None:
        check_user_state(who, user)
    flow = Flow(user, username, ())
    if params.get("CHALLENGE_NAME") == SRP_A:  # the password first (COGNITO-FACTS §3.6)
        flow = Flow(user, username, (Round(SRP_A, True),), srp_a=required(params, "SRP_A"))
    # Lambda trigger: PreAuthentication, before the first Define (Define and Create get no ClientMetadata
    # at InitiateAuth: API_InitiateAuth).
    await pre_authentication(ctx, who.pool, who.client, user, username=username,
                             client_metadata=who.client_metadata)  # fmt: skip
    return await _proceed(ctx, who, flow, {})


async def answer(
    ctx: Context, who: Caller, responses: dict[str, Any], session: str | None, client_metadata: dict[str, str]
) -> dict[str, Any]:
    """(Admin)RespondToAuthChallenge CUSTOM_CHALLENGE: USERNAME, ANSWER (+SECRET_HASH, DEVICE_KEY)."""
    state = open_session(ctx, session, who.client_id, CHALLENGE)
    username = required(responses, "USERNAME")
    reply = required(responses, "ANSWER")
    await check_hash(ctx, who, responses, username, state.username)
    flow = await _resume(ctx, who, state, username)
    await consume(ctx, state)
    # The Session is spent whatever goes wrong (a function refusing a wrong answer included), so it
    # can't be replayed to guess again.
    with spent_on_failure(ctx):
        private = dict(state.extra["p"])
        correct = await challenges.verify(ctx, who.pool, _subject(who, flow), private, reply, client_metadata)
        done = Round(CHALLENGE, correct, state.extra.get("m"))
        return await _proceed(ctx, who, replace(flow, history=(*flow.history, done)), client_metadata)


async def password_verified(
    ctx: Context,
    who: Caller,
    user: User,
    secrets: SignInSecrets,
    state: ChallengeState,
    client_metadata: dict[str, str],
) -> dict[str, Any]:
    """Called by ``auth.srp_flow`` once the PASSWORD_VERIFIER of a CUSTOM_AUTH sign-in is proven."""
    history = (*_rounds(state.extra[srp_flow.CUSTOM_HISTORY]), Round(PASSWORD_VERIFIER, True))
    flow = Flow(user, user.username, history)
    return await signed_in(ctx, who, user, secrets, then=lambda: _proceed(ctx, who, flow, client_metadata))


async def _proceed(ctx: Context, who: Caller, flow: Flow, client_metadata: dict[str, str]) -> dict[str, Any]:
    """Asks DefineAuthChallenge what follows ``flow.history``, and does it."""
    decision = await challenges.define(ctx, who.pool, _subject(who, flow), flow.history, client_metadata)
    if decision.fail:
        raise NotAuthorizedException(WRONG_PASSWORD)
    if decision.issue_tokens:
        if flow.user is None:
            raise NotAuthorizedException(WRONG_PASSWORD)  # an unknown user never signs in
        return await completed(ctx, who, flow.user)  # PostAuthentication runs there
    if decision.challenge == CHALLENGE:
        return await _custom_challenge(ctx, who, flow, client_metadata)
    if decision.challenge == PASSWORD_VERIFIER:
        if flow.srp_a is not None:
            rows = {srp_flow.CUSTOM_HISTORY: _rows(flow.history)}
            return await srp_flow.password_verifier(ctx, who, flow.typed, flow.user, flow.srp_a, **rows)
        if not flow.history:
            raise InvalidParameterException(NEEDS_SRP)
    raise InvalidLambdaResponseException(UNRECOGNIZABLE)


async def _custom_challenge(
    ctx: Context, who: Caller, flow: Flow, client_metadata: dict[str, str]
) -> dict[str, Any]:
    """CreateAuthChallenge's challenge: its public parameters (+USERNAME) and a Session sealing the rest."""
    made = await challenges.create(
        ctx, who.pool, _subject(who, flow), CHALLENGE, flow.history, client_metadata
    )
    user_id = flow.user.id if flow.user else None
    shown = flow.user.username if flow.user else _simulated_name(ctx, who, flow.typed)
    extra = {} if flow.user else {"t": flow.typed}
    state = new_state(
        ctx, CHALLENGE, who.client, user_id, shown,
        h=_rows(flow.history), p=made.private, m=made.metadata, **extra,
    )  # fmt: skip
    session = seal_session(ctx, state)
    if len(session) > MAX_SESSION:
        raise InvalidLambdaResponseException(TOO_LARGE)
    return {
        "ChallengeName": CHALLENGE,
        "Session": session,
        "ChallengeParameters": {**made.public, "USERNAME": shown},
    }


async def _resume(ctx: Context, who: Caller, state: ChallengeState, username: str) -> Flow:
    """The sign-in a Session continues, once USERNAME names its user (else the Session is not theirs)."""
    history = _rounds(state.extra.get("h"))
    if state.user_id is None:
        typed = str(state.extra.get("t", ""))
        mine = {state.username, key_of(typed, who.rules.case_sensitive)}
        if username not in mine and key_of(username, who.rules.case_sensitive) not in mine:
            raise NotAuthorizedException(INVALID)
        return Flow(None, typed, history)
    user = await ctx.uow.users.by_id(state.user_id)
    if user is None or not await names_user(ctx, who, username, user):
        raise NotAuthorizedException(INVALID)
    check_user_state(who, user)
    return Flow(user, user.username, history)


def _simulated_name(ctx: Context, who: Caller, typed: str) -> str:
    """USERNAME for an unknown user: the stable UUID-like name it gets in SRP too (``auth.unknown_user``)."""
    return unknown_user.fake_user_id(ctx, who.rules.pool_id, key_of(typed, who.rules.case_sensitive))


def _subject(who: Caller, flow: Flow) -> Subject:
    if flow.user is None:
        return Subject(flow.typed, {}, not_found=True, client_id=who.client_id)
    attributes = dict(flow.user.attributes) | {"cognito:user_status": flow.user.status}
    return Subject(flow.user.username, attributes, not_found=False, client_id=who.client_id)


def _rows(history: tuple[Round, ...]) -> list[list[Any]]:
    return [[r.name, r.result, r.metadata] for r in history]


def _rounds(rows: Any) -> tuple[Round, ...]:
    return tuple(
        Round(str(name), bool(result), None if meta is None else str(meta))
        for name, result, meta in rows or ()
    )
