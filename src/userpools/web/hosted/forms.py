"""What every hosted form shares: the CSRF cookie and token, the sign-in form, finishing a sign-in.

CSRF (``oauth2.session``): the browser gets a random ``userpools-csrf`` cookie (HttpOnly, SameSite=Lax,
the domain's path); each form carries the token derived from it, which ``csrf_valid`` checks first on
every POST. ``signed_in`` turns a finished sign-in into the redirect to the callback that sets the
session cookie.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from userpools.oauth2 import authorize as authz
from userpools.oauth2 import session
from userpools.oauth2.session import HostedSession
from userpools.web.hosted import provider_links
from userpools.web.hosted.place import Place, services_of
from userpools.web.hosted.render import page
from userpools.web.hosted.responses import redirect

SIGN_IN_TITLE = "Sign in"


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
    username: str = "",
) -> Response:  # fmt: skip
    """The sign-in form (``login.html``)."""
    cookie = csrf_cookie(request)
    response = await page(
        request, place, "login.html", title=SIGN_IN_TITLE, status=status,
        client_id=str(request_.client["ClientId"]), action=action(place, "/login", request_), error=error,
        csrf=csrf_token(request, place, cookie), username=username or request_.login_hint or "",
        providers=provider_links.links(place, request_),
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
