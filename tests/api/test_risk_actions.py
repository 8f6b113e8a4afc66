"""Threat protection acting in ENFORCED mode: breached passwords, IP ranges, adaptive MFA, notifications."""

from __future__ import annotations

import base64
import json
from typing import Any

from test_auth_support import error_of, make_client, make_user
from test_mfa_support import add_totp, next_totp, respond
from test_risk_support import STRONG, events, setup, sign_in, takeover
from test_users_support import messages

from userpools.testing import RunningServer

BREACHED = "Password1!"  # on the bundled breached-password list (and valid under the strongest policy)
BLOCKED = ("NotAuthorizedException", "Unable to login because of security reasons.")
BLOCK_BREACHES = {"Actions": {"EventAction": "BLOCK"}}


def test_breached_password_is_blocked_at_sign_in(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    make_user(idp, pool_id, "bob", BREACHED)
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=BLOCK_BREACHES)
    assert (
        error_of(sign_in, idp=idp, client_id=client_id, ip="10.1.1.1", password=BREACHED, user="bob")
        == BLOCKED
    )
    [event] = events(idp, pool_id, "bob")
    assert event["EventResponse"] == "Fail" and event["EventRisk"]["CompromisedCredentialsDetected"] is True
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.1.1.1")  # alice's password is not breached


def test_breached_password_passes_without_block_or_outside_the_filter(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    make_user(idp, pool_id, "bob", BREACHED)
    for config in ({"Actions": {"EventAction": "NO_ACTION"}}, {"EventFilter": ["SIGN_UP"], **BLOCK_BREACHES}):
        idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=config)
        assert "AuthenticationResult" in sign_in(idp, client_id, "10.1.1.1", BREACHED, "bob")
    latest = events(idp, pool_id, "bob")[0]
    assert latest["EventResponse"] == "Pass" and latest["EventRisk"]["CompromisedCredentialsDetected"] is True


def test_audit_mode_records_but_never_blocks(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    make_user(idp, pool_id, "bob", BREACHED)
    idp.set_risk_configuration(
        UserPoolId=pool_id,
        CompromisedCredentialsRiskConfiguration=BLOCK_BREACHES,
        RiskExceptionConfiguration={"BlockedIPRangeList": ["10.9.0.0/16"]},
    )
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.9.0.1", BREACHED, "bob")
    [event] = events(idp, pool_id, "bob")
    assert event["EventRisk"] == {
        "RiskDecision": "Block",
        "RiskLevel": "High",
        "CompromisedCredentialsDetected": True,
    }
    assert event["EventResponse"] == "Pass"


def test_breached_password_refused_at_sign_up_and_password_change(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=BLOCK_BREACHES)
    code, message = error_of(idp.sign_up, ClientId=client_id, Username="carol", Password=BREACHED)
    assert code == "InvalidPasswordException" and "breached" in message
    assert error_of(idp.admin_get_user, UserPoolId=pool_id, Username="carol")[0] == "UserNotFoundException"
    token = sign_in(idp, client_id, "10.1.1.1")["AuthenticationResult"]["AccessToken"]
    code, _ = error_of(
        idp.change_password, AccessToken=token, PreviousPassword=STRONG, ProposedPassword=BREACHED
    )
    assert code == "InvalidPasswordException"
    # Only SIGN_IN filtered: sign-up and password change let the same password through.
    only_sign_in = {"EventFilter": ["SIGN_IN"], **BLOCK_BREACHES}
    idp.set_risk_configuration(UserPoolId=pool_id, CompromisedCredentialsRiskConfiguration=only_sign_in)
    idp.change_password(AccessToken=token, PreviousPassword=STRONG, ProposedPassword=BREACHED)
    assert idp.sign_up(ClientId=client_id, Username="carol", Password=BREACHED)["UserSub"]


def test_blocked_ip_range_is_refused_and_skipped_range_not_assessed(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(
        UserPoolId=pool_id,
        AccountTakeoverRiskConfiguration=takeover(low="BLOCK", medium="BLOCK", high="BLOCK"),
        RiskExceptionConfiguration={
            "BlockedIPRangeList": ["203.0.113.0/24"],
            "SkippedIPRangeList": ["198.51.100.0/24"],
        },
    )
    assert (
        error_of(sign_in, idp=idp, client_id=client_id, ip="203.0.113.9") == BLOCKED
    )  # even a first sign-in
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.0.0.1")
    assert error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.2") == BLOCKED  # a new IP: Low → BLOCK
    assert "AuthenticationResult" in sign_in(idp, client_id, "198.51.100.20")  # new, but skipped
    risks = [(e["EventResponse"], e["EventRisk"].get("RiskDecision"), e["EventRisk"].get("RiskLevel"),
              e["EventContextData"]["IpAddress"]) for e in events(idp, pool_id)]  # fmt: skip
    assert risks == [
        ("Pass", "NoRisk", "Low", "198.51.100.20"),
        ("Fail", "AccountTakeover", "Low", "10.0.0.2"),
        ("Pass", "NoRisk", "Low", "10.0.0.1"),
        ("Fail", "Block", "High", "203.0.113.9"),
    ]


def test_new_ip_with_mfa_required_asks_for_the_users_factor(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    idp.set_risk_configuration(
        UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(low="MFA_REQUIRED")
    )
    first = sign_in(idp, client_id, "10.0.0.1")["AuthenticationResult"]
    secret = add_totp(idp, first["AccessToken"])  # a verified token, but MFA not turned on for the user
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.0.0.1")  # a known IP: no MFA
    challenge = sign_in(idp, client_id, "10.0.0.99")
    assert challenge["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert events(idp, pool_id)[0]["EventResponse"] == "InProgress"
    done = respond(idp, client_id, challenge, USERNAME="alice", SOFTWARE_TOKEN_MFA_CODE=next_totp(secret))
    assert "AccessToken" in done["AuthenticationResult"]
    latest = events(idp, pool_id)[0]
    assert latest["EventResponse"] == "Pass"
    assert latest["ChallengeResponses"] == [
        {"ChallengeName": "Password", "ChallengeResponse": "Success"},
        {"ChallengeName": "Mfa", "ChallengeResponse": "Success"},
    ]


def test_mfa_required_without_a_factor_is_refused_mfa_if_configured_is_not(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    sign_in(idp, client_id, "10.0.0.1")
    idp.set_risk_configuration(
        UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(low="MFA_REQUIRED")
    )
    assert error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.2") == BLOCKED
    idp.set_risk_configuration(
        UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(low="MFA_IF_CONFIGURED")
    )
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.0.0.2")


def test_recent_failures_raise_the_risk(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(medium="BLOCK"))
    sign_in(idp, client_id, "10.0.0.1")
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.0.0.2")  # new IP only: Low, no action
    for _ in range(3):
        assert error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.1", password="wrong-one")[1] == (
            "Incorrect username or password."
        )
    assert error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.3") == BLOCKED  # new IP + failures
    assert [e["EventResponse"] for e in events(idp, pool_id)][:4] == ["Fail"] * 4


def test_new_device_from_context_data_headers(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(medium="BLOCK"))

    def admin(ip: str, agent: str) -> Any:
        return idp.admin_initiate_auth(
            UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": STRONG},
            ContextData={"IpAddress": ip, "ServerName": "app.example.com", "ServerPath": "/login",
                         "HttpHeaders": [{"headerName": "User-Agent", "headerValue": agent}]},
        )  # fmt: skip

    admin("10.0.0.1", "Firefox/120")
    assert "AuthenticationResult" in admin("10.0.0.2", "Firefox/120")  # new IP, known device: Low
    assert error_of(admin, ip="10.0.0.3", agent="curl/8") == BLOCKED  # new IP and new device: Medium
    assert events(idp, pool_id)[0]["EventContextData"] == {"IpAddress": "10.0.0.3", "DeviceName": "curl/8"}


def test_notification_email_with_feedback_links(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(notify=True))
    sign_in(idp, client_id, "10.0.0.1")
    assert not [m for m in messages(live, pool_id, "alice") if m["kind"] == "risk-notification"]
    sign_in(idp, client_id, "10.0.0.2")
    [mail] = [m for m in messages(live, pool_id, "alice") if m["kind"] == "risk-notification"]
    assert mail["destination"] == "alice@example.com" and mail["subject"] == "New sign-in attempt"
    assert mail["extra"]["from"] == "security@example.com"
    event_id = events(idp, pool_id)[0]["EventId"]
    assert "10.0.0.2" in mail["body"] and f"event_id={event_id}" in mail["body"]
    assert "feedback_value=Valid" in mail["body"] and "feedback_value=Invalid" in mail["body"]


def test_custom_templates_and_block_email(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = setup(idp)
    config = takeover(low="BLOCK", notify=True)
    body = "Hi {username}, we blocked {ip-address}. {one-click-link-invalid}"
    config["NotifyConfiguration"]["BlockEmail"] = {"Subject": "We stopped a sign-in", "TextBody": body}
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=config)
    sign_in(idp, client_id, "10.0.0.1")
    assert error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.2") == BLOCKED
    [mail] = [m for m in messages(live, pool_id, "alice") if m["kind"] == "risk-notification"]
    assert mail["subject"] == "We stopped a sign-in"
    assert mail["body"].startswith("Hi alice, we blocked 10.0.0.2. http")


def test_http_client_address_when_no_context_data(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": STRONG},
    )
    assert events(idp, pool_id)[0]["EventContextData"] == {"IpAddress": "127.0.0.1"}


def test_per_client_configuration_acts_for_that_client_only(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    strict = make_client(idp, pool_id)["ClientId"]
    idp.set_risk_configuration(
        UserPoolId=pool_id, ClientId=strict, AccountTakeoverRiskConfiguration=takeover(low="BLOCK")
    )
    sign_in(idp, client_id, "10.0.0.1")
    assert "AuthenticationResult" in sign_in(idp, client_id, "10.0.0.2")
    assert error_of(sign_in, idp=idp, client_id=strict, ip="10.0.0.3") == BLOCKED


def _encoded(device_id: str) -> str:
    """UserContextData.EncodedData as Cognito's advanced security data collector builds it."""
    context = {"UserAgent": "Mozilla/5.0 Test", "DeviceId": device_id, "DevicePlatform": "Linux x86_64",
               "ClientTimezone": "+01:00", "DeviceLanguage": "en-GB"}  # fmt: skip
    payload = json.dumps({"contextData": context, "username": "alice", "timestamp": "1700000000000"})
    outer = {"payload": payload, "signature": "c2ln", "version": "JS20171115"}
    return base64.b64encode(json.dumps(outer).encode()).decode()


def test_device_from_encoded_data(idp: Any) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(medium="BLOCK"))

    def from_device(ip: str, device_id: str) -> Any:
        return idp.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "alice", "PASSWORD": STRONG},
            UserContextData={"IpAddress": ip, "EncodedData": _encoded(device_id)},
        )  # fmt: skip

    from_device("10.0.0.1", "device-one")
    seen = events(idp, pool_id)[0]["EventContextData"]
    assert seen == {
        "IpAddress": "10.0.0.1",
        "DeviceName": "Mozilla/5.0 Test, Linux x86_64",
        "Timezone": "+01:00",
    }
    assert "AuthenticationResult" in from_device("10.0.0.2", "device-one")  # same device: Low
    assert error_of(from_device, ip="10.0.0.3", device_id="device-two") == BLOCKED  # new IP + device
