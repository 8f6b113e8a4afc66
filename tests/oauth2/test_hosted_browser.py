"""The hosted pages in a real browser: Debian's chromium driven by Playwright against the live server.

One chromium per test module (so per xdist worker), a fresh browser context (cookies) per test. The
fields are found by their labels, as assistive technology finds them. Each page visited is
screenshotted (``browser_support.shot``). See docs/hosted-ui.md ("Browser tests").
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyotp
import pytest
from browser_support import CHROMIUM, FLAGS, TestApp, require_chromium, shot
from federation_support import connect, enable, upstream_pool
from oauth_support import PASSWORD, SMS_CONFIG, claims, make_app, sent_code, sms_mfa, verified_phone

from userpools.testing import RunningServer

NEW_PASSWORD = "Browser-Passw0rd!"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield browser
        browser.close()


@contextmanager
def fresh_page(chromium: Any) -> Iterator[Any]:
    """A page in a new browser context: its own cookies, as another browser would have."""
    context = chromium.new_context(locale="en-US")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    with fresh_page(chromium) as page:
        yield page


@pytest.fixture
def test_app() -> Iterator[TestApp]:
    app = TestApp()
    yield app
    app.close()


def _app(idp: Any, live: RunningServer, test_app: TestApp, pool: dict[str, Any] | None = None) -> TestApp:
    test_app.client = make_app(
        idp, live, secret=True, pool=pool, CallbackURLs=[test_app.callback], LogoutURLs=[test_app.signed_out]
    )
    return test_app


def _heading(page: Any, text: str) -> None:
    page.get_by_role("heading", name=text, exact=True).wait_for()


def _signed_in_as(page: Any, test_app: TestApp, username: str) -> None:
    page.wait_for_url(test_app.callback + "?**")
    _heading(page, "Signed in")
    assert page.locator("#user").inner_text() == username


def _sign_in(page: Any, username: str = "alice", password: str = PASSWORD) -> None:
    _heading(page, "Sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_up_confirm_and_token_exchange(
    idp: Any, live: RunningServer, page: Any, test_app: TestApp
) -> None:
    pool = {
        "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True}],
        "AutoVerifiedAttributes": ["email"],
    }
    app = _app(idp, live, test_app, pool)
    page.goto(app.authorize_url(state="browser-a"))
    _heading(page, "Sign in")
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "login")
    page.get_by_role("link", name="Sign up").click()
    _heading(page, "Sign up")
    shot(page, "signup")
    page.get_by_label("Username").fill("bob")
    page.get_by_label("Password").fill("short")
    page.get_by_label("Email").fill("bob@example.com")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("alert").wait_for()
    assert "Password did not conform with policy" in page.get_by_role("alert").inner_text()
    shot(page, "signup-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    _heading(page, "Confirm your account")
    assert "We sent a code by email to b***@e***" in page.get_by_role("status").inner_text()
    shot(page, "confirm-user")
    page.get_by_label("Verification code").fill(sent_code(live, app.client.pool_id, "sign_up"))  # type: ignore[union-attr]
    page.get_by_role("button", name="Confirm account").click()
    _signed_in_as(page, test_app, "bob")
    assert (
        page.locator("#state").inner_text() == "browser-a"
        and page.locator("#email").inner_text() == "bob@example.com"
    )
    assert len(test_app.tokens) == 1 and {"id_token", "access_token", "refresh_token"} <= set(
        test_app.tokens[0]
    )
    shot(page, "signed-in")


def test_totp_set_up_then_sign_in_with_a_code(
    idp: Any, live: RunningServer, chromium: Any, page: Any, test_app: TestApp
) -> None:
    app = _app(idp, live, test_app, {"SmsConfiguration": SMS_CONFIG})
    pool_id = app.client.pool_id  # type: ignore[union-attr]
    sms_mfa(idp, pool_id, "ON", totp=True)
    page.goto(app.authorize_url())
    _sign_in(page)
    _heading(page, "Set up your authenticator app")
    assert (
        page.get_by_role("img", name="QR code of the key for your authenticator app").locator("svg").count()
        == 1
    )
    shot(page, "mfa-setup")
    secret = page.locator("#totpSecret").inner_text().replace(" ", "")
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Verify and sign in").click()
    _signed_in_as(page, test_app, "alice")

    with fresh_page(chromium) as other:  # another browser: no session, so the code is asked
        other.goto(app.authorize_url())
        _sign_in(other)
        _heading(other, "Enter your authentication code")
        shot(other, "mfa-code")
        other.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
        other.get_by_role("button", name="Sign in").click()
        _signed_in_as(other, test_app, "alice")

    # With SMS MFA too and no preferred factor, the user chooses one.
    verified_phone(idp, pool_id)
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id, Username="alice", SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )  # fmt: skip
    with fresh_page(chromium) as choose:
        choose.goto(app.authorize_url())
        _sign_in(choose)
        _heading(choose, "Choose how to verify your sign-in")
        shot(choose, "select-mfa")
        choose.get_by_label("Text message (SMS)").check()
        choose.get_by_role("button", name="Continue").click()
        _heading(choose, "Enter your authentication code")
        choose.get_by_label("Code", exact=True).fill(sent_code(live, pool_id, "mfa"))
        choose.get_by_role("button", name="Sign in").click()
        _signed_in_as(choose, test_app, "alice")


def test_forgot_password(idp: Any, live: RunningServer, page: Any, test_app: TestApp) -> None:
    app = _app(idp, live, test_app)
    page.goto(app.authorize_url())
    _heading(page, "Sign in")
    page.get_by_role("link", name="Forgot your password?").click()
    _heading(page, "Forgot your password?")
    shot(page, "forgot-password")
    page.get_by_label("Username").fill("alice")
    page.get_by_role("button", name="Reset my password").click()
    _heading(page, "Reset your password")
    shot(page, "confirm-forgot-password")
    page.get_by_label("Verification code").fill(sent_code(live, app.client.pool_id, "forgot_password"))  # type: ignore[union-attr]
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Enter the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    _signed_in_as(page, test_app, "alice")
    page.context.clear_cookies()  # the new password signs in from scratch too
    page.goto(app.authorize_url())
    _sign_in(page, password=NEW_PASSWORD)
    _signed_in_as(page, test_app, "alice")


def test_federated_sign_in_through_the_upstream_oidc_provider(
    idp: Any, live: RunningServer, page: Any, test_app: TestApp
) -> None:
    """authorize → "Continue with Corp" → the upstream Userpools' /login → /oauth2/idpresponse → the app."""
    app = _app(idp, live, test_app)
    assert app.client is not None
    with upstream_pool() as up:
        connect(up, app.client)
        enable(app.client, "COGNITO", "Corp")
        page.goto(app.authorize_url(state="fed-a"))
        _heading(page, "Sign in")
        shot(page, "federated-login")
        page.get_by_role("link", name="Continue with Corp").click()
        page.wait_for_url(f"{up.live.url}/domain/{up.domain}/login?**")
        shot(page, "federated-upstream-login")
        _sign_in(page, "ann")
        sub = up.sub()
        _signed_in_as(page, test_app, f"Corp_{sub}")
    shot(page, "federated-signed-in")
    assert page.locator("#state").inner_text() == "fed-a"
    assert page.locator("#email").inner_text() == "ann@example.com"
    [identity] = claims(test_app.tokens[-1]["id_token"])["identities"]
    assert identity["providerName"] == "Corp" and identity["providerType"] == "OIDC"
    assert identity["userId"] == sub and identity["issuer"] == up.issuer


def test_logout_clears_the_session(idp: Any, live: RunningServer, page: Any, test_app: TestApp) -> None:
    app = _app(idp, live, test_app)
    page.goto(app.authorize_url())
    _sign_in(page)
    _signed_in_as(page, test_app, "alice")
    assert "userpools-session" in {c["name"] for c in page.context.cookies()}
    page.goto(app.authorize_url(state="again"))  # the session answers at once
    _signed_in_as(page, test_app, "alice")
    page.goto(app.logout_url())
    page.wait_for_url(test_app.signed_out)
    _heading(page, "Signed out")
    assert "userpools-session" not in {c["name"] for c in page.context.cookies()}
    page.goto(app.authorize_url())
    _heading(page, "Sign in")  # asked to sign in again
    assert "/login?" in page.url
    shot(page, "after-logout")


LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
    b'<rect width="120" height="40" fill="#f0a"/></svg>'
)


def test_managed_login_branding_and_terms(
    idp: Any, live: RunningServer, page: Any, test_app: TestApp
) -> None:
    """A version 2 domain: the client's style paints the form, its logo loads, sign-up links the terms."""
    app = _app(idp, live, test_app).client
    assert app is not None
    idp.update_user_pool_domain(UserPoolId=app.pool_id, Domain=app.domain, ManagedLoginVersion=2)
    idp.create_managed_login_branding(
        UserPoolId=app.pool_id,
        ClientId=app.client_id,
        Settings={
            "components": {
                "primaryButton": {"lightMode": {"defaults": {"backgroundColor": "ff0000ff"}}},
                "pageBackground": {"lightMode": {"color": "00ff00ff"}},
                "form": {"logo": {"enabled": True}},
            }
        },
        Assets=[{"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "SVG", "Bytes": LOGO_SVG}],
    )
    for name, link in (
        ("terms-of-use", "https://example.com/terms"),
        ("privacy-policy", "https://example.com/p"),
    ):
        idp.create_terms(
            UserPoolId=app.pool_id, ClientId=app.client_id, TermsName=name, TermsSource="LINK",
            Enforcement="NONE", Links={"cognito:default": link},
        )  # fmt: skip
    page.goto(test_app.authorize_url(state="styled"))
    _heading(page, "Sign in")
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(255, 0, 0)"
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(0, 255, 0)"
    logo = page.get_by_role("img", name="Logo")
    assert logo.evaluate("img => img.complete && img.naturalWidth") == 120  # served and allowed by the CSP
    shot(page, "managed-login")
    page.get_by_role("link", name="Sign up").click()
    _heading(page, "Sign up")
    assert page.get_by_role("link", name="Terms of use").get_attribute("href") == "https://example.com/terms"
    assert page.get_by_role("link", name="Privacy policy").get_attribute("href") == "https://example.com/p"
    shot(page, "managed-login-signup")
