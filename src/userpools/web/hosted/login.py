"""``/login``: the hosted sign-in page (GET shows the form, POST checks username and password).

https://docs.aws.amazon.com/cognito/latest/developerguide/login-endpoint.html. The page takes the
authorize parameters (the form posts back to the same URL) and validates them like ``/oauth2/authorize``
(a bad client or redirect_uri is an error page). A GET with a live session answers at once, as
Cognito's does, unless ``prompt`` asks for a new sign-in. The POST needs the CSRF token
(``oauth2.session``), then signs in with the API's machinery (``oauth2.signin``); its errors
(``Incorrect username or password.``, ``Password attempts exceeded``, a Lambda trigger's refusal ...)
are shown on the form. On success the session cookie is set and the browser goes to the callback with
a code or tokens. A challenge (new password, MFA) gets a page that says it is not available here yet.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import ServiceError
from userpools.oauth2 import authorize as authz
from userpools.oauth2 import providers, session, signin
from userpools.oauth2.errors import PageError
from userpools.operations.context import Context
from userpools.web.hosted.endpoints import session_of
from userpools.web.hosted.place import Place, form, query, run, services_of
from userpools.web.hosted.render import page
from userpools.web.hosted.responses import page_handler, redirect

TITLE = "Sign in"
STALE_FORM = "This sign-in form has expired. Please sign in again."
UNSUPPORTED_STEP = (
    "Your account needs a further sign-in step ({step}) that these hosted pages do not offer yet. "
    "Sign in through your app instead."
)


def _cookie_value(request: Request) -> str:
    value = request.cookies.get(session.CSRF_COOKIE)
    if value:
        return value
    return base64.urlsafe_b64encode(services_of(request).random.token_bytes(24)).decode().rstrip("=")


async def _form_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, *, error: str = "", status: int = 200,
    username: str = "",
) -> Response:  # fmt: skip
    sealer = services_of(request).sealer
    cookie = _cookie_value(request)
    response = await page(
        request, place, "login.html", title=TITLE, status=status, client_id=str(request_.client["ClientId"]),
        action=f"{place.link('/login')}?{urlencode(request_.params)}", error=error,
        csrf=session.csrf_token(sealer, place.site.domain, cookie),
        username=username or request_.login_hint or "",
    )  # fmt: skip
    response.set_cookie(
        session.CSRF_COOKIE,
        cookie,
        path=place.cookie_path,
        secure=place.secure,
        httponly=True,
        samesite="lax",
    )
    return response


def _check_cognito(request_: authz.AuthorizeRequest) -> None:
    if providers.COGNITO not in providers.supported(request_.client):
        raise PageError(
            "invalid_request", "This app client does not allow signing in with a user pool account."
        )


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
    _check_cognito(request_)
    return await _form_page(request, place, request_)


async def _submit(request: Request, place: Place) -> Response:
    params, fields = query(request), await form(request)
    request_ = await run(request, place, lambda ctx: authz.validate(ctx, place.site, params), write=False)
    _check_cognito(request_)
    username, password = fields.get("username", "").strip(), fields.get("password", "")
    sealer = services_of(request).sealer
    if not session.csrf_ok(
        sealer, place.site.domain, request.cookies.get(session.CSRF_COOKIE), fields.get("_csrf")
    ):
        return await _form_page(request, place, request_, error=STALE_FORM, status=403, username=username)
    if not username or not password:
        error = "Enter your username and password."
        return await _form_page(request, place, request_, error=error, status=400, username=username)

    async def work(ctx: Context) -> signin.SignInOutcome:
        # Validated again inside the sign-in's transaction: the client may have changed meanwhile.
        return await signin.with_password(
            ctx, place.site, await authz.validate(ctx, place.site, params), username, password
        )

    try:
        outcome = await run(request, place, work)
    except ServiceError as exc:
        if isinstance(exc, (PageError, authz.AuthorizeError)):
            raise
        return await _form_page(request, place, request_, error=exc.message, status=400, username=username)
    if outcome.challenge is not None:
        step = str(outcome.challenge.get("ChallengeName", "unknown"))
        raise PageError("unsupported_challenge", UNSUPPORTED_STEP.format(step=step), status=501)
    assert outcome.location is not None and outcome.session is not None
    response = redirect(outcome.location)
    response.set_cookie(
        session.SESSION_COOKIE, session.seal(sealer, place.site.domain, outcome.session),
        max_age=int(session.VALIDITY_SECONDS), path=place.cookie_path, secure=place.secure, httponly=True,
        samesite="lax",
    )  # fmt: skip
    return response
