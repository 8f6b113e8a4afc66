"""AdminListUserAuthEvents, AdminUpdateAuthEventFeedback, UpdateAuthEventFeedback, and what is recorded."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from test_auth_support import Srp, error_of, make_client, make_pool, make_user
from test_risk_support import STRONG, events, protected_pool, setup, sign_in, takeover
from test_users_support import messages

from userpools.testing import RunningServer

OFF = "UserPoolAddOnNotEnabledException"


def test_success_and_failure_are_recorded_newest_first(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    sign_in(idp, client_id, "10.0.0.1")
    error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.1", password="not-it")
    listed = events(idp, pool_id)
    assert [(e["EventType"], e["EventResponse"]) for e in listed] == [("SignIn", "Fail"), ("SignIn", "Pass")]
    failed, passed = listed
    assert failed["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Failure"}]
    assert passed["ChallengeResponses"] == [{"ChallengeName": "Password", "ChallengeResponse": "Success"}]
    assert (
        re.fullmatch(r"[0-9a-f-]{36}", passed["EventId"]) and passed["CreationDate"] < failed["CreationDate"]
    )
    assert passed["EventRisk"] == {
        "RiskDecision": "NoRisk",
        "RiskLevel": "Low",
        "CompromisedCredentialsDetected": False,
    }
    assert "EventFeedback" not in passed


def test_srp_sign_ins_are_recorded(idp: Any) -> None:
    pool_id = protected_pool(idp, "AUDIT")
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "alice", STRONG)
    Srp(idp, pool_id, client_id, "alice", STRONG).sign_in()
    srp = Srp(idp, pool_id, client_id, "alice", "wrong-password")
    error_of(srp.respond, challenge=srp.initiate())
    assert [e["EventResponse"] for e in events(idp, pool_id)] == ["Fail", "Pass"]


def test_nothing_is_recorded_while_threat_protection_is_off(idp: Any) -> None:
    pool_id = make_pool(idp, UserPoolTier="PLUS")
    client_id = make_client(idp, pool_id)["ClientId"]
    make_user(idp, pool_id, "alice", STRONG)
    sign_in(idp, client_id, "10.0.0.1")
    assert error_of(idp.admin_list_user_auth_events, UserPoolId=pool_id, Username="alice")[0] == OFF
    idp.update_user_pool(
        UserPoolId=pool_id, UserPoolTier="PLUS", UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"}
    )
    assert events(idp, pool_id) == []
    sign_in(idp, client_id, "10.0.0.1")
    assert len(events(idp, pool_id)) == 1


def test_other_event_types(idp: Any) -> None:
    pool_id = protected_pool(idp, "AUDIT", AutoVerifiedAttributes=["email"])
    client_id = make_client(idp, pool_id)["ClientId"]
    idp.sign_up(ClientId=client_id, Username="dave", Password=STRONG,
                UserAttributes=[{"Name": "email", "Value": "dave@example.com"}],
                UserContextData={"IpAddress": "192.0.2.5"})  # fmt: skip
    idp.resend_confirmation_code(ClientId=client_id, Username="dave")
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username="dave")
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="dave", UserAttributes=[{"Name": "email_verified", "Value": "true"}]
    )
    idp.forgot_password(ClientId=client_id, Username="dave")
    token = sign_in(idp, client_id, "192.0.2.5", user="dave")["AuthenticationResult"]["AccessToken"]
    idp.change_password(AccessToken=token, PreviousPassword=STRONG, ProposedPassword=STRONG + "x")
    error_of(
        idp.change_password, AccessToken=token, PreviousPassword="wrong-one", ProposedPassword="another1"
    )
    kinds = [(e["EventType"], e["EventResponse"]) for e in events(idp, pool_id, "dave")]
    assert kinds == [("PasswordChange", "Fail"), ("PasswordChange", "Pass"), ("SignIn", "Pass"),
                     ("ForgotPassword", "Pass"), ("ResendCode", "Pass"), ("SignUp", "Pass")]  # fmt: skip
    assert events(idp, pool_id, "dave")[-1]["EventContextData"] == {"IpAddress": "192.0.2.5"}


def test_pagination(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    for n in range(5):
        sign_in(idp, client_id, f"10.0.0.{n}")
    everything = events(idp, pool_id)
    assert [e["EventContextData"]["IpAddress"] for e in everything] == [
        f"10.0.0.{n}" for n in range(4, -1, -1)
    ]
    seen, token = [], None
    while True:
        page = idp.admin_list_user_auth_events(
            UserPoolId=pool_id, Username="alice", MaxResults=2, **({"NextToken": token} if token else {})
        )
        seen += [e["EventId"] for e in page["AuthEvents"]]
        assert len(page["AuthEvents"]) <= 2
        token = page.get("NextToken")
        if token is None:
            break
    assert seen == [e["EventId"] for e in everything]
    paged = idp.get_paginator("admin_list_user_auth_events").paginate(
        UserPoolId=pool_id, Username="alice", PaginationConfig={"PageSize": 3}
    )
    assert [e["EventId"] for page in paged for e in page["AuthEvents"]] == seen


def test_list_errors(idp: Any) -> None:
    pool_id, _ = setup(idp, "AUDIT")
    assert error_of(idp.admin_list_user_auth_events, UserPoolId=pool_id, Username="nobody") == (
        "UserNotFoundException", "User does not exist.")  # fmt: skip
    code, message = error_of(
        idp.admin_list_user_auth_events, UserPoolId=pool_id, Username="alice", NextToken="bm9wZQ"
    )
    assert (code, message) == ("InvalidParameterException", "Invalid pagination token.")
    code, _ = error_of(idp.admin_list_user_auth_events, UserPoolId="us-east-1_nothere1", Username="alice")
    assert code == "ResourceNotFoundException"


def test_admin_feedback_is_stored(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    sign_in(idp, client_id, "10.0.0.1")
    event_id = events(idp, pool_id)[0]["EventId"]
    idp.admin_update_auth_event_feedback(
        UserPoolId=pool_id, Username="alice", EventId=event_id, FeedbackValue="Invalid"
    )
    feedback = events(idp, pool_id)[0]["EventFeedback"]
    assert (
        feedback["FeedbackValue"] == "Invalid"
        and feedback["Provider"] == "Admin"
        and feedback["FeedbackDate"]
    )
    idp.admin_update_auth_event_feedback(
        UserPoolId=pool_id, Username="alice", EventId=event_id, FeedbackValue="Valid"
    )
    assert events(idp, pool_id)[0]["EventFeedback"]["FeedbackValue"] == "Valid"


def test_admin_feedback_errors(idp: Any) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    make_user(idp, pool_id, "bob", STRONG)
    sign_in(idp, client_id, "10.0.0.1")
    event_id = events(idp, pool_id)[0]["EventId"]
    call = idp.admin_update_auth_event_feedback

    def code(username: str, value: str = "Valid") -> str:
        return error_of(call, UserPoolId=pool_id, Username=username, EventId=event_id, FeedbackValue=value)[0]

    assert code("bob") == "ResourceNotFoundException"  # another user's event
    assert code("nobody") == "UserNotFoundException"
    assert code("alice", "Maybe") == "InvalidParameterException"
    plain = make_pool(idp, UserPoolTier="PLUS")
    make_user(idp, plain, "alice", STRONG)
    assert (
        error_of(call, UserPoolId=plain, Username="alice", EventId=event_id, FeedbackValue="Valid")[0] == OFF
    )


def _links(live: RunningServer, pool_id: str) -> dict[str, dict[str, str]]:
    [mail] = [m for m in messages(live, pool_id, "alice") if m["kind"] == "risk-notification"]
    out = {}
    for url in re.findall(r"http\S+", mail["body"]):
        query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        out[query["feedback_value"]] = query
    return out


def test_user_feedback_with_the_emailed_token(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(notify=True))
    sign_in(idp, client_id, "10.0.0.1")
    sign_in(idp, client_id, "10.0.0.2")
    link = _links(live, pool_id)["Invalid"]
    assert link["event_id"] == events(idp, pool_id)[0]["EventId"]
    idp.update_auth_event_feedback(
        UserPoolId=link["user_pool_id"], Username=link["username"], EventId=link["event_id"],
        FeedbackToken=link["feedback_token"], FeedbackValue="Invalid",
    )  # fmt: skip
    feedback = events(idp, pool_id)[0]["EventFeedback"]
    assert feedback["FeedbackValue"] == "Invalid" and feedback["Provider"] == "User"


@pytest.mark.parametrize("wrong", ["token", "event", "user"])
def test_user_feedback_needs_the_events_own_token(idp: Any, live: RunningServer, wrong: str) -> None:
    pool_id, client_id = setup(idp)
    make_user(idp, pool_id, "bob", STRONG)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(notify=True))
    sign_in(idp, client_id, "10.0.0.1")
    sign_in(idp, client_id, "10.0.0.2")
    link = _links(live, pool_id)["Valid"]
    older = events(idp, pool_id)[1]["EventId"]
    request = {"UserPoolId": pool_id, "Username": "alice", "EventId": link["event_id"],
               "FeedbackToken": link["feedback_token"], "FeedbackValue": "Valid"}  # fmt: skip
    request.update({"token": {"FeedbackToken": link["feedback_token"][:-4] + "AAAA"},
                    "event": {"EventId": older}, "user": {"Username": "bob"}}[wrong])  # fmt: skip
    code, message = error_of(idp.update_auth_event_feedback, **request)
    assert (code, message) == ("NotAuthorizedException", "The feedback token is not valid for this event.")
    assert all("EventFeedback" not in e for e in events(idp, pool_id))


def test_following_the_emailed_link_records_the_feedback(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = setup(idp)
    idp.set_risk_configuration(UserPoolId=pool_id, AccountTakeoverRiskConfiguration=takeover(notify=True))
    sign_in(idp, client_id, "10.0.0.1")
    sign_in(idp, client_id, "10.0.0.2")
    [mail] = [m for m in messages(live, pool_id, "alice") if m["kind"] == "risk-notification"]
    valid = next(url for url in re.findall(r"http\S+", mail["body"]) if "feedback_value=Valid" in url)
    assert valid.startswith(f"{live.url}/risk/feedback?")
    with urllib.request.urlopen(valid) as answer:
        assert answer.status == 200 and "recorded" in answer.read().decode()
    assert events(idp, pool_id)[0]["EventFeedback"]["FeedbackValue"] == "Valid"
    tampered = valid.replace("feedback_token=", "feedback_token=x")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered)
    assert refused.value.code == 400 and "not valid" in refused.value.read().decode()
