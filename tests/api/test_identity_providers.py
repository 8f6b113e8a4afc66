"""Identity provider configuration through boto3: create, describe, update, delete, list, by identifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

GOOGLE = {
    "client_id": "gid.apps.googleusercontent.com",
    "client_secret": "gsecret",
    "authorize_scopes": "openid email",
}
OIDC = {
    "client_id": "oidc-client",
    "client_secret": "oidc-secret",
    "attributes_request_method": "GET",
    "oidc_issuer": "https://issuer.example.com",
    "authorize_scopes": "openid profile",
}
APPLE = {"client_id": "com.example", "team_id": "TEAM", "key_id": "KEY", "private_key": "PRIVATE",
         "authorize_scopes": "email name"}  # fmt: skip
SAML_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/slo"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
        Location="https://idp.example.com/sso-post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def names(idp: Any, pool_id: str) -> list[str]:
    pages = idp.get_paginator("list_identity_providers").paginate(UserPoolId=pool_id)
    return [p["ProviderName"] for page in pages for p in page["Providers"]]


def create(
    idp: Any, pool_id: str, name: str, kind: str, details: dict[str, str], **extra: Any
) -> dict[str, Any]:
    return dict(
        idp.create_identity_provider(
            UserPoolId=pool_id, ProviderName=name, ProviderType=kind, ProviderDetails=details, **extra
        )["IdentityProvider"]
    )


def test_google_gets_derived_endpoints(idp: Any, pool_id: str) -> None:
    created = create(idp, pool_id, "Google", "Google", GOOGLE, AttributeMapping={"email": "email"})
    details = created["ProviderDetails"]
    assert details["client_id"] == GOOGLE["client_id"] and details["client_secret"] == "gsecret"
    assert details["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert details["token_url"] == "https://www.googleapis.com/oauth2/v4/token"
    assert details["oidc_issuer"] == "https://accounts.google.com"
    assert details["attributes_url_add_attributes"] == "true"
    assert created["AttributeMapping"] == {"email": "email", "username": "sub"}
    assert created["IdpIdentifiers"] == []
    assert created["UserPoolId"] == pool_id and created["ProviderType"] == "Google"
    assert "CreationDate" in created and "LastModifiedDate" in created
    described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google")["IdentityProvider"]
    assert described == created


def test_facebook_endpoints_follow_api_version(idp: Any, pool_id: str) -> None:
    details = {
        "client_id": "fb",
        "client_secret": "s",
        "authorize_scopes": "public_profile,email",
        "api_version": "v18.0",
    }
    created = create(idp, pool_id, "Facebook", "Facebook", details)
    assert created["ProviderDetails"]["authorize_url"] == "https://www.facebook.com/v18.0/dialog/oauth"
    assert created["AttributeMapping"] == {"username": "id"}


def test_apple_private_key_is_never_returned(idp: Any, pool_id: str) -> None:
    created = create(idp, pool_id, "SignInWithApple", "SignInWithApple", APPLE)
    assert "private_key" not in created["ProviderDetails"]
    assert created["ProviderDetails"]["token_url"] == "https://appleid.apple.com/auth/token"
    described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="SignInWithApple")
    assert "private_key" not in described["IdentityProvider"]["ProviderDetails"]


def test_oidc_and_saml(idp: Any, pool_id: str) -> None:
    oidc = create(idp, pool_id, "Corp", "OIDC", {**OIDC, "jwks_uri": "https://issuer.example.com/jwks"})
    assert oidc["ProviderDetails"]["oidc_issuer"] == "https://issuer.example.com"
    assert oidc["ProviderDetails"]["jwks_uri"] == "https://issuer.example.com/jwks"
    claim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    details = {"MetadataFile": SAML_METADATA, "IDPSignout": "true"}
    saml = create(idp, pool_id, "Okta", "SAML", details, AttributeMapping={"email": claim})
    assert saml["ProviderDetails"]["SSORedirectBindingURI"] == "https://idp.example.com/sso"
    assert saml["ProviderDetails"]["SLORedirectBindingURI"] == "https://idp.example.com/slo"
    assert "username" not in saml["AttributeMapping"]
    by_url = create(idp, pool_id, "Azure", "SAML", {"MetadataURL": "https://login.example.com/metadata.xml"})
    assert by_url["ProviderDetails"] == {"MetadataURL": "https://login.example.com/metadata.xml"}


@pytest.mark.parametrize(
    ("name", "kind", "details"),
    [
        ("Google", "Google", {"client_id": "x", "authorize_scopes": "openid"}),  # no client_secret
        ("Google", "Google", {**GOOGLE, "unexpected": "x"}),
        ("SignInWithApple", "SignInWithApple", {k: v for k, v in APPLE.items() if k != "team_id"}),
        ("Corp", "OIDC", {k: v for k, v in OIDC.items() if k != "oidc_issuer"}),
        ("Corp", "OIDC", {**OIDC, "attributes_request_method": "PUT"}),
        ("Corp", "OIDC", {**OIDC, "oidc_issuer": "http://issuer.example.com"}),
        ("Okta", "SAML", {}),
        ("Okta", "SAML", {"MetadataFile": SAML_METADATA, "MetadataURL": "https://x.example.com/m"}),
        ("Okta", "SAML", {"MetadataFile": "<not-xml"}),
        ("Okta", "SAML", {"MetadataFile": "<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"}),
        ("Okta", "SAML", {"MetadataFile": SAML_METADATA, "IDPSignout": "yes"}),
        ("MyGoogle", "Google", GOOGLE),  # social providers are named after their type
        ("COGNITO", "OIDC", OIDC),
    ],
)
def test_invalid_provider_details(
    idp: Any, pool_id: str, name: str, kind: str, details: dict[str, str]
) -> None:
    with pytest.raises(ClientError) as exc:
        create(idp, pool_id, name, kind, details)
    assert code_of(exc) == "InvalidParameterException"
    assert names(idp, pool_id) == []


def test_unknown_attribute_in_mapping(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(idp, pool_id, "Google", "Google", GOOGLE, AttributeMapping={"custom:nope": "x"})
    assert code_of(exc) == "InvalidParameterException"
    assert names(idp, pool_id) == []


def test_duplicates(idp: Any, pool_id: str) -> None:
    create(idp, pool_id, "Corp", "OIDC", OIDC, IdpIdentifiers=["corp.example.com"])
    cases = [
        ("Corp", {}),
        ("Other", {"IdpIdentifiers": ["corp.example.com"]}),
        ("Other", {"IdpIdentifiers": ["x", "x"]}),
    ]
    for name, extra in cases:
        with pytest.raises(ClientError) as exc:
            create(idp, pool_id, name, "OIDC", OIDC, **extra)
        assert code_of(exc) == "DuplicateProviderException"
    assert names(idp, pool_id) == ["Corp"]


def test_get_by_identifier(idp: Any, pool_id: str) -> None:
    create(idp, pool_id, "Corp", "OIDC", OIDC, IdpIdentifiers=["corp.example.com", "corp"])
    found = idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="corp")[
        "IdentityProvider"
    ]
    assert found["ProviderName"] == "Corp" and found["IdpIdentifiers"] == ["corp.example.com", "corp"]
    with pytest.raises(ClientError) as exc:
        idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="unknown")
    assert code_of(exc) == "ResourceNotFoundException"
    other = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    with pytest.raises(ClientError) as exc:
        idp.get_identity_provider_by_identifier(UserPoolId=other, IdpIdentifier="corp")
    assert code_of(exc) == "ResourceNotFoundException"


def test_update(idp: Any, pool_id: str) -> None:
    create(idp, pool_id, "Corp", "OIDC", OIDC, IdpIdentifiers=["old"])
    create(idp, pool_id, "SignInWithApple", "SignInWithApple", APPLE)
    details = {k: v for k, v in OIDC.items() if k != "client_secret"} | {"authorize_scopes": "openid"}
    updated = idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="Corp", ProviderDetails=details,
        AttributeMapping={"email": "mail"}, IdpIdentifiers=["new"],
    )["IdentityProvider"]  # fmt: skip
    assert updated["ProviderDetails"]["authorize_scopes"] == "openid"
    assert updated["ProviderDetails"]["client_secret"] == "oidc-secret"  # kept when omitted
    assert updated["AttributeMapping"] == {"email": "mail", "username": "sub"}
    assert updated["IdpIdentifiers"] == ["new"]
    assert (
        idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="new")["IdentityProvider"][
            "ProviderName"
        ]
        == "Corp"
    )
    with pytest.raises(ClientError):
        idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="old")
    # The same identifiers again are the provider's own, not duplicates.
    idp.update_identity_provider(UserPoolId=pool_id, ProviderName="Corp", IdpIdentifiers=["new", "more"])
    apple = idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="SignInWithApple",
        ProviderDetails={k: v for k, v in APPLE.items() if k != "private_key"} | {"key_id": "KEY2"},
    )["IdentityProvider"]  # fmt: skip
    assert apple["ProviderDetails"]["key_id"] == "KEY2" and "private_key" not in apple["ProviderDetails"]


def test_invalid_update_changes_nothing(idp: Any, pool_id: str) -> None:
    create(idp, pool_id, "Corp", "OIDC", OIDC, IdpIdentifiers=["corp"])
    create(idp, pool_id, "Other", "OIDC", OIDC, IdpIdentifiers=["other"])
    before = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Corp")["IdentityProvider"]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"ProviderDetails": {**OIDC, "attributes_request_method": "PUT"}}, "InvalidParameterException"),
        ({"AttributeMapping": {"nope": "x"}}, "InvalidParameterException"),
        ({"IdpIdentifiers": ["other"], "AttributeMapping": {"email": "mail"}}, "DuplicateProviderException"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as exc:
            idp.update_identity_provider(UserPoolId=pool_id, ProviderName="Corp", **params)
        assert code_of(exc) == code
    assert (
        idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Corp")["IdentityProvider"] == before
    )


def test_unknown_pool_and_provider(idp: Any, pool_id: str) -> None:
    with pytest.raises(ClientError) as exc:
        create(idp, "us-east-1_missing00", "Google", "Google", GOOGLE)
    assert code_of(exc) == "ResourceNotFoundException"
    calls: tuple[Callable[[], Any], ...] = (
        lambda: idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Nope"),
        lambda: idp.update_identity_provider(UserPoolId=pool_id, ProviderName="Nope", IdpIdentifiers=[]),
        lambda: idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Nope"),
        lambda: idp.list_identity_providers(UserPoolId="us-east-1_missing00"),
    )
    for call in calls:
        with pytest.raises(ClientError) as exc:
            call()
        assert code_of(exc) == "ResourceNotFoundException"


def test_delete_removes_provider_from_clients(idp: Any, pool_id: str) -> None:
    create(idp, pool_id, "Google", "Google", GOOGLE, IdpIdentifiers=["gmail"])
    client = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="c", SupportedIdentityProviders=["COGNITO", "Google"]
    )["UserPoolClient"]
    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert names(idp, pool_id) == []
    with pytest.raises(ClientError):
        idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="gmail")
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client["ClientId"])[
        "UserPoolClient"
    ]
    assert described["SupportedIdentityProviders"] == ["COGNITO"]
    # The name and identifier are free again.
    create(idp, pool_id, "Google", "Google", GOOGLE, IdpIdentifiers=["gmail"])


def test_list_pagination(idp: Any, pool_id: str) -> None:
    for name in ("Delta", "Alpha", "Charlie", "Bravo"):
        create(idp, pool_id, name, "OIDC", OIDC)
    first = idp.list_identity_providers(UserPoolId=pool_id, MaxResults=3)
    assert [p["ProviderName"] for p in first["Providers"]] == ["Alpha", "Bravo", "Charlie"]
    assert set(first["Providers"][0]) == {"ProviderName", "ProviderType", "LastModifiedDate", "CreationDate"}
    rest = idp.list_identity_providers(UserPoolId=pool_id, MaxResults=3, NextToken=first["NextToken"])
    assert [p["ProviderName"] for p in rest["Providers"]] == ["Delta"] and "NextToken" not in rest
    assert names(idp, pool_id) == ["Alpha", "Bravo", "Charlie", "Delta"]
    with pytest.raises(ClientError) as exc:
        idp.list_identity_providers(UserPoolId=pool_id, NextToken="!!bad!!")
    assert code_of(exc) == "InvalidParameterException"
