"""``/confirmUser`` opened from a CONFIRM_WITH_LINK email: the link's code confirms the account.

Developer guide, "User-interactive managed login and classic hosted UI endpoints" (``/confirmUser``: the
link a user selects in the verification email). A pool whose VerificationMessageTemplate has
``DefaultEmailOption`` CONFIRM_WITH_LINK mails ``<domain>/confirmUser?client_id=…&user_name=…&
confirmation_code=…`` (``operations.user_codes``). The link carries no authorize parameters, so this page
only confirms: a button posts the code, with a CSRF token, to the API's ConfirmSignUp (its attempt limits,
PostConfirmation), and the answer says that the account is confirmed, or why not. Known difference:
Cognito confirms on the GET itself; here one click is needed, so that a mail scanner opening the links of
a message does not confirm an account that nobody asked for.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import ServiceError
from userpools.oauth2 import authorize as authz
from userpools.web.hosted import api_calls
from userpools.web.hosted.forms import csrf_cookie, csrf_token, csrf_valid, set_csrf, shown
from userpools.web.hosted.place import Place, form, query, run
from userpools.web.hosted.render import page

LINK = ("client_id", "user_name", "confirmation_code")
TITLE = "Confirm your account"
CONFIRMED = "Your registration has been confirmed!"
NOT_CONFIRMED = "Your account was not confirmed"
STALE = "This page has expired. Open the link in the email again."


def is_link(request: Request) -> bool:
    """A request from the email's link (its code, and none of the authorize parameters)."""
    return "confirmation_code" in request.query_params and "redirect_uri" not in request.query_params


async def confirm_from_link(request: Request, place: Place) -> Response:
    params = query(request)
    client = await run(
        request,
        place,
        lambda ctx: authz.pool_client(ctx, place.site, params.get("client_id", "")),
        write=False,
    )
    client_id, username = str(client["ClientId"]), params.get("user_name", "")
    if request.method == "GET":
        return await _confirm_page(request, place, client_id, params)
    fields = await form(request)
    if not csrf_valid(request, place, fields):
        return await _confirm_page(request, place, client_id, params, error=STALE, status=403)
    code = params.get("confirmation_code", "")
    try:
        await api_calls.call(
            request,
            place,
            "ConfirmSignUp",
            {"ClientId": client_id, "Username": username, "ConfirmationCode": code},
        )
    except ServiceError as exc:
        return await page(
            request, place, "error.html", title=NOT_CONFIRMED, status=400, client_id=client_id,
            message=shown(exc).message, code=type(exc).__name__,
        )  # fmt: skip
    return await page(request, place, "notice.html", title=TITLE, client_id=client_id, message=CONFIRMED)


async def _confirm_page(
    request: Request,
    place: Place,
    client_id: str,
    params: dict[str, str],
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    cookie = csrf_cookie(request)
    response = await page(
        request, place, "confirm_link.html", title=TITLE, status=status, client_id=client_id, error=error,
        username=params.get("user_name", ""), csrf=csrf_token(request, place, cookie),
        action=f"{place.link('/confirmUser')}?{urlencode({k: params.get(k, '') for k in LINK})}",
    )  # fmt: skip
    set_csrf(response, place, cookie)
    return response
