"""Signing in on the hosted pages with the API's own machinery, ending in the authorize answer.

The password is checked by ``auth.password.sign_in`` (USER_PASSWORD_AUTH's code path): lockout, user
states, PreAuthentication / PostAuthentication / UserMigration triggers and every error text are the
API's. The difference is the ``Caller``: ``hosted_caller`` sets ``Caller.hosted``, so no SECRET_HASH is
asked and, once every factor is proven, ``auth.outcome.completed`` calls ``finish`` instead of issuing
API tokens: it starts the hosted session and answers the pending authorize request (``grant``: a code
or implicit tokens).

A step after the password (NEW_PASSWORD_REQUIRED, an MFA challenge) comes back as the API's challenge
(``ChallengeName``, ``Session``); a page for it answers with the API's answer function
(``auth.new_password.answer``, ``auth.mfa_answer.answer``) called with ``hosted_caller``'s Caller and
reads the result with ``outcome``, exactly like the password step.

``after_sign_up`` signs in a user who has just signed up and confirmed the account in the same browser
(the sign-up ticket of ``oauth2.accounts`` stands for the password given at sign-up); after a password
reset the pages sign in with the new password through ``with_password``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from userpools.auth import password
from userpools.auth.gate import WRONG_PASSWORD, Caller, caller, check_user_state
from userpools.auth.outcome import signed_in
from userpools.domain.user import User
from userpools.errors import NotAuthorizedException
from userpools.oauth2.authorize import AuthorizeRequest, grant_new_session
from userpools.oauth2.session import HostedSession
from userpools.oauth2.sites import Site
from userpools.operations.context import Context
from userpools.triggers.authentication import pre_authentication

_DONE = "HostedSignIn"


@dataclass(frozen=True)
class SignInOutcome:
    """A finished sign-in (``location`` and ``session``), or the API challenge that must come first."""

    location: str | None = None
    session: HostedSession | None = None
    challenge: dict[str, Any] | None = None  # ChallengeName, Session, ChallengeParameters


async def hosted_caller(ctx: Context, site: Site, request: AuthorizeRequest) -> Caller:
    """The API Caller of a hosted sign-in for ``request`` (its client, no ClientMetadata)."""

    async def finish(ctx: Context, user: User) -> dict[str, Any]:
        location, session = await grant_new_session(ctx, site, request, user, ctx.now, who.pool)
        return {_DONE: SignInOutcome(location=location, session=session)}

    who = await caller(ctx, str(request.client["ClientId"]), None)
    return dataclasses.replace(who, hosted=finish)


def outcome(result: dict[str, Any]) -> SignInOutcome:
    """What a hosted Caller's sign-in step answered: done, or a challenge."""
    done = result.get(_DONE)
    if isinstance(done, SignInOutcome):
        return done
    return SignInOutcome(challenge=result)


async def with_password(
    ctx: Context, site: Site, request: AuthorizeRequest, username: str, secret: str
) -> SignInOutcome:
    """The /login form: USER_PASSWORD_AUTH's checks, then the session and the authorize answer."""
    who = await hosted_caller(ctx, site, request)
    return outcome(await password.sign_in(ctx, who, {"USERNAME": username, "PASSWORD": secret}))


async def after_sign_up(
    ctx: Context, site: Site, request: AuthorizeRequest, username: str, sub: str
) -> SignInOutcome:
    """The sign-in that follows a confirmed sign-up: what a password sign-in does, less the password.

    PreAuthentication and the user's state are checked as for ``with_password``, then what follows a proven
    password (``auth.outcome.signed_in``: MFA or MFA set-up, PostAuthentication, the authorize answer).
    """
    who = await hosted_caller(ctx, site, request)
    user = await ctx.uow.users.by_sub(site.pool_id, sub)
    # Lambda trigger: PreAuthentication
    await pre_authentication(ctx, who.pool, who.client, user, username=username, client_metadata=None)
    if user is None:
        raise NotAuthorizedException(WRONG_PASSWORD)
    check_user_state(who, user)
    secrets = await ctx.uow.auth.sign_in_secrets(user.id)
    if secrets is None:
        raise NotAuthorizedException(WRONG_PASSWORD)
    return outcome(await signed_in(ctx, who, user, secrets))
