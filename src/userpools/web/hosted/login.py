"""``/login``: the hosted sign-in page (GET shows the form, POST checks username and password).

https://docs.aws.amazon.com/cognito/latest/developerguide/login-endpoint.html. The page takes the
authorize parameters (the form posts back to the same URL) and validates them like ``/oauth2/authorize``
(a bad client or redirect_uri is an error page). A GET with a live session answers at once, as
Cognito's does, unless ``prompt`` asks for a new sign-in. The POST needs the CSRF token (``forms``),
then signs in with the API's machinery (``oauth2.signin``); its errors (``Incorrect username or
password.``, ``Password attempts exceeded``, a Lambda trigger's refusal ...) are shown on the form, but
an unconfirmed user gets a new code and the confirmation page (``signup.confirm_unconfirmed``). On
success the session cookie is set and the browser goes to the callback with a code or tokens; a
challenge (new password, MFA code) continues on its step page (``steps``). The page links the client's
external identity providers (``provider_links``); a client without ``COGNITO`` gets those links only.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import ServiceError, UserNotConfirmedException
from userpools.oauth2 import authorize as authz
from userpools.oauth2 import providers, signin
from userpools.oauth2.errors import PageError
from userpools.operations.context import Context
from userpools.web.hosted import signup, steps
from userpools.web.hosted.endpoints import session_of
from userpools.web.hosted.forms import csrf_valid, login_page
from userpools.web.hosted.place import Place, form, query, run
from userpools.web.hosted.provider_links import NO_SIGN_IN, choose
from userpools.web.hosted.responses import page_handler, redirect

MISSING = "Enter your username and password."
NO_USER_POOL_SIGN_IN = NO_SIGN_IN


def _check_cognito(request_: authz.AuthorizeRequest) -> None:
    if providers.COGNITO not in providers.supported(request_.client):
        raise PageError("invalid_request", NO_USER_POOL_SIGN_IN)


@page_handler
async def login(request: Request, place: Place) -> Response:
    if request.method == "POST":
        return await _submit(request, place)
    params = query(request)
    current = session_of(request, place)

    async def work(ctx: Context) -> tuple[authz.AuthorizeRequest, authz.Decision]:
        request_ = await authz.validate(ctx, place.site, params)
        return request_, await authz.decide(ctx, place.site, request_, current)

    request_, decision = await run(request, place, work)
    if decision.location is not None:
        return redirect(decision.location)
    if providers.COGNITO not in providers.supported(request_.client):
        return await choose(request, place, request_)  # external identity providers only
    return await login_page(request, place, request_)


async def _submit(request: Request, place: Place) -> Response:
    params, fields = query(request), await form(request)
    request_ = await run(request, place, lambda ctx: authz.validate(ctx, place.site, params), write=False)
    _check_cognito(request_)
    username, password = fields.get("username", "").strip(), fields.get("password", "")
    if not csrf_valid(request, place, fields):
        return await login_page(
            request, place, request_, error=steps.STALE_FORM, status=403, username=username
        )
    if not username or not password:
        return await login_page(request, place, request_, error=MISSING, status=400, username=username)

    async def work(ctx: Context) -> signin.SignInOutcome:
        # Validated again inside the sign-in's transaction: the client may have changed meanwhile.
        request_ = await authz.validate(ctx, place.site, params)
        return await signin.with_password(ctx, place.site, request_, username, password)

    try:
        outcome = await run(request, place, work)
    except UserNotConfirmedException:
        return await signup.confirm_unconfirmed(request, place, request_, username)
    except ServiceError as exc:
        if isinstance(exc, (PageError, authz.AuthorizeError)):
            raise
        return await login_page(request, place, request_, error=exc.message, status=400, username=username)
    return await steps.finish(request, place, request_, outcome, username)
