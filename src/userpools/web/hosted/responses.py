"""How hosted requests answer: redirects, RFC 6749 JSON errors, error pages; and the two handler kinds.

``page_handler`` wraps browser endpoints (authorize, login, logout, the account and step pages): a
``PageError`` becomes an error page, an ``AuthorizeError`` a redirect to the validated callback, any
other service error an error page with its status. ``api_handler`` wraps the endpoints
apps call (token, userInfo, revoke): errors become JSON; ``invalid_client`` after an HTTP Basic attempt
is a 401 with ``WWW-Authenticate`` (RFC 6749 §5.2), bearer-token errors carry ``WWW-Authenticate:
Bearer`` (RFC 6750 §3).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from userpools.errors import ServiceError
from userpools.oauth2.authorize import AuthorizeError
from userpools.oauth2.errors import InvalidClient, InvalidRequest, OAuthError, PageError, ServerError
from userpools.oauth2.sites import PATH_PREFIX, Site
from userpools.web.hosted.place import Place, place_of
from userpools.web.hosted.render import page

Handler = Callable[[Request, Place], Awaitable[Response]]
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}


def redirect(location: str) -> Response:
    headers = {"location": location, "referrer-policy": "no-referrer", **NO_STORE}
    return Response(status_code=302, headers=headers)


def json(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={**NO_STORE, **(headers or {})})


def oauth_error(exc: OAuthError, request: Request) -> JSONResponse:
    headers: dict[str, str] = {}
    status = exc.status
    if isinstance(exc, InvalidClient):
        basic = request.headers.get("authorization", "").lower().startswith("basic ")
        status = 401 if basic else 400
        if basic:
            headers["www-authenticate"] = 'Basic realm="oauth2"'
    elif status in (401, 403):
        description = exc.message.replace('"', "'")
        headers["www-authenticate"] = f'Bearer error="{exc.error}", error_description="{description}"'
    return json(exc.json(), status, headers)


async def error_page(request: Request, place: Place | None, exc: PageError) -> Response:
    if place is None:  # an unknown domain: no pool, no branding
        place = Place(Site(str(request.path_params.get("domain", "")), "", False), _prefix(request), False)
    return await page(
        request, place, "error.html", title="An error was encountered", status=exc.page_status,
        message=exc.message, code=exc.error,
    )  # fmt: skip


def _prefix(request: Request) -> str:
    domain = str(request.path_params.get("domain", ""))
    return f"{PATH_PREFIX}/{domain}" if request.url.path.startswith(f"{PATH_PREFIX}/{domain}/") else ""


NUL_REFUSED = "The request contains a NUL character."


async def _carries_nul(request: Request) -> bool:
    """A NUL in the path, query or form body: no parameter needs one and PostgreSQL text can't hold it."""
    if "\x00" in request.url.path or b"\x00" in request.scope.get("query_string", b""):
        return True
    if b"%00" in request.scope.get("query_string", b""):
        return True
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        body = await request.body()  # kept by Starlette: the handler's request.form() reads it again
        return b"%00" in body or b"\x00" in body
    return False


def page_handler(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        place = None
        try:
            if await _carries_nul(request):
                raise PageError("invalid_request", NUL_REFUSED, 400)
            place = await place_of(request)
            return await handler(request, place)
        except PageError as exc:
            return await error_page(request, place, exc)
        except AuthorizeError as exc:
            return redirect(exc.location)
        except OAuthError as exc:  # not tied to a validated callback: shown, never redirected
            return await error_page(request, place, PageError(exc.error, exc.message, exc.status))
        except ServiceError as exc:  # an API error a page did not show itself: its status, not a 500
            return await error_page(request, place, PageError(type(exc).__name__, exc.message, exc.status))

    return endpoint


def api_handler(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            if await _carries_nul(request):
                raise InvalidRequest(NUL_REFUSED)
            return await handler(request, await place_of(request))
        except OAuthError as exc:
            return oauth_error(exc, request)
        except PageError as exc:
            return json({"error": exc.error, "error_description": exc.message}, exc.page_status)
        except ServiceError as exc:  # e.g. a Lambda trigger's refusal
            error = ServerError(exc.message) if exc.status >= 500 else InvalidRequest(exc.message)
            return oauth_error(error, request)

    return endpoint
