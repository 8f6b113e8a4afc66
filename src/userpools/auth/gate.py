"""What every sign-in step checks first: the app client and its allowed flows, parameters, user state.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
(ExplicitAuthFlows, SECRET_HASH, PreventUserExistenceErrors, user status errors). Texts are Cognito's
(COGNITO-FACTS §1.9, §5.1, §5.7, §6.1).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from userpools.auth.secret_hash import check_secret_hash
from userpools.domain.user import RESET_REQUIRED, UNCONFIRMED, User, key_of
from userpools.domain.user_pool_rules import PoolRules, pool_rules
from userpools.errors import (
    InvalidParameterException,
    NotAuthorizedException,
    PasswordResetRequiredException,
    UserNotConfirmedException,
    UserNotFoundException,
)
from userpools.operations.clients import client_not_found, load_client
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.users_core import find_user

WRONG_PASSWORD = "Incorrect username or password."
CUSTOM_ONLY = "Only custom auth (lambda driven) is enabled for this client."  # legacy CUSTOM_AUTH_FLOW_ONLY
# Legacy ExplicitAuthFlows values and the ALLOW_ value each stands for.
LEGACY = {
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY": "ALLOW_CUSTOM_AUTH",
}
# The ALLOW_ value an AuthFlow needs.
NEEDS = {
    "USER_SRP_AUTH": "ALLOW_USER_SRP_AUTH",
    "USER_PASSWORD_AUTH": "ALLOW_USER_PASSWORD_AUTH",
    "ADMIN_USER_PASSWORD_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ADMIN_NO_SRP_AUTH": "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "REFRESH_TOKEN_AUTH": "ALLOW_REFRESH_TOKEN_AUTH",
    "REFRESH_TOKEN": "ALLOW_REFRESH_TOKEN_AUTH",
    "CUSTOM_AUTH": "ALLOW_CUSTOM_AUTH",
    "USER_AUTH": "ALLOW_USER_AUTH",
}


# Finishes a hosted UI sign-in once every factor is proven (userpools.oauth2.signin): the session and the
# authorization code or tokens of the pending /oauth2/authorize request, instead of the API's tokens.
HostedFinish = Callable[[Context, User], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Caller:
    """The pool and app client a sign-in request runs against."""

    pool: dict[str, Any]
    rules: PoolRules
    client: dict[str, Any]
    admin: bool  # AdminInitiateAuth / AdminRespondToAuthChallenge (SigV4-signed)
    # The request's ClientMetadata: the sign-in triggers' validationData / clientMetadata.
    client_metadata: dict[str, str] = field(default_factory=dict)
    # Set by the hosted sign-in pages: no SECRET_HASH is asked (the client authenticates at the token
    # endpoint), and ``auth.outcome.completed`` / ``auth.new_password.answer`` call it instead of issuing
    # tokens.
    hosted: HostedFinish | None = None
    # The request's ContextData (admin) or UserContextData: threat protection's IP and device signals.
    context_data: dict[str, Any] | None = None

    @property
    def client_id(self) -> str:
        return str(self.client["ClientId"])

    @property
    def prevents_existence_errors(self) -> bool:
        return self.client.get("PreventUserExistenceErrors") == "ENABLED"


async def caller(
    ctx: Context,
    client_id: str,
    pool_id: str | None,
    metadata: Mapping[str, str] | None = None,
    username: object = None,
    context_data: dict[str, Any] | None = None,
) -> Caller:
    """The client (any pool for the public operations; ``pool_id``'s for the admin ones) and its pool.

    ``metadata`` is the request's ClientMetadata, passed on to the Lambda triggers of the sign-in.
    ``context_data``: the request's ContextData or UserContextData (``auth.risk_signals``).
    ``username``: the USERNAME the sign-in names; the user holding it (as typed, or lower-cased for a
    case-insensitive pool) is read in the same query, for ``find_user(..., sign_in=True)``.
    """
    keys = (username, username.lower()) if isinstance(username, str) and username else ()
    found = await ctx.uow.clients.with_pool(client_id, pool_id, keys)
    if found is not None:
        client, pool = found
    elif pool_id is None:
        raise client_not_found(client_id)
    else:  # which of the two is missing, in Cognito's words
        pool = await load_pool(ctx, pool_id)
        client = await load_client(ctx, pool_id, client_id)
    return Caller(
        pool,
        pool_rules(pool),
        client,
        admin=pool_id is not None,
        client_metadata=dict(metadata or {}),
        context_data=context_data,
    )


def allowed_flows(client: dict[str, Any]) -> set[str]:
    """The ALLOW_ flows of a client. Legacy-valued (or empty) lists keep the old implicit SRP and refresh."""
    flows = client.get("ExplicitAuthFlows")
    if flows is None:
        return {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"}
    if any(f.startswith("ALLOW_") for f in flows):
        return set(flows)
    allowed = {LEGACY[f] for f in flows if f in LEGACY} | {"ALLOW_REFRESH_TOKEN_AUTH"}
    if "CUSTOM_AUTH_FLOW_ONLY" not in flows:
        allowed.add("ALLOW_USER_SRP_AUTH")
    return allowed


def require_flow(client: dict[str, Any], flow: str) -> None:
    if NEEDS[flow] not in allowed_flows(client):
        if "CUSTOM_AUTH_FLOW_ONLY" in (client.get("ExplicitAuthFlows") or ()):
            raise InvalidParameterException(CUSTOM_ONLY)
        raise InvalidParameterException(f"{flow} flow not enabled for this client")


def required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if not value:
        raise InvalidParameterException(f"Missing required parameter {name}")
    return str(value)


async def check_hash(ctx: Context, who: Caller, params: dict[str, Any], *names: str) -> None:
    """SECRET_HASH of a secret client, computed over any of ``names`` (typed name, internal username).

    Hosted UI sign-ins carry none: there the client proves itself with its secret at ``/oauth2/token``.
    """
    if who.hosted is not None:
        return
    await check_secret_hash(
        ctx, who.client, [n for n in dict.fromkeys(names) if n], params.get("SECRET_HASH")
    )


def user_not_found(who: Caller) -> Exception:
    """An unknown user: UserNotFoundException, or a wrong-password look-alike when existence is hidden."""
    if who.prevents_existence_errors:
        return NotAuthorizedException(WRONG_PASSWORD)
    return UserNotFoundException("User does not exist.")


def check_user_state(who: Caller, user: User) -> None:
    """Refuses disabled, unconfirmed and reset-required users before any password is looked at."""
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if user.status == UNCONFIRMED:
        raise UserNotConfirmedException("User is not confirmed.")
    if user.status == RESET_REQUIRED:
        if who.prevents_existence_errors:
            raise NotAuthorizedException(WRONG_PASSWORD)
        raise PasswordResetRequiredException("Password reset required for the user")


async def names_user(ctx: Context, who: Caller, username: str, user: User) -> bool:
    """True when a challenge answer's USERNAME is the challenged user: its internal name or an alias."""
    if key_of(username, who.rules.case_sensitive) == key_of(user.username, who.rules.case_sensitive):
        return True
    other = await find_user(ctx, who.rules, username)
    return other is not None and other.id == user.id
