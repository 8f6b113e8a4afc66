"""Hosted account pages: /signup, /confirmUser, /forgotPassword, /confirmForgotPassword (over HTTP)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import httpx
from oauth_support import (
    PASSWORD,
    Browser,
    exchange,
    form_of,
    login_form,
    make_app,
    post_form,
    query_of,
    sent_code,
    sent_message,
    sibling,
)

from userpools.adapters.outbox import read_outbox
from userpools.testing import RunningServer

NEW_PASSWORD = "Another-Passw0rd!"
EMAIL_REQUIRED = {
    "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
               {"Name": "name", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    "AutoVerifiedAttributes": ["email"],
}  # fmt: skip


def _link(page: httpx.Response, text: str) -> str:
    found = re.search(rf'<a href="([^"]+)">{re.escape(text)}</a>', page.text)
    assert found is not None, f"no link {text!r}"
    return unescape(found.group(1))


def _open_signup(browser: Browser, **params: str) -> httpx.Response:
    page = browser.get(_link(browser.open_login(**params), "Sign up"))
    assert page.status_code == 200, page.text
    return page


def _sign_up(browser: Browser, page: httpx.Response, username: str = "bob", **values: str) -> httpx.Response:
    fields = {"username": username, "password": PASSWORD, "attribute.email": f"{username}@example.com",
              "attribute.name": username.title(), **values}  # fmt: skip
    return post_form(browser, page, **fields)


def test_sign_up_confirm_and_go_on_to_the_callback(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool=EMAIL_REQUIRED)
    browser = Browser(app)
    page = _open_signup(browser, state="su")
    assert urlsplit(form_of(page)["action"]).path == f"/domain/{app.domain}/signup"
    for label in ("Username", "Password", "Email", "Name"):
        assert re.search(rf'<label class="label-customizable" for="[^"]+">{label}</label>', page.text), label
    assert (
        "At least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol."
        in page.text
    )
    assert 'type="email"' in page.text and 'autocomplete="new-password"' in page.text
    missing = _sign_up(browser, page, **{"attribute.email": ""})
    assert missing.status_code == 400 and "email" in missing.text and 'role="alert"' in missing.text
    assert 'value="Bob"' in missing.text  # what was typed stays
    confirm = _sign_up(browser, missing)
    assert confirm.status_code == 200 and "We sent a code by email to b***@e***" in confirm.text
    assert idp.admin_get_user(UserPoolId=app.pool_id, Username="bob")["UserStatus"] == "UNCONFIRMED"
    first = sent_code(live, app.pool_id, "sign_up")
    wrong = post_form(browser, confirm, code="000000" if first != "000000" else "111111")
    assert wrong.status_code == 400 and "Invalid verification code provided" in wrong.text
    assert 'aria-invalid="true" ' in wrong.text or 'aria-invalid="true">' in wrong.text
    resent = post_form(browser, wrong, resend="1")
    assert resent.status_code == 200 and "We sent a code by email" in resent.text
    code = sent_code(live, app.pool_id, "resend_code")
    assert post_form(browser, resent, code=first).status_code == 400  # the first code stopped working
    done = post_form(browser, resent, code=code)
    assert done.status_code == 302, done.text
    answer = query_of(done.headers["location"])
    assert answer["state"] == "su" and done.headers["location"].startswith("https://app.example.com/callback")
    assert "userpools-session" in done.headers.get("set-cookie", "")
    assert exchange(app, answer["code"]).status_code == 200
    user = idp.admin_get_user(UserPoolId=app.pool_id, Username="bob")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert user["UserStatus"] == "CONFIRMED" and attributes["email_verified"] == "true"
    assert attributes["name"] == "Bob"


def test_confirmation_elsewhere_leads_to_sign_in(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool=EMAIL_REQUIRED)
    idp.sign_up(ClientId=app.client_id, Username="carl", Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "carl@example.com"},
                                {"Name": "name", "Value": "Carl"}])  # fmt: skip
    browser = Browser(app)
    page = sibling(browser, browser.open_login(), "/confirmUser", username="carl")
    assert page.status_code == 200 and "Confirm the account <strong>carl</strong>" in page.text
    done = post_form(browser, page, code=sent_code(live, app.pool_id, "sign_up"))
    # Not the browser that signed up (no ticket): the sign-in page, name filled in, says so.
    assert done.status_code == 200 and "Your account is confirmed. Sign in to continue." in done.text
    assert login_form(done, live.url).username == "carl"
    assert "code=" in browser.sign_in(username="carl")


def test_an_unconfirmed_user_signing_in_is_sent_a_code_and_the_confirmation_page(
    idp: Any, live: RunningServer
) -> None:
    app = make_app(idp, live, pool=EMAIL_REQUIRED)
    idp.sign_up(ClientId=app.client_id, Username="dora", Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": "dora@example.com"},
                                {"Name": "name", "Value": "Dora"}])  # fmt: skip
    browser = Browser(app)
    page = browser.submit(login_form(browser.open_login(), live.url), username="dora")
    assert page.status_code == 200 and "Confirm the account <strong>dora</strong>" in page.text
    sent = [m for m in read_outbox(live.outbox, user="dora") if m["pool_id"] == app.pool_id]
    assert len(sent) == 2  # the sign-up's code, and a fresh one with the page
    new_code = re.findall(r"\d{6}", str(sent[-1]["body"]))[-1]
    done = post_form(browser, page, code=new_code)
    assert done.status_code == 200 and "Your account is confirmed. Sign in to continue." in done.text
    assert idp.admin_get_user(UserPoolId=app.pool_id, Username="dora")["UserStatus"] == "CONFIRMED"
    assert "code=" in browser.sign_in(username="dora")


def test_sign_up_refusals(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool=EMAIL_REQUIRED)
    browser = Browser(app)
    page = _open_signup(browser)
    taken = _sign_up(browser, page, username="alice")
    assert taken.status_code == 400 and "User already exists" in taken.text
    assert re.search(r'id="signUpFormUsername"[^>]*aria-invalid="true"', taken.text, re.S)
    assert not re.search(r'id="signUpFormPassword"[^>]*aria-invalid="true"', taken.text, re.S)
    weak = _sign_up(browser, page, password="short")
    assert weak.status_code == 400 and "Password did not conform with policy" in weak.text
    forged = _sign_up(browser, page, username="mallory", _csrf="forged")
    assert forged.status_code == 403
    assert idp.list_users(UserPoolId=app.pool_id, Filter='username = "mallory"')["Users"] == []
    assert _sign_up(browser, page, username="x" * 129).status_code == 400  # the model's length limit


def test_sign_up_hidden_when_only_admins_create_users(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool={"AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True}})
    browser = Browser(app)
    login = browser.open_login()
    assert "/signup" not in login.text and "Forgot your password?" in login.text
    refused = sibling(browser, login, "/signup")
    assert refused.status_code == 403 and "SignUp is not permitted for this user pool" in refused.text


def test_pool_without_auto_verification(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    answer = post_form(browser, _open_signup(browser), username="dora", password=PASSWORD)
    assert answer.status_code == 200 and "An administrator must confirm it" in answer.text
    assert idp.admin_get_user(UserPoolId=app.pool_id, Username="dora")["UserStatus"] == "UNCONFIRMED"


def test_secret_client_and_email_usernames(idp: Any, live: RunningServer) -> None:
    pool = {"UsernameAttributes": ["email"], "AutoVerifiedAttributes": ["email"]}
    app = make_app(idp, live, secret=True, pool=pool, alice=False)
    browser = Browser(app)
    page = _open_signup(browser)
    assert '<label class="label-customizable" for="signUpFormUsername">Email</label>' in page.text
    confirm = post_form(browser, page, username="erin@example.com", password=PASSWORD)
    assert confirm.status_code == 200, confirm.text  # SignUp got the SecretHash the client needs
    done = post_form(browser, confirm, code=sent_code(live, app.pool_id, "sign_up"))
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text


def test_account_pages_need_a_valid_request(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    for path in ("/signup", "/confirmUser", "/forgotPassword", "/confirmForgotPassword"):
        page = httpx.get(app.url(path) + f"?client_id={app.client_id}&redirect_uri=https://evil.example.com/")
        assert page.status_code == 400 and "location" not in page.headers, path
    idp.update_user_pool_client(UserPoolId=app.pool_id, ClientId=app.client_id,
                                AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
                                AllowedOAuthScopes=["openid"], CallbackURLs=["https://app.example.com/callback"],
                                SupportedIdentityProviders=[])  # fmt: skip
    query = f"response_type=code&client_id={app.client_id}&redirect_uri=https://app.example.com/callback"
    refused = httpx.get(f"{app.url('/signup')}?{query}")
    assert refused.status_code == 400 and "does not allow user pool accounts" in refused.text


def _open_forgot(browser: Browser) -> httpx.Response:
    page = browser.get(_link(browser.open_login(state="fp"), "Forgot your password?"))
    assert page.status_code == 200, page.text
    return page


def test_forgot_password_resets_and_signs_in(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    page = _open_forgot(browser)
    unknown = post_form(browser, page, username="nobody")
    assert unknown.status_code == 400 and "Username/client id combination not found." in unknown.text
    reset = post_form(browser, unknown, username="alice")
    assert reset.status_code == 200 and "We sent a code by email to a***@e***" in reset.text
    code = sent_code(live, app.pool_id, "forgot_password")
    differ = post_form(browser, reset, code=code, password=NEW_PASSWORD, confirm_password=NEW_PASSWORD + "x")
    assert differ.status_code == 400 and "The two passwords are not the same." in differ.text
    wrong = post_form(browser, differ, code="000000" if code != "000000" else "111111",
                      password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)  # fmt: skip
    assert wrong.status_code == 400 and "Invalid verification code provided" in wrong.text
    assert re.search(r'id="resetFormCode"[^>]*aria-invalid="true"', wrong.text, re.S)
    done = post_form(browser, wrong, code=code, password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
    assert done.status_code == 302, done.text
    answer = query_of(done.headers["location"])
    assert answer["state"] == "fp" and exchange(app, answer["code"]).status_code == 200
    idp.initiate_auth(ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": "alice", "PASSWORD": NEW_PASSWORD})  # fmt: skip


def test_forgot_password_limits_and_admin_only(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    browser = Browser(app)
    page = _open_forgot(browser)
    answers = [post_form(browser, page, username="alice") for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [400]
    assert "Attempt limit exceeded, please try after some time." in answers[-1].text
    closed = make_app(idp, live, pool={"AccountRecoverySetting": {
        "RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]}})  # fmt: skip
    other = Browser(closed)
    login = other.open_login()
    assert "Forgot your password?" not in login.text and "Sign up" in login.text
    refused = sibling(other, login, "/forgotPassword")
    assert refused.status_code == 403 and "only possible by an administrator" in refused.text


def test_sign_up_in_a_pool_with_mfa_on_sets_up_totp(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool=EMAIL_REQUIRED)
    idp.set_user_pool_mfa_config(
        UserPoolId=app.pool_id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    browser = Browser(app)
    confirm = _sign_up(browser, _open_signup(browser), username="hank")
    setup = post_form(browser, confirm, code=sent_code(live, app.pool_id, "sign_up"))
    # Confirmed; the sign-in that follows needs the second factor first, as any sign-in would.
    assert setup.status_code == 200 and "Set up your authenticator app" in setup.text
    assert "userpools-session" not in setup.headers.get("set-cookie", "")
    assert idp.admin_get_user(UserPoolId=app.pool_id, Username="hank")["UserStatus"] == "CONFIRMED"


def test_confirmation_link_of_the_email(idp: Any, live: RunningServer) -> None:
    template = {"DefaultEmailOption": "CONFIRM_WITH_LINK", "EmailMessageByLink": "Please {##Verify Email##}"}
    app = make_app(idp, live, pool={**EMAIL_REQUIRED, "VerificationMessageTemplate": template})
    attributes = [{"Name": "email", "Value": "ivy@example.com"}, {"Name": "name", "Value": "Ivy"}]
    idp.sign_up(ClientId=app.client_id, Username="ivy", Password=PASSWORD, UserAttributes=attributes)
    body = str(sent_message(live, app.pool_id, "sign_up")["body"])
    link = unescape(re.search(r'href="([^"]+)"', body).group(1))  # type: ignore[union-attr]
    assert link.startswith(
        f"{app.base}/confirmUser?client_id={app.client_id}&user_name=ivy&confirmation_code="
    )
    browser = Browser(app)
    page = browser.get(link)  # opening the link confirms nothing by itself
    assert page.status_code == 200 and "Confirm my account" in page.text
    assert idp.admin_get_user(UserPoolId=app.pool_id, Username="ivy")["UserStatus"] == "UNCONFIRMED"
    forged = browser.http.post(live.url + form_of(page)["action"], data={"_csrf": "forged"})
    assert forged.status_code == 403
    done = post_form(browser, page)
    assert done.status_code == 200 and "Your registration has been confirmed!" in done.text
    assert idp.admin_get_user(UserPoolId=app.pool_id, Username="ivy")["UserStatus"] == "CONFIRMED"
    again = post_form(browser, page)
    assert again.status_code == 400 and "User cannot be confirmed. Current status is CONFIRMED" in again.text
    wrong_client = browser.get(link.replace(app.client_id, "nosuchclient"))
    assert wrong_client.status_code == 400 and "does not exist in this user pool" in wrong_client.text


def test_account_and_step_pages_carry_the_branding(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool=EMAIL_REQUIRED)
    idp.set_ui_customization(UserPoolId=app.pool_id, CSS=".label-customizable { font-weight: 700; }",
                             ImageFile=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # fmt: skip
    browser = Browser(app)
    login = browser.open_login()
    pages = [
        sibling(browser, login, path) for path in ("/signup", "/forgotPassword", "/confirmForgotPassword")
    ]
    pages.append(_sign_up(browser, pages[0]))  # the confirmation form
    for page in pages:
        assert page.status_code == 200 and '<html lang="en">' in page.text
        assert re.search(r'<link rel="stylesheet" href="[^"]+/custom\.css">', page.text)
        assert '<img class="logo-customizable"' in page.text
        labels = re.findall(r'<label class="label-customizable" for="([^"]+)">', page.text)
        inputs = re.findall(r'<input id="([^"]+)"', page.text)
        assert labels and set(inputs) == set(labels)  # every field has its label
