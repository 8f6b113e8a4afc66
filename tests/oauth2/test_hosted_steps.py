"""Sign-in steps after the password on the hosted pages: a new password, TOTP codes, steps not offered."""

from __future__ import annotations

import json
import re
import time
from html import unescape
from typing import Any

import httpx
import pyotp
from oauth_support import PASSWORD, Browser, add_user, exchange, login_form, make_app, query_of

from userpools.testing import RunningServer

NEW_PASSWORD = "Brand-new-Passw0rd!"


def _fields(page: httpx.Response) -> dict[str, str]:
    """The hidden fields and the action of a step page."""
    fields = {
        n: unescape(v) for n, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    }
    fields["action"] = unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
    return fields


def _post(browser: Browser, page: httpx.Response, **values: str) -> httpx.Response:
    fields = _fields(page)
    action = fields.pop("action")
    return browser.http.post(browser.app.live.url + action, data={**fields, **values})


def test_new_password_step(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    add_user(idp, app.pool_id, "carol", permanent=False, email="carol@example.com")
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(state="np"), live.url), username="carol")
    assert step.status_code == 200 and 'name="new_password"' in step.text
    assert _fields(step)["action"].startswith(f"/domain/{app.domain}/forceChangePassword?")
    assert '<label class="label-customizable" for="confirm_password">' in step.text
    differ = _post(browser, step, new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD + "x")
    assert differ.status_code == 400 and "The two passwords are not the same." in differ.text
    weak = _post(browser, differ, new_password="short", confirm_password="short")
    assert weak.status_code == 400 and "Password did not conform with policy" in weak.text
    done = _post(browser, weak, new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
    assert done.status_code == 302, done.text
    answer = query_of(done.headers["location"])
    assert answer["state"] == "np" and exchange(app, answer["code"]).status_code == 200
    user = idp.admin_get_user(UserPoolId=app.pool_id, Username="carol")
    assert user["UserStatus"] == "CONFIRMED"
    idp.initiate_auth(ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": "carol", "PASSWORD": NEW_PASSWORD})  # fmt: skip


def _totp_app(idp: Any, live: RunningServer, mode: str = "OPTIONAL") -> Any:
    app = make_app(idp, live)
    idp.set_user_pool_mfa_config(
        UserPoolId=app.pool_id, MfaConfiguration=mode, SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    return app


def _add_totp(idp: Any, app: Any) -> str:
    access = idp.initiate_auth(ClientId=app.client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
                               )["AuthenticationResult"]["AccessToken"]  # fmt: skip
    secret = str(idp.associate_software_token(AccessToken=access)["SecretCode"])
    assert (
        idp.verify_software_token(AccessToken=access, UserCode=pyotp.TOTP(secret).now())["Status"]
        == "SUCCESS"
    )
    idp.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return secret


def test_totp_step(idp: Any, live: RunningServer) -> None:
    app = _totp_app(idp, live)
    secret = _add_totp(idp, app)
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(), live.url))
    assert (
        step.status_code == 200
        and "authenticator app" in step.text
        and 'autocomplete="one-time-code"' in step.text
    )
    assert _fields(step)["action"].startswith(f"/domain/{app.domain}/mfa?")
    assert "userpools-session" not in step.headers.get("set-cookie", "")
    wrong = _post(browser, step, code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 400 and "Invalid code or auth state for the user." in wrong.text
    assert 'name="password"' in wrong.text  # the Session is spent: back to the sign-in form
    replay = _post(browser, step, code=pyotp.TOTP(secret).at(time.time() + 30))
    assert replay.status_code == 400 and "Invalid session for the user." in replay.text
    again = browser.submit(login_form(wrong, live.url))
    done = _post(browser, again, code=pyotp.TOTP(secret).at(time.time() + 30))
    assert done.status_code == 302, done.text
    assert exchange(app, query_of(done.headers["location"])["code"]).status_code == 200
    assert "code=" in browser.authorize().headers["location"]  # the session needs no second factor again


def test_mfa_setup_is_not_offered_yet(idp: Any, live: RunningServer) -> None:
    app = _totp_app(idp, live, mode="ON")
    browser = Browser(app)
    answer = browser.submit(login_form(browser.open_login(), live.url))
    assert answer.status_code == 501 and "MFA_SETUP" in answer.text and "location" not in answer.headers


def test_step_forms_need_csrf(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    add_user(idp, app.pool_id, "dave", permanent=False)
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(), live.url), username="dave")
    forged = _post(browser, step, _csrf="forged", new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
    assert forged.status_code == 403 and "location" not in forged.headers
    assert (
        idp.admin_get_user(UserPoolId=app.pool_id, Username="dave")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    )


def test_sms_code_step(idp: Any, live: RunningServer) -> None:
    sms = {"SnsCallerArn": "arn:aws:iam::123456789012:role/sns-caller", "ExternalId": "ext"}
    app = make_app(idp, live, pool={"SmsConfiguration": sms})
    idp.set_user_pool_mfa_config(
        UserPoolId=app.pool_id, MfaConfiguration="OPTIONAL",
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Hosted code {####}", "SmsConfiguration": sms},
    )  # fmt: skip
    idp.admin_update_user_attributes(
        UserPoolId=app.pool_id, Username="alice",
        UserAttributes=[{"Name": "phone_number", "Value": "+15555550123"},
                        {"Name": "phone_number_verified", "Value": "true"}],
    )  # fmt: skip
    idp.admin_set_user_mfa_preference(UserPoolId=app.pool_id, Username="alice",
                                      SMSMfaSettings={"Enabled": True, "PreferredMfa": True})  # fmt: skip
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(), live.url))
    assert step.status_code == 200 and "We sent a code to +*******0123." in step.text
    sent = [json.loads(line) for line in live.outbox.read_text(encoding="utf-8").splitlines()]
    body = [m for m in sent if m["pool_id"] == app.pool_id and m.get("kind") == "mfa"][-1]["body"]
    code = re.findall(r"\d{6}", body)[-1]
    done = _post(browser, step, code=code)
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text
