"""aws-amplify v6 choice-based sign-in (``authFlowType: 'USER_AUTH'``) against a live server: first-factor
selection, password, SRP and email one-time-code sign-ins, as Amplify drives them."""

from __future__ import annotations

from typing import Any

import pytest
from clients_support import (
    PASSWORD,
    NodeClient,
    NodeFactory,
    confirmed_user,
    make_client,
    make_pool,
    step,
    unique,
)

from userpools.testing import RunningServer

SES = {
    "EmailSendingAccount": "DEVELOPER",
    "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/a@example.com",
}


@pytest.fixture
def app(idp: Any, amplify: NodeFactory) -> tuple[str, NodeClient, str]:
    policies = {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}}
    pool_id = make_pool(idp, Policies=policies, EmailConfiguration=SES)
    client = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    username = unique("ua")
    confirmed_user(idp, pool_id, username, email=f"{username}@example.com", email_verified="true")
    return pool_id, amplify(pool_id, client["ClientId"]), username


@pytest.mark.parametrize("choice", ["PASSWORD", "PASSWORD_SRP"])
def test_first_factor_selection_then_password(app: Any, choice: str) -> None:
    _, js, username = app
    done = js.must(step("signInUserAuth", username=username, password=PASSWORD, choice=choice))
    result = done.result("signInUserAuth")
    assert result["availableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    assert result["steps"] == [
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        "CONFIRM_SIGN_IN_WITH_PASSWORD",
        "DONE",
    ]
    assert result["isSignedIn"] is True


@pytest.mark.parametrize("preferred", ["PASSWORD", "PASSWORD_SRP"])
def test_preferred_password_challenge(app: Any, preferred: str) -> None:
    _, js, username = app
    done = js.must(step("signInUserAuth", username=username, password=PASSWORD, preferredChallenge=preferred))
    assert done.result("signInUserAuth")["steps"] == ["DONE"]


def test_email_code_sign_in(app: Any, live: RunningServer) -> None:
    _, js, username = app
    plan = step("signInUserAuth", username=username, preferredChallenge="EMAIL_OTP", outbox=str(live.outbox))
    result = js.must(plan, step("tokens")).result("signInUserAuth")
    assert result["steps"] == ["CONFIRM_SIGN_IN_WITH_EMAIL_CODE", "DONE"]
    assert result["codeDeliveryDetails"]["deliveryMedium"] == "EMAIL"
    assert result["isSignedIn"] is True
    # Chosen at the first-factor selection instead.
    plan = step("signInUserAuth", username=username, choice="EMAIL_OTP", outbox=str(live.outbox))
    result = js.must(step("signOut"), plan).result("signInUserAuth")
    assert result["steps"] == [
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        "CONFIRM_SIGN_IN_WITH_EMAIL_CODE",
        "DONE",
    ]
