"""Challenge state carried by the client: sealed Session values and SRP SECRET_BLOCKs, each single-use.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
A challenge's state (who, which pool and client, until when, and what the next step needs) is sealed
with AES-GCM under a key derived from the server master key, bound to the app client as associated
data, so any node can continue the flow and nothing is kept per pending challenge. Once answered, its
random id is recorded until it expires (``AuthStateRepo.use_once``): a replay fails on every node.
Sessions live for the client's AuthSessionValidity (3-15 minutes, default 3).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from userpools.errors import NotAuthorizedException, ServiceError
from userpools.operations.context import Context

SESSION_PURPOSE = "auth-session"
SECRET_BLOCK_PURPOSE = "srp-secret-block"
DEFAULT_VALIDITY_MINUTES = 3
INVALID = "Invalid session for the user."
EXPIRED = "Invalid session for the user, session is expired."
_PURGE_ONE_IN = 32  # forget expired used-markers on about one answer in 32


@dataclass(frozen=True)
class ChallengeState:
    """What a pending challenge knows. ``user_id`` None marks a simulated challenge (unknown user)."""

    kind: str  # the ChallengeName it answers
    pool_id: str
    client_id: str
    user_id: int | None
    username: str  # internal username (USER_ID_FOR_SRP)
    expires: float
    sid: str  # random id, recorded once answered
    extra: dict[str, Any]


def validity_seconds(client: dict[str, Any]) -> float:
    return 60.0 * int(client.get("AuthSessionValidity") or DEFAULT_VALIDITY_MINUTES)


def new_state(
    ctx: Context, kind: str, client: dict[str, Any], user_id: int | None, username: str, **extra: Any
) -> ChallengeState:
    return ChallengeState(
        kind=kind,
        pool_id=str(client["UserPoolId"]),
        client_id=str(client["ClientId"]),
        user_id=user_id,
        username=username,
        expires=ctx.now + validity_seconds(client),
        sid=ctx.random.token_bytes(16).hex(),
        extra=extra,
    )


def _encode(state: ChallengeState) -> bytes:
    doc = {"k": state.kind, "p": state.pool_id, "u": state.user_id, "n": state.username,
           "e": state.expires, "s": state.sid, "x": state.extra}  # fmt: skip
    return json.dumps(doc, separators=(",", ":")).encode()


def _decode(raw: bytes, client_id: str) -> ChallengeState | None:
    try:
        doc = json.loads(raw)
        return ChallengeState(doc["k"], doc["p"], client_id, doc["u"], doc["n"], float(doc["e"]), doc["s"],
                              dict(doc["x"]))  # fmt: skip
    except (ValueError, KeyError, TypeError):
        return None


def seal_session(ctx: Context, state: ChallengeState) -> str:
    """The ``Session`` value for ``state`` (URL-safe base64, well within the model's 2,048 characters)."""
    return ctx.services.sealer.seal(SESSION_PURPOSE, _encode(state), state.client_id.encode())


def seal_secret_block(ctx: Context, state: ChallengeState) -> str:
    """The SRP ``SECRET_BLOCK``: standard base64, since clients base64-decode it into the signed message."""
    sealed = ctx.services.sealer.seal(SECRET_BLOCK_PURPOSE, _encode(state), state.client_id.encode())
    return base64.b64encode(_unurlsafe(sealed)).decode()


def secret_block_bytes(secret_block: str) -> bytes | None:
    """The bytes clients sign (they base64-decode SECRET_BLOCK); None when it is not base64."""
    try:
        return base64.b64decode(secret_block, validate=True)
    except (binascii.Error, ValueError):
        return None


def _unurlsafe(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def open_session(ctx: Context, token: str | None, client_id: str, kind: str) -> ChallengeState:
    """The live state of a ``Session`` for this client and challenge, or NotAuthorizedException."""
    raw = ctx.services.sealer.open(SESSION_PURPOSE, token or "", client_id.encode())
    return _live(ctx, raw, client_id, kind, INVALID)


def open_secret_block(ctx: Context, block: bytes, client_id: str, invalid_message: str) -> ChallengeState:
    """The live state sealed in an SRP SECRET_BLOCK (its decoded bytes), or NotAuthorizedException."""
    token = base64.urlsafe_b64encode(block).decode().rstrip("=")
    raw = ctx.services.sealer.open(SECRET_BLOCK_PURPOSE, token, client_id.encode())
    return _live(ctx, raw, client_id, "PASSWORD_VERIFIER", invalid_message)


def _live(ctx: Context, raw: bytes | None, client_id: str, kind: str, invalid: str) -> ChallengeState:
    state = None if raw is None else _decode(raw, client_id)
    if state is None or state.kind != kind:
        raise NotAuthorizedException(invalid)
    if ctx.now >= state.expires:
        raise NotAuthorizedException(EXPIRED)
    return state


async def consume(ctx: Context, state: ChallengeState) -> None:
    """Marks the challenge answered; a second answer (on any node) gets NotAuthorizedException."""
    repo = ctx.uow.auth
    if ctx.random.token_bytes(1)[0] < 256 // _PURGE_ONE_IN:
        await repo.purge_used(ctx.now)
    if not await repo.use_once(state.sid, state.expires):
        raise NotAuthorizedException(INVALID)


@contextlib.contextmanager
def spent_on_failure(ctx: Context) -> Iterator[None]:
    """Around the rest of an answer after ``consume``: whatever service error it raises, the challenge
    stays spent (the transaction, with the record of the answer, commits before the error is answered)."""
    try:
        yield
    except ServiceError as exc:
        if exc is not ctx.committed_failure:
            ctx.fail_after_commit(exc)
        raise
