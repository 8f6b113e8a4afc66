"""Passkeys through boto3: StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials,
DeleteWebAuthnCredential, with a software authenticator (test_webauthn_support) checked by py_webauthn."""

from __future__ import annotations

from typing import Any

from test_auth_support import error_of, make_client, password_auth
from test_webauthn_support import RP_ID, Authenticator, passkey_pool, register, signed_in_user


def test_register_list_delete(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["rp"]["id"] == RP_ID
    assert options["user"]["name"] == "alice"
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    authenticator = Authenticator()
    credential = authenticator.create(options)
    assert idp.complete_web_authn_registration(AccessToken=access, Credential=credential)["ResponseMetadata"]
    listed = idp.list_web_authn_credentials(AccessToken=access)["Credentials"]
    assert [c["CredentialId"] for c in listed] == [credential["id"]]
    assert listed[0]["RelyingPartyId"] == RP_ID
    assert listed[0]["AuthenticatorAttachment"] == "platform"
    assert listed[0]["AuthenticatorTransports"] == ["internal", "hybrid"]
    assert listed[0]["FriendlyCredentialName"]
    # A second registration excludes the first passkey, so the authenticator won't make a duplicate.
    again = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert [c["id"] for c in again["excludeCredentials"]] == [credential["id"]]
    idp.delete_web_authn_credential(AccessToken=access, CredentialId=credential["id"])
    assert idp.list_web_authn_credentials(AccessToken=access)["Credentials"] == []
    assert error_of(idp.delete_web_authn_credential, AccessToken=access, CredentialId=credential["id"])[
        0
    ] == ("ResourceNotFoundException")


def test_packed_attestation_and_paging(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    authenticator = Authenticator()
    made = [register(idp, access, authenticator, fmt="packed")["id"] for _ in range(3)]
    first = idp.list_web_authn_credentials(AccessToken=access, MaxResults=2)
    assert len(first["Credentials"]) == 2
    rest = idp.list_web_authn_credentials(AccessToken=access, MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert [c["CredentialId"] for c in first["Credentials"] + rest["Credentials"]] == made


def test_wrong_origin(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    for origin in ("https://evil.example", "http://example.localhost.evil", "https://notlocalhost"):
        credential = Authenticator().create(options, origin=origin)
        code, _ = error_of(idp.complete_web_authn_registration, AccessToken=access, Credential=credential)
        assert code == "WebAuthnOriginNotAllowedException"
    # A subdomain of the relying party is an allowed origin.
    register(idp, access, Authenticator(), origin="https://app.localhost")


def test_relying_party_mismatch(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    credential = Authenticator().create(options, rp_id="example.com")
    code, _ = error_of(idp.complete_web_authn_registration, AccessToken=access, Credential=credential)
    assert code == "WebAuthnRelyingPartyMismatchException"


def test_challenge_not_found_or_reused(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    forged = dict(options, challenge="bm90LWEtY2hhbGxlbmdl")
    credential = Authenticator().create(forged)
    code, _ = error_of(idp.complete_web_authn_registration, AccessToken=access, Credential=credential)
    assert code == "WebAuthnChallengeNotFoundException"
    idp.complete_web_authn_registration(AccessToken=access, Credential=Authenticator().create(options))
    # The same challenge can't register a second passkey.
    code, _ = error_of(
        idp.complete_web_authn_registration, AccessToken=access, Credential=Authenticator().create(options)
    )
    assert code == "WebAuthnChallengeNotFoundException"


def test_other_user_and_other_client(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    client_id, access = signed_in_user(idp, pool_id)
    _, other = signed_in_user(idp, pool_id, "bob")
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    code, _ = error_of(
        idp.complete_web_authn_registration, AccessToken=other, Credential=Authenticator().create(options)
    )
    assert code == "WebAuthnChallengeNotFoundException"
    second_client = make_client(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])
    elsewhere = password_auth(idp, second_client["ClientId"], "alice")["AuthenticationResult"]["AccessToken"]
    code, _ = error_of(
        idp.complete_web_authn_registration, AccessToken=elsewhere, Credential=Authenticator().create(options)
    )
    assert code == "WebAuthnClientMismatchException"
    # The right user and client still can: neither mistake spent the challenge.
    idp.complete_web_authn_registration(AccessToken=access, Credential=Authenticator().create(options))
    assert client_id


def test_user_verification_required(idp: Any) -> None:
    pool_id = passkey_pool(idp, UserVerification="required")
    _, access = signed_in_user(idp, pool_id)
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["authenticatorSelection"]["userVerification"] == "required"
    code, _ = error_of(
        idp.complete_web_authn_registration,
        AccessToken=access,
        Credential=Authenticator(uv=False).create(options),
    )
    assert code == "InvalidParameterException"
    idp.complete_web_authn_registration(AccessToken=access, Credential=Authenticator().create(options))


def test_not_enabled_and_not_configured(idp: Any) -> None:
    off = passkey_pool(idp, ["PASSWORD"])
    _, access = signed_in_user(idp, off)
    assert error_of(idp.start_web_authn_registration, AccessToken=access)[0] == "WebAuthnNotEnabledException"
    bare = passkey_pool(idp, rp_id=None)
    _, access = signed_in_user(idp, bare)
    code, _ = error_of(idp.start_web_authn_registration, AccessToken=access)
    assert code == "WebAuthnConfigurationMissingException"
    # A domain gives the pool its relying party: here, this server's host (prefix domains are path-style).
    idp.create_user_pool_domain(UserPoolId=bare, Domain=f"pk{bare.split('_')[1].lower()}")
    options = idp.start_web_authn_registration(AccessToken=access)["CredentialCreationOptions"]
    assert options["rp"]["id"] == "127.0.0.1"


def test_bad_credentials_and_tokens(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    idp.start_web_authn_registration(AccessToken=access)
    for bad in ({}, {"id": "x", "response": "nope"}, {"id": "x", "response": {"clientDataJSON": "!!"}}):
        code, _ = error_of(idp.complete_web_authn_registration, AccessToken=access, Credential=bad)
        assert code == "InvalidParameterException"
    for call in (idp.start_web_authn_registration, idp.list_web_authn_credentials):
        assert error_of(call, AccessToken="not.a.token")[0] == "NotAuthorizedException"


def test_at_most_twenty_passkeys(idp: Any) -> None:
    pool_id = passkey_pool(idp)
    _, access = signed_in_user(idp, pool_id)
    authenticator = Authenticator()
    for _ in range(20):
        register(idp, access, authenticator)
    assert error_of(idp.start_web_authn_registration, AccessToken=access)[0] == "LimitExceededException"
    assert len(idp.list_web_authn_credentials(AccessToken=access)["Credentials"]) == 20
