"""Sign-in steps after the password on the hosted pages: a new password, TOTP codes, steps not offered."""

from __future__ import annotations

import re
import time
from html import unescape
from typing import Any

import pyotp
from oauth_support import (
    PASSWORD,
    SMS_CONFIG,
    Browser,
    add_user,
    exchange,
    form_of,
    login_form,
    make_app,
    post_form,
    query_of,
    sent_code,
    sms_mfa,
    verified_phone,
)

from userpools.testing import RunningServer

NEW_PASSWORD = "Brand-new-Passw0rd!"


def test_new_password_step(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    add_user(idp, app.pool_id, "carol", permanent=False, email="carol@example.com")
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(state="np"), live.url), username="carol")
    assert step.status_code == 200 and 'name="new_password"' in step.text
    assert form_of(step)["action"].startswith(f"/domain/{app.domain}/forceChangePassword?")
    assert '<label class="label-customizable" for="confirm_password">' in step.text
    differ = post_form(browser, step, new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD + "x")
    assert differ.status_code == 400 and "The two passwords are not the same." in differ.text
    weak = post_form(browser, differ, new_password="short", confirm_password="short")
    assert weak.status_code == 400 and "Password did not conform with policy" in weak.text
    done = post_form(browser, weak, new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD)
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
    assert form_of(step)["action"].startswith(f"/domain/{app.domain}/mfa?")
    assert "userpools-session" not in step.headers.get("set-cookie", "")
    wrong = post_form(browser, step, code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 400 and "Invalid code or auth state for the user." in wrong.text
    assert 'name="password"' in wrong.text  # the Session is spent: back to the sign-in form
    replay = post_form(browser, step, code=pyotp.TOTP(secret).at(time.time() + 30))
    assert replay.status_code == 400 and "Invalid session for the user." in replay.text
    again = browser.submit(login_form(wrong, live.url))
    done = post_form(browser, again, code=pyotp.TOTP(secret).at(time.time() + 30))
    assert done.status_code == 302, done.text
    assert exchange(app, query_of(done.headers["location"])["code"]).status_code == 200
    assert "code=" in browser.authorize().headers["location"]  # the session needs no second factor again


def test_mfa_setup_step(idp: Any, live: RunningServer) -> None:
    app = _totp_app(idp, live, mode="ON")
    browser = Browser(app)
    setup = browser.submit(login_form(browser.open_login(state="ms"), live.url))
    assert setup.status_code == 200 and form_of(setup)["action"].startswith(f"/domain/{app.domain}/mfaSetup?")
    assert re.search(r"<svg[^>]*viewBox", setup.text) and "<path" in setup.text  # the QR code, inline
    secret = re.search(r'<code id="totpSecret">([A-Z2-7 ]+)</code>', setup.text).group(1).replace(" ", "")  # type: ignore[union-attr]
    pool_name = idp.describe_user_pool(UserPoolId=app.pool_id)["UserPool"]["Name"]
    otpauth = unescape(re.search(r'href="(otpauth://[^"]+)"', setup.text).group(1))  # type: ignore[union-attr]
    assert otpauth == pyotp.TOTP(secret).provisioning_uri(name="alice", issuer_name=pool_name)
    typo = post_form(browser, setup, code="12345")
    assert typo.status_code == 400 and "Enter the 6-digit code" in typo.text
    wrong = post_form(browser, typo, code="000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 400 and "Code mismatch" in wrong.text
    assert secret in re.sub(r"\s", "", wrong.text)  # the same secret, to try again
    done = post_form(browser, wrong, code=pyotp.TOTP(secret).now())
    assert done.status_code == 302, done.text
    answer = query_of(done.headers["location"])
    assert answer["state"] == "ms" and exchange(app, answer["code"]).status_code == 200
    user = idp.admin_get_user(UserPoolId=app.pool_id, Username="alice")
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    other = Browser(app)
    again = other.submit(login_form(other.open_login(), live.url))
    assert again.status_code == 200 and "authenticator app" in again.text and "mfaSetup" not in again.text


def test_select_mfa_type_step(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool={"SmsConfiguration": SMS_CONFIG})
    sms_mfa(idp, app.pool_id, totp=True)
    verified_phone(idp, app.pool_id)
    secret = _add_totp(idp, app)
    idp.admin_set_user_mfa_preference(
        UserPoolId=app.pool_id, Username="alice", SMSMfaSettings={"Enabled": True, "PreferredMfa": False},
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
    )  # fmt: skip
    browser = Browser(app)
    choose = browser.submit(login_form(browser.open_login(), live.url))
    assert choose.status_code == 200 and "<fieldset" in choose.text and "<legend" in choose.text
    assert 'value="SMS_MFA"' in choose.text and 'value="SOFTWARE_TOKEN_MFA"' in choose.text
    assert '<label class="label-customizable" for="mfa-SMS_MFA">Text message (SMS)</label>' in choose.text
    bad = post_form(browser, choose, answer="EMAIL_OTP")
    assert bad.status_code == 400 and "ANSWER must be one of" in bad.text and "<fieldset" in bad.text
    step = post_form(browser, bad, answer="SMS_MFA")
    assert step.status_code == 200 and "We sent a code to +*******0123." in step.text
    done = post_form(browser, step, code=sent_code(live, app.pool_id, "mfa"))
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text
    other = Browser(app)
    choose = other.submit(login_form(other.open_login(), live.url))
    totp = post_form(other, choose, answer="SOFTWARE_TOKEN_MFA")
    assert totp.status_code == 200 and "authenticator app" in totp.text
    done = post_form(other, totp, code=pyotp.TOTP(secret).at(time.time() + 30))
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text


def test_step_forms_need_csrf(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    add_user(idp, app.pool_id, "dave", permanent=False)
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(), live.url), username="dave")
    forged = post_form(
        browser, step, _csrf="forged", new_password=NEW_PASSWORD, confirm_password=NEW_PASSWORD
    )
    assert forged.status_code == 403 and "location" not in forged.headers
    assert (
        idp.admin_get_user(UserPoolId=app.pool_id, Username="dave")["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    )


def test_sms_code_step(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live, pool={"SmsConfiguration": SMS_CONFIG})
    sms_mfa(idp, app.pool_id)
    verified_phone(idp, app.pool_id)
    idp.admin_set_user_mfa_preference(UserPoolId=app.pool_id, Username="alice",
                                      SMSMfaSettings={"Enabled": True, "PreferredMfa": True})  # fmt: skip
    browser = Browser(app)
    step = browser.submit(login_form(browser.open_login(), live.url))
    assert step.status_code == 200 and "We sent a code to +*******0123." in step.text
    done = post_form(browser, step, code=sent_code(live, app.pool_id, "mfa"))
    assert done.status_code == 302 and "code=" in done.headers["location"], done.text


def test_forged_step_fields_are_refused(idp: Any, live: RunningServer) -> None:
    app = _totp_app(idp, live, mode="ON")
    browser = Browser(app)
    setup = browser.submit(login_form(browser.open_login(), live.url))
    for fields in ({"setup": "forged"}, {"session": "", "setup": ""}, {"session": "x" * 30}):
        answer = post_form(browser, setup, code="123456", **fields)
        assert answer.status_code == 400 and 'name="password"' in answer.text, (fields, answer.text)
    choose = post_form(browser, setup, challenge="SELECT_MFA_TYPE", answer="SMS_MFA", choices="[")
    assert choose.status_code == 400 and 'name="password"' in choose.text
    unknown = post_form(browser, setup, challenge="CUSTOM_CHALLENGE", code="1")
    assert unknown.status_code == 400 and "This sign-in step does not exist." in unknown.text
