"""amazon-cognito-identity-js with software-token (TOTP) MFA: associate, verify, prefer, then sign in with
a SOFTWARE_TOKEN_MFA challenge answered through ``sendMFACode``."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from clients_support import PASSWORD, NodeFactory, confirmed_user, make_client, make_pool, step, unique


def test_totp_mfa_with_cognito_identity_js(idp: Any, cij: NodeFactory) -> None:
    pool_id = make_pool(idp)
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True}
    )
    client_id = make_client(idp, pool_id)["ClientId"]
    js = cij(pool_id, client_id)
    username = unique("mfa")
    confirmed_user(idp, pool_id, username)
    js.must(step("signIn", username=username, password=PASSWORD))
    secret = js.must(step("associateSoftwareToken")).result("associateSoftwareToken")["secretCode"]
    totp = pyotp.TOTP(secret)
    js.must(step("verifySoftwareToken", code=totp.now(), friendlyDeviceName="authenticator"))
    js.must(step("setUserMfaPreference", totp=True))
    user = idp.admin_get_user(UserPoolId=pool_id, Username=username)
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert user["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"

    # Without a code the library reports the TOTP challenge; with the next step's code it signs in.
    refused = js.run(step("signIn", username=username, password=PASSWORD, allow_error=True))
    assert "unexpected TOTP challenge" in str(refused.error("signIn"))
    outcome = js.must(
        step("signIn", username=username, password=PASSWORD, totpCode=totp.at(time.time() + 30))
    )
    session = outcome.result("signIn")
    assert session["valid"] is True and session["idClaims"]["cognito:username"] == username
    answer = outcome.calls_to("RespondToAuthChallenge")[-1]
    assert answer["request"]["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
