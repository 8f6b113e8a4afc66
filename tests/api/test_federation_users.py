"""Federated users (federation/users.py) and AdminLinkProviderForUser / AdminDisableProviderForUser."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from test_federation_support import ISSUER, add_oidc_provider, attributes, federate

from userpools.errors import InvalidParameterException, NotAuthorizedException
from userpools.testing import RunningServer

CLAIMS = {"sub": "u-1", "email": "ann@example.com", "name": "Ann", "email_verified": True}


def link(
    idp: Any, pool_id: str, username: str, value: str, provider: str = "Corp", name: str = "Cognito_Subject"
) -> None:
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": username},
        SourceUser={"ProviderName": provider, "ProviderAttributeName": name, "ProviderAttributeValue": value},
    )


def local_user(idp: Any, pool_id: str, name: str = "alice", email: str = "ann@example.com") -> None:
    idp.admin_create_user(
        UserPoolId=pool_id, Username=name, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
    )  # fmt: skip


def subject(value: str, provider: str = "Corp", name: str = "Cognito_Subject") -> dict[str, str]:
    return {"ProviderName": provider, "ProviderAttributeName": name, "ProviderAttributeValue": value}


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def test_first_sign_in_creates_an_external_provider_user(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    result = federate(live, pool_id, CLAIMS)
    assert result.created and result.user.username == "Corp_u-1"
    user = idp.admin_get_user(UserPoolId=pool_id, Username="Corp_u-1")
    assert user["UserStatus"] == "EXTERNAL_PROVIDER" and user["Enabled"] is True
    attrs = attributes(user)
    assert attrs["email"] == "ann@example.com" and attrs["name"] == "Ann"
    assert "email_verified" not in attrs  # not mapped
    [identity] = json.loads(attrs["identities"])
    assert identity == {
        "userId": "u-1", "providerName": "Corp", "providerType": "OIDC", "issuer": ISSUER, "primary": True,
        "dateCreated": identity["dateCreated"],
    }  # fmt: skip
    assert isinstance(identity["dateCreated"], int) and identity["dateCreated"] > 1_600_000_000_000


def test_later_sign_ins_update_the_mapped_attributes(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(
        idp, pool_id, mapping={"email": "email", "name": "name", "email_verified": "email_verified"}
    )
    first = federate(live, pool_id, CLAIMS)
    again = federate(live, pool_id, {**CLAIMS, "name": "Ann Lee", "email": "lee@example.com"})
    assert not again.created and again.user.sub == first.user.sub
    attrs = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="Corp_u-1"))
    assert attrs["name"] == "Ann Lee" and attrs["email"] == "lee@example.com"
    assert attrs["email_verified"] == "true"  # mapped from the provider's boolean
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]] == ["Corp_u-1"]


def test_a_federated_email_is_no_sign_in_alias(live: RunningServer, idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="fed-alias", UsernameAttributes=["email"])["UserPool"]["Id"]
    add_oidc_provider(idp, pool_id)
    idp.admin_create_user(UserPoolId=pool_id, Username="ann@example.com", MessageAction="SUPPRESS")
    result = federate(live, pool_id, CLAIMS)
    assert result.created
    assert (
        idp.admin_get_user(UserPoolId=pool_id, Username="ann@example.com")["UserStatus"]
        != "EXTERNAL_PROVIDER"
    )
    assert len(idp.list_users(UserPoolId=pool_id, Filter='email = "ann@example.com"')["Users"]) == 2


def test_a_required_attribute_the_provider_does_not_send_fails_the_sign_in(
    live: RunningServer, idp: Any
) -> None:
    pool_id = idp.create_user_pool(
        PoolName="fed-required", Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}]
    )["UserPool"]["Id"]
    add_oidc_provider(idp, pool_id)
    with pytest.raises(InvalidParameterException):
        federate(live, pool_id, {"sub": "u-2"})
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []


def test_a_linked_identity_signs_in_as_the_local_user(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    local_user(idp, pool_id)
    link(idp, pool_id, "alice", "u-1")
    attrs = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="alice"))
    [identity] = json.loads(attrs["identities"])
    assert identity["userId"] == "u-1" and identity["providerName"] == "Corp" and identity["primary"] is False
    result = federate(live, pool_id, {**CLAIMS, "name": "Ann from Corp"})
    assert not result.created and result.user.username == "alice"
    assert attributes(idp.admin_get_user(UserPoolId=pool_id, Username="alice"))["name"] == "Ann from Corp"
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool_id)["Users"]] == ["alice"]
    link(idp, pool_id, "alice", "u-1")  # the same link again changes nothing


def test_linked_users_get_identities_in_their_id_token(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    local_user(idp, pool_id)
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="alice", Password="Passw0rd!long", Permanent=True
    )
    link(idp, pool_id, "alice", "u-1")
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    tokens = idp.admin_initiate_auth(
        UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!long"},
    )["AuthenticationResult"]  # fmt: skip
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    [identity] = claims["identities"]
    assert identity["userId"] == "u-1" and identity["providerType"] == "OIDC" and identity["issuer"] == ISSUER
    assert identity["primary"] == "false" and identity["dateCreated"].isdigit()  # strings, as Cognito's


def test_a_link_by_mapped_attribute_becomes_a_subject_link(
    live: RunningServer, idp: Any, pool_id: str
) -> None:
    add_oidc_provider(idp, pool_id)
    local_user(idp, pool_id)
    link(idp, pool_id, "alice", "ann@example.com", name="email")
    assert federate(live, pool_id, CLAIMS).user.username == "alice"
    [identity] = json.loads(
        attributes(idp.admin_get_user(UserPoolId=pool_id, Username="alice"))["identities"]
    )
    assert identity["userId"] == "u-1"  # the subject now, not the email
    disable = idp.admin_disable_provider_for_user
    code, _ = error_of(disable, UserPoolId=pool_id, User=subject("ann@example.com", name="email"))
    assert code == "UserNotFoundException"
    idp.admin_disable_provider_for_user(
        UserPoolId=pool_id,
        User=subject("u-1"),
    )
    assert "identities" not in attributes(idp.admin_get_user(UserPoolId=pool_id, Username="alice"))
    result = federate(live, pool_id, CLAIMS)  # unlinked: the identity gets a user of its own
    assert result.created and result.user.username == "Corp_u-1"


def test_link_errors(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
        ProviderDetails={"client_id": "g", "client_secret": "s", "authorize_scopes": "openid email"},
    )  # fmt: skip
    local_user(idp, pool_id)
    local_user(idp, pool_id, "bob", "bob@example.com")
    alice = {"ProviderName": "Cognito", "ProviderAttributeValue": "alice"}
    cognito_source = {
        "ProviderName": "Cognito",
        "ProviderAttributeName": "Cognito_Subject",
        "ProviderAttributeValue": "bob",
    }
    cases: list[tuple[dict[str, str], dict[str, str], str, str]] = [
        (alice, cognito_source, "InvalidParameterException",
         "Invalid SourceUser: Cognito users with a username/password may not be passed in as a SourceUser, "
         "only as a DestinationUser"),
        ({"ProviderName": "Cognito", "ProviderAttributeValue": "alice"},
         {"ProviderName": "Nope", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "1"},
         "InvalidParameterException", "identity provider Nope does not exist"),
        ({"ProviderName": "Cognito", "ProviderAttributeValue": "alice"},
         {"ProviderName": "Google", "ProviderAttributeName": "email", "ProviderAttributeValue": "a@b.c"},
         "InvalidParameterException", "ProviderAttributeName must be Cognito_Subject for Google"),
        ({"ProviderName": "Cognito", "ProviderAttributeValue": "alice"},
         {"ProviderName": "Corp", "ProviderAttributeName": "phone_number", "ProviderAttributeValue": "+1"},
         "InvalidParameterException", "phone_number is not an attribute the provider Corp maps"),
        ({"ProviderName": "Cognito", "ProviderAttributeValue": "nobody"},
         subject("u-9"),
         "UserNotFoundException", "User does not exist."),
    ]  # fmt: skip
    for destination, source, code, message in cases:
        got = error_of(
            idp.admin_link_provider_for_user,
            UserPoolId=pool_id,
            DestinationUser=destination,
            SourceUser=source,
        )
        assert got[0] == code and message in got[1], (source, got)
    link(idp, pool_id, "alice", "u-1")
    assert error_of(link, idp=idp, pool_id=pool_id, username="bob", value="u-1")[0] == "AliasExistsException"
    federate(live, pool_id, {**CLAIMS, "sub": "u-2"})  # u-2 has signed in: it has a user of its own
    code, message = error_of(link, idp=idp, pool_id=pool_id, username="bob", value="u-2")
    assert code == "InvalidParameterException" and message.startswith("Merging is not currently supported")


def test_at_most_five_identities_link_to_a_user(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    local_user(idp, pool_id)
    for n in range(5):
        link(idp, pool_id, "alice", f"u-{n}")
    code, _ = error_of(link, idp=idp, pool_id=pool_id, username="alice", value="u-5")
    assert code == "LimitExceededException"


def test_a_federated_user_can_be_a_destination(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    add_oidc_provider(idp, pool_id, "Other")
    federate(live, pool_id, CLAIMS)
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id,
        DestinationUser={"ProviderName": "Corp", "ProviderAttributeValue": "u-1"},
        SourceUser=subject("o-1", provider="Other"),
    )
    assert federate(live, pool_id, {"sub": "o-1"}, provider="Other").user.username == "Corp_u-1"
    providers = [
        i["providerName"]
        for i in json.loads(
            attributes(idp.admin_get_user(UserPoolId=pool_id, Username="Corp_u-1"))["identities"]
        )
    ]
    assert providers == ["Corp", "Other"]


def test_disabling_an_unlinked_identity_disables_its_user(
    live: RunningServer, idp: Any, pool_id: str
) -> None:
    add_oidc_provider(idp, pool_id)
    federate(live, pool_id, CLAIMS)
    idp.admin_disable_provider_for_user(
        UserPoolId=pool_id,
        User=subject("u-1"),
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="Corp_u-1")["Enabled"] is False
    with pytest.raises(NotAuthorizedException, match=r"User is disabled\."):
        federate(live, pool_id, CLAIMS)
    code, _ = error_of(idp.admin_disable_provider_for_user, UserPoolId=pool_id, User=subject("u-404"))
    assert code == "UserNotFoundException"


def test_disabling_a_cognito_user(live: RunningServer, idp: Any, pool_id: str) -> None:
    local_user(idp, pool_id)
    idp.admin_disable_provider_for_user(
        UserPoolId=pool_id,
        User=subject("alice", provider="Cognito"),
    )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="alice")["Enabled"] is False


def test_a_disabled_linked_user_cannot_sign_in(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    local_user(idp, pool_id)
    link(idp, pool_id, "alice", "u-1")
    idp.admin_disable_user(UserPoolId=pool_id, Username="alice")
    with pytest.raises(NotAuthorizedException):
        federate(live, pool_id, CLAIMS)


def test_deleting_the_provider_removes_its_links(live: RunningServer, idp: Any, pool_id: str) -> None:
    add_oidc_provider(idp, pool_id)
    local_user(idp, pool_id)
    link(idp, pool_id, "alice", "u-1")
    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Corp")
    add_oidc_provider(idp, pool_id)
    assert federate(live, pool_id, CLAIMS).user.username == "Corp_u-1"
