"""The cookie binding a federated sign-in to the browser that started it (``oauth2.federated_state``).

``/oauth2/authorize`` sets it on the redirect to the identity provider; ``/oauth2/idpresponse`` and an
SP-initiated ``/saml2/idpresponse`` compare it with the hash sealed in the state and, when it matches,
clear it whatever the sign-in's outcome (a forged or foreign state leaves it: it may be this browser's own
sign-in still under way). Attributes: HttpOnly, the domain's path (as the hosted session cookie),
5 minutes (the sign-in's lifetime); SameSite=Lax, Secure on HTTPS, except for answers by cross-site POST
(SAML, Sign in with Apple) on HTTPS: SameSite=None; Secure, since the provider posts from its own site
and browsers keep Lax cookies off cross-site POSTs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from userpools.oauth2.authorize import AuthorizeError
from userpools.oauth2.errors import PageError
from userpools.oauth2.federated_state import BROWSER_COOKIE, LIFETIME
from userpools.oauth2.providers import Upstream
from userpools.web.hosted.place import Place
from userpools.web.hosted.responses import error_page, redirect


def _same_site(place: Place, cross_site_post: bool) -> Literal["lax", "none"]:
    return "none" if cross_site_post and place.secure else "lax"


def set_binding(response: Response, place: Place, upstream: Upstream) -> None:
    response.set_cookie(
        BROWSER_COOKIE, upstream.binding, max_age=int(LIFETIME), path=place.cookie_path, secure=place.secure,
        httponly=True, samesite=_same_site(place, upstream.cross_site_post),
    )  # fmt: skip


def binding_of(request: Request) -> str | None:
    return request.cookies.get(BROWSER_COOKIE)


async def finishing(
    request: Request,
    place: Place,
    sign_in: Callable[[], Awaitable[Response]],
    *,
    cross_site_post: bool = False,
) -> Response:
    """The answer of a sign-in this browser started (``sign_in``: the callback redirect, or the error page
    or callback error it raises), clearing the binding cookie: that sign-in is over."""
    try:
        response = await sign_in()
    except PageError as exc:
        response = await error_page(request, place, exc)
    except AuthorizeError as exc:
        response = redirect(exc.location)
    response.delete_cookie(
        BROWSER_COOKIE, path=place.cookie_path, secure=place.secure, httponly=True,
        samesite=_same_site(place, cross_site_post),
    )  # fmt: skip
    return response
