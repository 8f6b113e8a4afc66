"""The /login page: CSRF, cookie flags, accessibility basics, branding, user states and challenges."""

from __future__ import annotations

import re
from typing import Any

import httpx
from oauth_support import PASSWORD, Browser, login_form, make_app

from userpools.testing import RunningServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_form_is_accessible_and_safe(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    page = Browser(app).open_login(login_hint='"><script>alert(1)</script>')
    assert page.status_code == 200 and '<html lang="en">' in page.text
    assert '<label class="label-customizable" for="signInFormUsername">' in page.text
    assert '<label class="label-customizable" for="signInFormPassword">' in page.text
    assert "<script>" not in page.text and "&#34;&gt;&lt;script&gt;" in page.text  # escaped
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    css = httpx.get(f"{app.base}/static/hosted.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_cookie_flags(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    page = browser.open_login()
    csrf_cookie = next(c for c in page.headers.get_list("set-cookie") if c.startswith("userpools-csrf="))
    answer = browser.submit(login_form(page, live.url))
    session = next(c for c in answer.headers.get_list("set-cookie") if c.startswith("userpools-session="))
    for cookie in (csrf_cookie, session):
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path=/domain/{app.domain}/" in cookie
        assert "Secure" not in cookie  # plain-HTTP public URL
    assert "Max-Age=3600" in session


def test_csrf_refusals(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    form = login_form(browser.open_login(), live.url)
    forged = browser.submit(form, _csrf="forged")
    assert forged.status_code == 403 and "location" not in forged.headers
    assert "This sign-in form has expired" in forged.text
    cookieless = httpx.post(form.action, data={"_csrf": form.csrf, "username": "alice", "password": PASSWORD})
    assert cookieless.status_code == 403 and "location" not in cookieless.headers
    other = Browser(app)  # another browser's cookie with this form's token
    login_form(other.open_login(), live.url)
    stolen = other.submit(form)
    assert stolen.status_code == 403
    assert browser.submit(form).status_code == 302  # the genuine form still works


def test_user_states_on_the_form(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    idp.sign_up(ClientId=app.client_id, Username="bob", Password=PASSWORD)
    browser = Browser(app)
    form = login_form(browser.open_login(), live.url)
    # Unconfirmed: the confirmation page (signup.confirm_unconfirmed), here with the reason no code went out.
    unconfirmed = browser.submit(form, username="bob")
    assert unconfirmed.status_code == 400 and "Confirm the account <strong>bob</strong>" in unconfirmed.text
    assert "User does not exist." in browser.submit(form, username="nobody").text
    idp.admin_disable_user(UserPoolId=app.pool_id, Username="alice")
    assert "User is disabled." in browser.submit(form).text
    empty = browser.submit(form, password="")
    assert empty.status_code == 400 and "Enter your username and password." in empty.text


def test_secret_client_signs_in_without_secret_hash(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, secret=True)
    assert "code=" in Browser(app).sign_in()


def test_branding_of_the_client_or_the_pool(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    css = ".submitButton-customizable { background-color: #ff0000; }"
    idp.set_ui_customization(UserPoolId=app.pool_id, CSS=css, ImageFile=PNG)
    page = Browser(app).open_login()
    links = re.findall(r'href="([^"]+custom\.css)"', page.text)
    logos = re.findall(r'<img class="logo-customizable" src="([^"]+)"', page.text)
    assert (
        len(links) == 1 and len(logos) == 1 and links[0].startswith(f"/domain/{app.domain}/ui-customization/")
    )
    served = httpx.get(live.url + links[0])
    assert (
        served.status_code == 200
        and served.text == css
        and served.headers["content-type"].startswith("text/css")
    )
    logo = httpx.get(live.url + logos[0])
    assert logo.status_code == 200 and logo.content == PNG
    own = ".label-customizable { font-weight: 700; }"
    idp.set_ui_customization(UserPoolId=app.pool_id, ClientId=app.client_id, CSS=own)
    page = Browser(app).open_login()
    link = re.findall(r'href="([^"]+custom\.css)"', page.text)[0]
    assert f"/{app.client_id}/" in link and httpx.get(live.url + link).text == own
    assert "<img" not in page.text  # the client's own customization has no logo
