"""``/forgotPassword`` and ``/confirmForgotPassword``: a password reset through the API's operations.

Developer guide, "User-interactive managed login and classic hosted UI endpoints". ``/forgotPassword``
asks for the username and calls ForgotPassword (the code goes to the user's verified contact in the pool's
AccountRecoverySetting order; UserMigration, CustomMessage and the hourly request limit apply);
``/confirmForgotPassword`` takes the code and the new password twice and calls ConfirmForgotPassword (the
password policy and history, the code's attempt limit, PostConfirmation). The user then signs in with
the new password (``signin.with_password``: lockout, triggers and MFA as on ``/login``) and goes on to the
callback. Pools whose recovery setting is ``admin_only`` get neither page, nor the link from ``/login``.
With PreventUserExistenceErrors a name that matches nobody gets the same answer as one that does.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import ServiceError
from userpools.oauth2 import accounts
from userpools.oauth2 import authorize as authz
from userpools.oauth2.errors import PageError
from userpools.web.hosted import api_calls, steps
from userpools.web.hosted.forms import (
    account_request,
    action,
    code_sent,
    csrf_valid,
    error_field,
    form_page,
    shown,
)
from userpools.web.hosted.place import Place, form, query
from userpools.web.hosted.responses import page_handler

FORGOT_TITLE = "Forgot your password?"
RESET_TITLE = "Reset your password"
MISSING_NAME = "Enter your username."
MISSING_RESET = "Enter the code and your new password."


async def _reset_request(request: Request, place: Place) -> tuple[authz.AuthorizeRequest, dict[str, Any]]:
    request_, pool = await account_request(request, place)
    if not accounts.allows_reset(pool):
        raise PageError("invalid_request", accounts.NO_RESET, status=403)
    return request_, pool


async def _forgot_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, pool: dict[str, Any], *,
    error: str = "", status: int = 200, username: str = "",
) -> Response:  # fmt: skip
    return await form_page(
        request, place, request_, "forgot_password.html", title=FORGOT_TITLE, path="/forgotPassword",
        status=status, error=error, username=username, username_label=accounts.username_label(pool),
        login_url=action(place, "/login", request_),
    )  # fmt: skip


async def _reset_page(
    request: Request, place: Place, request_: authz.AuthorizeRequest, pool: dict[str, Any], *,
    username: str, error: str = "", field: str = "", notice: str = "", status: int = 200, code: str = "",
) -> Response:  # fmt: skip
    return await form_page(
        request, place, request_, "confirm_forgot_password.html", title=RESET_TITLE,
        path="/confirmForgotPassword", status=status, username=username, error=error, error_field=field,
        notice=notice, code=code, username_label=accounts.username_label(pool),
        password_hint=accounts.password_hint(pool), login_url=action(place, "/login", request_),
    )  # fmt: skip


@page_handler
async def forgot_password(request: Request, place: Place) -> Response:
    request_, pool = await _reset_request(request, place)
    if request.method == "GET":
        username = query(request).get("username") or request_.login_hint or ""
        return await _forgot_page(request, place, request_, pool, username=username)
    fields = await form(request)
    username = fields.get("username", "").strip()
    if not csrf_valid(request, place, fields):
        return await _forgot_page(request, place, request_, pool, error=steps.STALE_FORM, status=403,
                                  username=username)  # fmt: skip
    if not username:
        return await _forgot_page(request, place, request_, pool, error=MISSING_NAME, status=400)
    params = {"ClientId": str(request_.client["ClientId"]), "Username": username}
    try:
        answer = await api_calls.call(request, place, "ForgotPassword", params)
    except ServiceError as exc:
        return await _forgot_page(request, place, request_, pool, error=shown(exc).message, status=400,
                                  username=username)  # fmt: skip
    notice = code_sent(answer.get("CodeDeliveryDetails"))
    return await _reset_page(request, place, request_, pool, username=username, notice=notice)


@page_handler
async def confirm_forgot_password(request: Request, place: Place) -> Response:
    request_, pool = await _reset_request(request, place)
    if request.method == "GET":
        username = query(request).get("username", "").strip()
        return await _reset_page(request, place, request_, pool, username=username)
    fields = await form(request)
    username, code = fields.get("username", "").strip(), fields.get("code", "").strip()
    password = fields.get("password", "")

    async def again(error: str, field: str = "", status: int = 400) -> Response:
        return await _reset_page(request, place, request_, pool, username=username, error=error, field=field,
                                 status=status, code=code)  # fmt: skip

    if not csrf_valid(request, place, fields):
        return await again(steps.STALE_FORM, status=403)
    if not username or not code or not password:
        return await again(MISSING_RESET)
    if password != fields.get("confirm_password"):
        return await again(steps.PASSWORDS_DIFFER, "password")
    params = {
        "ClientId": str(request_.client["ClientId"]), "Username": username, "ConfirmationCode": code,
        "Password": password,
    }  # fmt: skip
    try:
        await api_calls.call(request, place, "ConfirmForgotPassword", params)
    except ServiceError as exc:
        return await again(shown(exc).message, error_field(exc))
    return await steps.password_sign_in(request, place, request_, username, password)
