"""What every hosted form shares: the CSRF cookie and token, the sign-in form, finishing a sign-in.

CSRF (``oauth2.session``): the browser gets a random ``userpools-csrf`` cookie (HttpOnly, SameSite=Lax,
the domain's path); each form carries the token derived from it, which ``csrf_valid`` checks first on
every POST. ``signed_in`` turns a finished sign-in into the redirect to the callback that sets the
session cookie. ``form_page`` renders any hosted form with its action and CSRF token; ``account_links``
are the sign-up and forgotten-password links of the sign-in page, shown only when the pool allows them.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import ServiceError
from userpools.oauth2 import accounts, providers, session
from userpools.oauth2 import authorize as authz
from userpools.oauth2.errors import PageError
from userpools.oauth2.session import HostedSession
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.web.hosted import provider_links
from userpools.web.hosted.place import Place, query, run, services_of
from userpools.web.hosted.render import page
from userpools.web.hosted.responses import redirect

SIGN_IN_TITLE = "Sign in"
# The form field an API error is about (by its wire code), so the page marks that field; others: all.
ERROR_FIELDS = {
    "InvalidPasswordException": "password",
    "PasswordHistoryPolicyViolationException": "password",
    "UsernameExistsException": "username",
    "UserNotFoundException": "username",
    "CodeMismatchException": "code",
    "ExpiredCodeException": "code",
}


def csrf_cookie(request: Request) -> str:
    """The browser's CSRF cookie value, or a new one (set it with ``set_csrf``)."""
    value = request.cookies.get(session.CSRF_COOKIE)
    if value:
        return value
    return base64.urlsafe_b64encode(services_of(request).random.token_bytes(24)).decode().rstrip("=")


def csrf_token(request: Request, place: Place, cookie: str) -> str:
    return session.csrf_token(services_of(request).sealer, place.site.domain, cookie)


def set_csrf(response: Response, place: Place, cookie: str) -> None:
    response.set_cookie(
        session.CSRF_COOKIE,
        cookie,
        path=place.cookie_path,
        secure=place.secure,
        httponly=True,
        samesite="lax",
    )


def csrf_valid(request: Request, place: Place, fields: dict[str, str]) -> bool:
    cookie = request.cookies.get(session.CSRF_COOKIE)
    return session.csrf_ok(
        services_of(request).sealer, place.site.domain, cookie, fields.get(session.CSRF_FIELD)
    )


def action(place: Place, path: str, request_: authz.AuthorizeRequest) -> str:
    """A form's action: the page's path with the authorize parameters."""
    return f"{place.link(path)}?{urlencode(request_.params)}"


async def login_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, *, error: str = "", status: int = 200,
    username: str = "", notice: str = "",
) -> Response:  # fmt: skip
    """The sign-in form (``login.html``); ``notice``: a message above it (e.g. an account confirmed)."""
    cookie = csrf_cookie(request)
    response = await page(
        request, place, "login.html", title=SIGN_IN_TITLE, status=status,
        client_id=str(request_.client["ClientId"]), action=action(place, "/login", request_), error=error,
        csrf=csrf_token(request, place, cookie), username=username or request_.login_hint or "",
        providers=provider_links.links(place, request_),
        notice=notice, links=await account_links(request, place, request_),
    )  # fmt: skip
    set_csrf(response, place, cookie)
    return response


async def account_links(request: Request, place: Place, request_: authz.AuthorizeRequest) -> dict[str, str]:
    """``signup`` / ``forgot``: the links of the sign-in page that the client and pool allow."""
    if providers.COGNITO not in providers.supported(request_.client):
        return {}
    async with request.app.state.database.unit_of_work(False) as uow:
        pool = await uow.pools.get(place.site.pool_id)
    links: dict[str, str] = {}
    if pool is not None and accounts.allows_sign_up(pool):
        links["signup"] = action(place, "/signup", request_)
    if pool is not None and accounts.allows_reset(pool):
        links["forgot"] = action(place, "/forgotPassword", request_)
    return links


async def form_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, template: str, *, title: str, path: str,
    status: int = 200, **values: Any,
) -> Response:  # fmt: skip
    """A hosted form (``template``) posting to ``path`` with the authorize parameters and a CSRF token."""
    cookie = csrf_cookie(request)
    response = await page(
        request, place, template, title=title, status=status, client_id=str(request_.client["ClientId"]),
        action=action(place, path, request_), csrf=csrf_token(request, place, cookie), **values,
    )  # fmt: skip
    set_csrf(response, place, cookie)
    return response


def signed_in(request: Request, place: Place, location: str, hosted: HostedSession) -> Response:
    """The redirect to the callback, starting the hosted session."""
    response = redirect(location)
    response.set_cookie(
        session.SESSION_COOKIE, session.seal(services_of(request).sealer, place.site.domain, hosted),
        max_age=int(session.VALIDITY_SECONDS), path=place.cookie_path, secure=place.secure, httponly=True,
        samesite="lax",
    )  # fmt: skip
    return response


async def account_request(request: Request, place: Place) -> tuple[authz.AuthorizeRequest, dict[str, Any]]:
    """An account page's validated authorize request (its query) and the pool; PageError when the client
    does not offer user pool accounts."""
    params = query(request)

    async def work(ctx: Context) -> tuple[authz.AuthorizeRequest, dict[str, Any]]:
        return await authz.validate(ctx, place.site, params), await load_pool(ctx, place.site.pool_id)

    request_, pool = await run(request, place, work, write=False)
    accounts.check_accounts(request_.client)
    return request_, pool


def shown(exc: ServiceError) -> ServiceError:
    """``exc`` when the form shows it; re-raises an error page or a redirect to the callback."""
    if isinstance(exc, (PageError, authz.AuthorizeError)):
        raise exc
    return exc


def error_field(exc: ServiceError) -> str:
    return ERROR_FIELDS.get(type(exc).__name__, "")


def code_sent(details: dict[str, Any] | None) -> str:
    """What a page says about a code the API sent (its CodeDeliveryDetails)."""
    if not details:
        return "We sent you a code."
    medium = {"EMAIL": " by email", "SMS": " by text message"}.get(str(details.get("DeliveryMedium")), "")
    return f"We sent a code{medium} to {details.get('Destination')}."
