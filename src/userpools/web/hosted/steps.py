"""Sign-in steps after the password: ``/forceChangePassword`` (NEW_PASSWORD_REQUIRED), ``/mfa`` (SMS_MFA,
EMAIL_OTP, SOFTWARE_TOKEN_MFA, and SELECT_MFA_TYPE: choosing one of them) and ``/mfaSetup`` (MFA_SETUP, see
``mfa_setup``), and finishing a hosted sign-in.

Each step answers the API challenge with the API's own function (``auth.new_password.answer``,
``auth.mfa_answer.answer``) and the hosted Caller (``oauth2.signin``), so the rules, texts and triggers
are the API's. A step page keeps the challenge's sealed ``Session``, the name the user typed and the
challenge name in hidden fields, the authorize parameters in its action URL, and a CSRF token. A refused
new password, factor choice or set-up code shows the page again (the Session stays usable, as in the
API); a wrong code spends the Session, so the user starts again at ``/login`` with the error shown, as
does a Session that is no longer valid. Other steps (CUSTOM_CHALLENGE, device challenges) get a page
saying they are not offered.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from userpools.auth import mfa, mfa_answer, new_password
from userpools.errors import NotAuthorizedException, ServiceError
from userpools.oauth2 import authorize as authz
from userpools.oauth2 import signin
from userpools.oauth2.errors import PageError
from userpools.oauth2.sites import Site
from userpools.operations.context import Context
from userpools.web.hosted import mfa_setup
from userpools.web.hosted.forms import (
    action,
    csrf_cookie,
    csrf_token,
    csrf_valid,
    login_page,
    set_csrf,
    shown,
    signed_in,
)
from userpools.web.hosted.place import Place, form, query, run
from userpools.web.hosted.render import page
from userpools.web.hosted.responses import page_handler

NEW_PASSWORD = "NEW_PASSWORD_REQUIRED"
UNSUPPORTED_STEP = (
    "Your account needs a further sign-in step ({step}) that these hosted pages do not offer yet. "
    "Sign in through your app instead."
)
PASSWORDS_DIFFER = "The two passwords are not the same."
STALE_FORM = "This sign-in form has expired. Please sign in again."
FACTORS = {  # SELECT_MFA_TYPE's choices, as the page words them
    mfa.SOFTWARE_TOKEN_MFA: "Authenticator app",
    mfa.SMS_MFA: "Text message (SMS)",
    mfa.EMAIL_OTP: "Email",
}


@dataclass(frozen=True)
class Step:
    path: str
    title: str
    template: str = "challenge.html"


STEPS = {
    NEW_PASSWORD: Step("/forceChangePassword", "Change your password"),
    mfa.SOFTWARE_TOKEN_MFA: Step("/mfa", "Enter your authentication code"),
    mfa.SMS_MFA: Step("/mfa", "Enter your authentication code"),
    mfa.EMAIL_OTP: Step("/mfa", "Enter your authentication code"),
    mfa.SELECT_MFA_TYPE: Step("/mfa", "Choose how to verify your sign-in", "select_mfa.html"),
    mfa.MFA_SETUP: Step("/mfaSetup", "Set up your authenticator app", "mfa_setup.html"),
}
# Steps whose Session survives a refused answer: their page is shown again with the error.
RETRY = frozenset({NEW_PASSWORD, mfa.SELECT_MFA_TYPE, mfa.MFA_SETUP})


def _hint(challenge: Mapping[str, Any]) -> str:
    if challenge.get("ChallengeName") == "SOFTWARE_TOKEN_MFA":
        return "Enter the code shown by your authenticator app."
    destination = (challenge.get("ChallengeParameters") or {}).get("CODE_DELIVERY_DESTINATION")
    return f"We sent a code to {destination}." if destination else "Enter the code we sent you."


def _required(challenge: Mapping[str, Any]) -> list[str]:
    """The attributes NEW_PASSWORD_REQUIRED asks for (``requiredAttributes``), without the prefix."""
    try:
        names = json.loads((challenge.get("ChallengeParameters") or {}).get("requiredAttributes") or "[]")
    except ValueError:
        return []
    return [n.removeprefix(new_password.PREFIX) for n in names if isinstance(n, str)]


def _choices(challenge: Mapping[str, Any]) -> list[tuple[str, str]]:
    """SELECT_MFA_TYPE's factors (``MFAS_CAN_CHOOSE``) with their labels."""
    try:
        names = json.loads((challenge.get("ChallengeParameters") or {}).get("MFAS_CAN_CHOOSE") or "[]")
    except ValueError:
        return []
    return [(n, FACTORS[n]) for n in names if n in FACTORS]


async def show(
    request: Request, place: Place, request_: authz.AuthorizeRequest, challenge: Mapping[str, Any],
    username: str, *, error: str = "", status: int = 200,
) -> Response:  # fmt: skip
    """The page of ``challenge``'s step (PageError "not offered yet" for other challenges)."""
    name = str(challenge.get("ChallengeName", ""))
    step = STEPS.get(name)
    if step is None:
        raise PageError("unsupported_challenge", UNSUPPORTED_STEP.format(step=name or "unknown"), status=501)
    cookie = csrf_cookie(request)
    required, choices = _required(challenge), _choices(challenge)
    values = {"session": challenge.get("Session", "")}
    if name == mfa.MFA_SETUP:  # a secret for the app (AssociateSoftwareToken), unless already shown
        values = await mfa_setup.prepare(request, place, challenge, username)
    response = await page(
        request, place, step.template, title=step.title, status=status,
        client_id=str(request_.client["ClientId"]), action=action(place, step.path, request_), error=error,
        challenge=name, username=username, hint=_hint(challenge),
        new_password=name == NEW_PASSWORD, required=required,
        required_json=json.dumps([new_password.PREFIX + n for n in required]),
        choices=choices, choices_json=json.dumps([n for n, _ in choices]),
        csrf=csrf_token(request, place, cookie), **values,
    )  # fmt: skip
    set_csrf(response, place, cookie)
    return response


async def finish(
    request: Request,
    place: Place,
    request_: authz.AuthorizeRequest,
    outcome: signin.SignInOutcome,
    username: str,
) -> Response:
    """After a sign-in step: the next step's page, or the callback with the session cookie."""
    if outcome.challenge is not None:
        return await show(request, place, request_, outcome.challenge, username)
    assert outcome.location is not None and outcome.session is not None
    return signed_in(request, place, outcome.location, outcome.session)


async def continue_sign_in(
    request: Request,
    place: Place,
    request_: authz.AuthorizeRequest,
    username: str,
    work: Callable[[Context, authz.AuthorizeRequest], Awaitable[signin.SignInOutcome]],
) -> Response:
    """Signs in after an account page (a confirmed sign-up, a new password): ``work`` with the authorize
    request validated again in its transaction, then ``finish``; a refusal shows the sign-in form."""

    async def checked(ctx: Context) -> signin.SignInOutcome:
        return await work(ctx, await authz.validate(ctx, place.site, request_.params))

    try:
        outcome = await run(request, place, checked)
    except ServiceError as exc:
        error = shown(exc).message
        return await login_page(request, place, request_, error=error, status=400, username=username)
    return await finish(request, place, request_, outcome, username)


async def password_sign_in(
    request: Request, place: Place, request_: authz.AuthorizeRequest, username: str, password: str
) -> Response:
    """``continue_sign_in`` with a password the user has just chosen (USER_PASSWORD_AUTH's checks)."""
    return await continue_sign_in(
        request, place, request_, username,
        lambda ctx, fresh: signin.with_password(ctx, place.site, fresh, username, password),
    )  # fmt: skip


async def _answer(
    ctx: Context, site: Site, params: dict[str, str], fields: dict[str, str]
) -> signin.SignInOutcome:
    who = await signin.hosted_caller(ctx, site, await authz.validate(ctx, site, params))
    name, token, username = fields.get("challenge", ""), fields.get("session"), fields.get("username", "")
    if name == NEW_PASSWORD:
        responses = {"USERNAME": username, "NEW_PASSWORD": fields.get("new_password", "")}
        responses.update({k: v for k, v in fields.items() if k.startswith(new_password.PREFIX)})
        return signin.outcome(await new_password.answer(ctx, who, responses, token))
    responses = {"USERNAME": username}
    if name == mfa.SELECT_MFA_TYPE:
        responses["ANSWER"] = fields.get("answer", "")
    elif name in mfa_answer.CODE_RESPONSE:
        responses[mfa_answer.CODE_RESPONSE[name]] = fields.get("code", "").strip()
    elif name != mfa.MFA_SETUP:  # MFA_SETUP: the token verified by mfa_setup.verify is the answer
        raise PageError("invalid_request", "This sign-in step does not exist.")
    return signin.outcome(await mfa_answer.answer(ctx, who, name, responses, token))


@page_handler
async def step(request: Request, place: Place) -> Response:
    """The POST of a step page (both paths)."""
    params, fields = query(request), await form(request)
    request_ = await run(request, place, lambda ctx: authz.validate(ctx, place.site, params), write=False)
    name, username = fields.get("challenge", ""), fields.get("username", "")
    challenge = {
        "ChallengeName": name, "Session": fields.get("session", ""), mfa_setup.SEALED: fields.get("setup"),
        "ChallengeParameters": {"requiredAttributes": fields.get("required_attributes", "[]"),
                                "MFAS_CAN_CHOOSE": fields.get("choices", "[]")},
    }  # fmt: skip
    if not csrf_valid(request, place, fields):
        return await login_page(request, place, request_, error=STALE_FORM, status=403, username=username)
    if name == NEW_PASSWORD and fields.get("new_password") != fields.get("confirm_password"):
        return await show(request, place, request_, challenge, username, error=PASSWORDS_DIFFER, status=400)
    try:
        if name == mfa.MFA_SETUP:  # VerifySoftwareToken first: its new Session answers MFA_SETUP
            fields = {**fields, "session": await mfa_setup.verify(request, place, fields)}
        outcome = await run(request, place, lambda ctx: _answer(ctx, place.site, params, fields))
    except ServiceError as exc:
        if isinstance(exc, (PageError, authz.AuthorizeError)):
            raise
        if name in RETRY and not isinstance(exc, NotAuthorizedException):  # the Session is still good
            return await show(request, place, request_, challenge, username, error=exc.message, status=400)
        # A wrong code spends the Session (and an expired one is gone): sign in again.
        return await login_page(request, place, request_, error=exc.message, status=400, username=username)
    return await finish(request, place, request_, outcome, username)
