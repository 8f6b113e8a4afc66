"""The UserMigration trigger through real client libraries: amazon-cognito-identity-js and pycognito.

A server of its own routes the migration function (tests/trigger_functions.py) as an in-process Python
callable; the clients only get the endpoint, as everywhere in tests/clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clients_support import NodeClient, make_client, make_pool, step, unique, wait_code
from pycognito import Cognito

from trigger_functions import LEGACY_PASSWORD
from userpools.testing import DUMMY_KEY, RunningServer, server

MIGRATE = "arn:aws:lambda:us-east-1:000000000000:function:migrate"
NEW_PASSWORD = "N3w-Passw0rd!"


@pytest.fixture(scope="module")
def migrating() -> Iterator[RunningServer]:
    with server(
        email_sender="file", sms_sender="file", triggers="migrate=python:trigger_functions:migrate"
    ) as srv:
        yield srv


@pytest.fixture
def app(migrating: RunningServer) -> tuple[Any, str, str]:
    """A pool migrating users and an app client allowing the password flows; (boto3, pool id, client id)."""
    idp = migrating.client()
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"], LambdaConfig={"UserMigration": MIGRATE})
    flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
             "ALLOW_REFRESH_TOKEN_AUTH"]  # fmt: skip
    return idp, pool_id, make_client(idp, pool_id, ExplicitAuthFlows=flows)["ClientId"]


@pytest.fixture
def js(node_ready: None, migrating: RunningServer, app: tuple[Any, str, str], tmp_path: Path) -> NodeClient:
    """amazon-cognito-identity-js bound to the app client."""
    return NodeClient("cij.js", migrating, app[1], app[2], tmp_path / "storage.json")


def test_cij_password_sign_in_migrates_then_srp_works(app: tuple[Any, str, str], js: NodeClient) -> None:
    idp, pool_id, _ = app
    username = unique("legacy")
    session = js.must(
        step("signIn", username=username, password=LEGACY_PASSWORD, flow="USER_PASSWORD_AUTH")
    ).result("signIn")
    assert session["valid"] is True
    assert session["idClaims"]["cognito:username"] == username
    assert session["idClaims"]["email"] == f"{username}@legacy.example"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
    # Migrated with its password: the library's default SRP sign-in works from now on.
    again = js.must(step("signIn", username=username, password=LEGACY_PASSWORD)).result("signIn")
    assert again["idClaims"]["cognito:username"] == username


def test_cij_forgot_password_migrates(
    migrating: RunningServer, app: tuple[Any, str, str], js: NodeClient
) -> None:
    idp, pool_id, _ = app
    username = unique("legacy")
    sent = js.must(step("forgotPassword", username=username)).result("forgotPassword")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "RESET_REQUIRED"
    code = wait_code(migrating, pool_id, username)
    js.must(
        step("confirmPassword", username=username, code=code, newPassword=NEW_PASSWORD),
        step("signIn", username=username, password=NEW_PASSWORD),
    )


def test_pycognito_admin_authenticate_migrates(
    migrating: RunningServer, app: tuple[Any, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COGNITO_JWKS", raising=False)  # pycognito must check the server's own JWKS
    idp, pool_id, client_id = app
    username = unique("legacy")
    user = Cognito(
        pool_id, client_id, username=username, access_key=DUMMY_KEY[0], secret_key=DUMMY_KEY[1],
        boto3_client_kwargs={"endpoint_url": migrating.url},
    )  # fmt: skip
    user.admin_authenticate(password=LEGACY_PASSWORD)  # ADMIN_NO_SRP_AUTH; verifies the tokens
    assert user.id_claims["email"] == f"{username}@legacy.example"
    assert idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserStatus"] == "CONFIRMED"
