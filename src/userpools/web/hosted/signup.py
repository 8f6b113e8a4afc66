"""``/signup`` and ``/confirmUser``: a new account through the API's SignUp, then its confirmation code.

Developer guide, "User-interactive managed login and classic hosted UI endpoints" (``/signup``,
``/confirmUser``, resending a code). Both pages take the authorize parameters like ``/login`` (the
sign-in page links here when the pool allows sign-up: not with AllowAdminCreateUserOnly) and call the
API's operations (``api_calls``): SignUp with the username, the password and the pool's required
attributes (the client's WriteAttributes, the password policy, PreSignUp and the code message apply),
ConfirmSignUp and ResendConfirmationCode (their attempt limits apply). Once the account is confirmed the
user goes on to the callback, as with Cognito's hosted UI: in the browser that signed up, the sign-up
ticket (``oauth2.accounts``) stands for the password just chosen (``signin.after_sign_up``: triggers and
MFA as at any sign-in); elsewhere the sign-in page follows, with the account's name filled in. A user
that PreSignUp confirmed at once signs in with the password straight away. The link of a
CONFIRM_WITH_LINK email also opens ``/confirmUser`` (``confirm_link``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import ServiceError
from userpools.oauth2 import accounts, signin
from userpools.oauth2 import authorize as authz
from userpools.oauth2.errors import PageError
from userpools.oauth2.session import CSRF_COOKIE
from userpools.operations.context import Context
from userpools.web.hosted import api_calls, confirm_link, steps
from userpools.web.hosted.forms import (
    account_request,
    action,
    code_sent,
    csrf_valid,
    error_field,
    form_page,
    login_page,
    shown,
)
from userpools.web.hosted.place import Place, form, query, services_of
from userpools.web.hosted.render import page
from userpools.web.hosted.responses import page_handler

SIGN_UP_TITLE = "Sign up"
CONFIRM_TITLE = "Confirm your account"
MISSING = "Enter a username and a password."
NO_CODE = "Enter the verification code."
CONFIRMED = "Your account is confirmed. Sign in to continue."
NEEDS_ADMIN = "Your account has been created. An administrator must confirm it before you can sign in."
ATTRIBUTE = "attribute."  # prefix of the attribute fields' names


async def _sign_up_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, pool: dict[str, Any], *,
    error: str = "", field: str = "", status: int = 200, username: str = "",
    values: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    return await form_page(
        request, place, request_, "signup.html", title=SIGN_UP_TITLE, path="/signup", status=status,
        error=error, error_field=field, username=username, values=values or {},
        username_label=accounts.username_label(pool), password_hint=accounts.password_hint(pool),
        fields=accounts.sign_up_fields(pool), login_url=action(place, "/login", request_),
    )  # fmt: skip


async def confirm_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, username: str, *, ticket: str = "",
    notice: str = "", error: str = "", status: int = 200, code: str = "",
) -> Response:  # fmt: skip
    """The confirmation form: the code, and a second form asking for a new one."""
    return await form_page(
        request, place, request_, "confirm_user.html", title=CONFIRM_TITLE, path="/confirmUser",
        status=status, username=username, ticket=ticket, notice=notice, error=error, code=code,
        login_url=action(place, "/login", request_),
    )  # fmt: skip


@page_handler
async def sign_up(request: Request, place: Place) -> Response:
    request_, pool = await account_request(request, place)
    if not accounts.allows_sign_up(pool):
        raise PageError("invalid_request", accounts.NO_SIGN_UP, status=403)
    if request.method == "GET":
        return await _sign_up_page(request, place, request_, pool)
    fields = await form(request)
    username, password = fields.get("username", "").strip(), fields.get("password", "")
    wanted = accounts.sign_up_fields(pool)
    values = {f.attribute: fields.get(ATTRIBUTE + f.attribute, "").strip() for f in wanted}
    if not csrf_valid(request, place, fields):
        return await _sign_up_page(
            request,
            place,
            request_,
            pool,
            error=steps.STALE_FORM,
            status=403,
            username=username,
            values=values,
        )
    if not username or not password:
        return await _sign_up_page(
            request, place, request_, pool, error=MISSING, status=400, username=username, values=values
        )
    params = {
        "ClientId": str(request_.client["ClientId"]), "Username": username, "Password": password,
        "UserAttributes": [{"Name": name, "Value": value} for name, value in values.items() if value],
    }  # fmt: skip
    try:
        answer = await api_calls.call(request, place, "SignUp", params)
    except ServiceError as exc:
        return await _sign_up_page(
            request, place, request_, pool, error=shown(exc).message, field=error_field(exc), status=400,
            username=username, values=values,
        )  # fmt: skip
    if answer.get("UserConfirmed"):  # PreSignUp's autoConfirmUser: nothing to confirm
        return await steps.password_sign_in(request, place, request_, username, password)
    details = answer.get("CodeDeliveryDetails")
    if not details:  # the pool verifies nothing by itself: an administrator confirms (AdminConfirmSignUp)
        return await page(
            request, place, "notice.html", title=SIGN_UP_TITLE, client_id=str(request_.client["ClientId"]),
            message=NEEDS_ADMIN, login_url=action(place, "/login", request_),
        )  # fmt: skip
    ticket = accounts.Ticket(
        place.site.pool_id, str(request_.client["ClientId"]), str(answer["UserSub"]),
        services_of(request).clock.now() + accounts.TICKET_SECONDS,
    )  # fmt: skip
    sealed = accounts.seal_ticket(
        services_of(request).sealer, place.site.domain, request.cookies.get(CSRF_COOKIE, ""), ticket
    )
    return await confirm_page(request, place, request_, username, ticket=sealed, notice=code_sent(details))


async def confirm_unconfirmed(
    request: Request, place: Place, request_: authz.AuthorizeRequest, username: str
) -> Response:
    """``/login`` by a user who never confirmed the account: a new code (ResendConfirmationCode, its limits
    apply) and the confirmation page, where Cognito's hosted UI takes such a user too. Confirming there
    leads back to the sign-in page: the password is asked again."""
    params = {"ClientId": str(request_.client["ClientId"]), "Username": username}
    try:
        answer = await api_calls.call(request, place, "ResendConfirmationCode", params)
    except ServiceError as exc:
        return await confirm_page(request, place, request_, username, error=shown(exc).message, status=400)
    notice = code_sent(answer.get("CodeDeliveryDetails"))
    return await confirm_page(request, place, request_, username, notice=notice)


@page_handler
async def confirm_user(request: Request, place: Place) -> Response:
    if confirm_link.is_link(request):  # the CONFIRM_WITH_LINK email's link: no authorize request
        return await confirm_link.confirm_from_link(request, place)
    request_, _pool = await account_request(request, place)
    if request.method == "GET":
        return await confirm_page(request, place, request_, query(request).get("username", "").strip())
    fields = await form(request)
    username, ticket = fields.get("username", "").strip(), fields.get("ticket", "")
    client_id = str(request_.client["ClientId"])

    async def again(error: str, status: int = 400, notice: str = "") -> Response:
        return await confirm_page(
            request, place, request_, username, ticket=ticket, error=error, status=status, notice=notice,
            code=fields.get("code", "").strip(),
        )  # fmt: skip

    if not csrf_valid(request, place, fields):
        return await again(steps.STALE_FORM, 403)
    try:
        if fields.get("resend"):
            params = {"ClientId": client_id, "Username": username}
            answer = await api_calls.call(request, place, "ResendConfirmationCode", params)
            return await again("", 200, code_sent(answer.get("CodeDeliveryDetails")))
        code = fields.get("code", "").strip()
        if not code:
            return await again(NO_CODE)
        params = {"ClientId": client_id, "Username": username, "ConfirmationCode": code}
        await api_calls.call(request, place, "ConfirmSignUp", params)
    except ServiceError as exc:
        return await again(shown(exc).message)
    return await _after_confirmation(request, place, request_, username, ticket)


async def _after_confirmation(
    request: Request, place: Place, request_: authz.AuthorizeRequest, username: str, ticket: str
) -> Response:
    services = services_of(request)
    opened = accounts.open_ticket(
        services.sealer, place.site.domain, request.cookies.get(CSRF_COOKIE), ticket, services.clock.now()
    )
    if opened is None or (opened.pool_id, opened.client_id) != (
        place.site.pool_id,
        request_.client["ClientId"],
    ):
        return await login_page(request, place, request_, notice=CONFIRMED, username=username)
    sub = opened.sub

    async def work(ctx: Context, fresh: authz.AuthorizeRequest) -> signin.SignInOutcome:
        return await signin.after_sign_up(ctx, place.site, fresh, username, sub)

    return await steps.continue_sign_in(request, place, request_, username, work)
