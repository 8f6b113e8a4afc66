"""UpdateUserAttributes, DeleteUserAttributes, GetUserAttributeVerificationCode and VerifyUserAttribute."""

from __future__ import annotations

from typing import Any

from test_self_service_support import FLOWS, access_token, signed_up
from test_signup_support import PASSWORD, attributes, code_rows, digest, last_code, new_client
from test_users_support import error_of, make_pool, messages

from userpools.testing import RunningServer

WRONG = ("CodeMismatchException", "Invalid verification code provided, please try again.")
EXPIRED = ("ExpiredCodeException", "Invalid code provided, please request a code again.")


def _attrs(**values: str) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in values.items()]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_changing_the_email_sends_a_code(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    out = idp.update_user_attributes(
        AccessToken=token, UserAttributes=_attrs(email="new@example.org", name="Al")
    )
    assert out["CodeDeliveryDetailsList"] == [
        {"Destination": "n***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}
    ]
    attrs = attributes(idp, pool_id)
    assert (
        attrs["email"] == "new@example.org" and attrs["email_verified"] == "false" and attrs["name"] == "Al"
    )
    sent = messages(live, pool_id, "alice")[-1]
    assert sent["destination"] == "new@example.org" and sent["kind"] == "verification"
    code = last_code(live, pool_id)
    sub = attrs["sub"]
    assert code_rows(live, pool_id, "alice")["verify_email"]["code_hash"] == digest(
        live, "verify_email", sub, code
    )
    assert (
        error_of(idp.verify_user_attribute, AccessToken=token, AttributeName="email", Code=_wrong(code))
        == WRONG
    )
    assert attributes(idp, pool_id)["email_verified"] == "false"
    idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert attributes(idp, pool_id)["email_verified"] == "true"
    assert error_of(idp.verify_user_attribute, AccessToken=token, AttributeName="email", Code=code) == EXPIRED


def test_other_attributes_send_nothing(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    before = len(messages(live, pool_id))
    assert idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(nickname="al")).get(
        "CodeDeliveryDetailsList"
    ) in (None, [])
    assert attributes(idp, pool_id)["nickname"] == "al" and len(messages(live, pool_id)) == before


def test_verification_before_update_keeps_the_old_value(idp: Any, live: RunningServer) -> None:
    settings = {"UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}}
    pool_id, client_id = signed_up(idp, live, settings)
    token = access_token(idp, live, pool_id, client_id)
    idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(email="new@example.org"))
    attrs = attributes(idp, pool_id)
    assert attrs["email"] == "alice@example.com" and attrs["email_verified"] == "true"
    assert messages(live, pool_id, "alice")[-1]["destination"] == "new@example.org"
    # A re-sent code also goes to the new value.
    out = idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert out["CodeDeliveryDetails"]["Destination"] == "n***@e***"
    idp.verify_user_attribute(AccessToken=token, AttributeName="email", Code=last_code(live, pool_id))
    attrs = attributes(idp, pool_id)
    assert attrs["email"] == "new@example.org" and attrs["email_verified"] == "true"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice").get("MFAOptions") is None


def test_update_errors_change_nothing(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live, WriteAttributes=["email", "name"])
    token = access_token(idp, live, pool_id, client_id)
    before, sent = attributes(idp, pool_id), len(messages(live, pool_id))
    unauthorized = ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    err = error_of(
        idp.update_user_attributes, AccessToken=token, UserAttributes=_attrs(email="x@y.z", nickname="n")
    )
    assert err == unauthorized
    err = error_of(
        idp.update_user_attributes, AccessToken=token, UserAttributes=_attrs(email_verified="true")
    )
    assert err == unauthorized
    err = error_of(idp.update_user_attributes, AccessToken=token, UserAttributes=_attrs(email="not-an-email"))
    assert err[0] == "InvalidParameterException"
    err = error_of(idp.delete_user_attributes, AccessToken=token, UserAttributeNames=["nickname"])
    assert err == unauthorized
    err = error_of(idp.update_user_attributes, AccessToken="not.a.token", UserAttributes=_attrs(name="x"))
    assert err[0] == "NotAuthorizedException"
    assert attributes(idp, pool_id) == before and len(messages(live, pool_id)) == sent


def test_delete_user_attributes(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(nickname="al"))
    idp.delete_user_attributes(AccessToken=token, UserAttributeNames=["nickname", "email"])
    attrs = attributes(idp, pool_id)
    assert "nickname" not in attrs and "email" not in attrs and "email_verified" not in attrs
    err = error_of(idp.delete_user_attributes, AccessToken=token, UserAttributeNames=["sub"])
    assert err == ("NotAuthorizedException", "A client attempted to write unauthorized attribute")
    err = error_of(idp.delete_user_attributes, AccessToken=token, UserAttributeNames=["custom:nope"])
    assert err[0] == "InvalidParameterException"
    err = error_of(idp.get_user_attribute_verification_code, AccessToken=token, AttributeName="email")
    assert err[0] == "InvalidParameterException"


def test_verification_codes_on_request(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    token = access_token(idp, live, pool_id, client_id)
    idp.admin_update_user_attributes(
        UserPoolId=pool_id, Username="alice", UserAttributes=_attrs(phone_number="+15555550100")
    )
    out = idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="phone_number")
    assert out["CodeDeliveryDetails"] == {
        "Destination": "+*******0100",
        "DeliveryMedium": "SMS",
        "AttributeName": "phone_number",
    }
    assert messages(live, pool_id)[-1]["channel"] == "sms"
    idp.verify_user_attribute(AccessToken=token, AttributeName="phone_number", Code=last_code(live, pool_id))
    assert attributes(idp, pool_id)["phone_number_verified"] == "true"
    err = error_of(idp.get_user_attribute_verification_code, AccessToken=token, AttributeName="name")
    assert err[0] == "InvalidParameterException"
    for _ in range(4):
        idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    err = error_of(idp.get_user_attribute_verification_code, AccessToken=token, AttributeName="email")
    assert err == ("LimitExceededException", "Attempt limit exceeded, please try after some time.")


def test_verifying_an_alias_held_by_another_user(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live, {"AliasAttributes": ["email"]})
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="bob",
        MessageAction="SUPPRESS",
        UserAttributes=_attrs(email="bob@example.com", email_verified="true"),
    )
    token = access_token(idp, live, pool_id, client_id)
    idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(email="bob@example.com"))
    code = last_code(live, pool_id, "alice")
    err = error_of(idp.verify_user_attribute, AccessToken=token, AttributeName="email", Code=code)
    assert err == ("AliasExistsException", "An account with the email already exists.")
    assert attributes(idp, pool_id)["email_verified"] == "false"
    assert idp.admin_get_user(UserPoolId=pool_id, Username="bob@example.com")["Username"] == "bob"


def test_a_changed_contact_retires_its_outstanding_code(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = signed_up(idp, live)
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=[])
    token = access_token(idp, live, pool_id, client_id)
    idp.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    old_code = last_code(live, pool_id)
    sent = len(messages(live, pool_id))
    out = idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(email="new@example.org"))
    assert "CodeDeliveryDetailsList" not in out or out["CodeDeliveryDetailsList"] == []
    assert len(messages(live, pool_id)) == sent
    err = error_of(idp.verify_user_attribute, AccessToken=token, AttributeName="email", Code=old_code)
    assert err == EXPIRED
    assert attributes(idp, pool_id)["email_verified"] == "false"


def test_pending_values_and_username_attributes(idp: Any, live: RunningServer) -> None:
    settings = {
        "UsernameAttributes": ["email"],
        "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
    }
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"], **settings)
    client_id = new_client(idp, pool_id, ExplicitAuthFlows=FLOWS)
    idp.sign_up(ClientId=client_id, Username="alice@example.com", Password=PASSWORD)
    idp.confirm_sign_up(
        ClientId=client_id, Username="alice@example.com", ConfirmationCode=last_code(live, pool_id)
    )
    token = access_token(idp, live, pool_id, client_id, username="alice@example.com")
    err = error_of(idp.update_user_attributes, AccessToken=token, UserAttributes=_attrs(email=""))
    assert err[0] == "InvalidParameterException"
    idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(email="new@example.org"))
    pending_code = last_code(live, pool_id)
    # Going back to the value in force drops the pending one.
    idp.update_user_attributes(AccessToken=token, UserAttributes=_attrs(email="alice@example.com"))
    err = error_of(idp.verify_user_attribute, AccessToken=token, AttributeName="email", Code=pending_code)
    assert err == EXPIRED
    assert attributes(idp, pool_id, "alice@example.com")["email"] == "alice@example.com"
