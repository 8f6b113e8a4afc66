"""SAML sign-in end to end below the web routes: a signed response becomes a pool user (or a linked one)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from test_federation_support import attributes, sign_in_as

from saml_idp import EMAIL, TestIdp
from userpools.federation.saml import SamlServiceProvider
from userpools.federation.upstream import UpstreamIdentity
from userpools.testing import RunningServer

ACS = "https://auth.example.com/saml2/idpresponse"


def saml_identity(idp: Any, pool_id: str, saml: TestIdp, **options: Any) -> UpstreamIdentity:
    provider = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Okta")["IdentityProvider"]
    response = saml.response(pool_id=pool_id, acs_url=ACS, now=time.time(), in_response_to="_r1", **options)
    sign_in = asyncio.run(
        SamlServiceProvider().finish(
            provider, response, pool_id=pool_id, acs_url=ACS, request_id="_r1", now=time.time()
        )
    )
    return sign_in.identity


def add_saml_provider(idp: Any, pool_id: str, saml: TestIdp) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Okta", ProviderType="SAML",
        ProviderDetails={"MetadataFile": saml.metadata()}, AttributeMapping={"email": EMAIL},
    )  # fmt: skip


def test_a_saml_user_is_named_after_its_name_id(live: RunningServer, idp: Any, pool_id: str) -> None:
    saml = TestIdp()
    add_saml_provider(idp, pool_id, saml)
    result = sign_in_as(live, pool_id, saml_identity(idp, pool_id, saml, name_id="ann@corp"))
    assert result.created and result.user.username == "Okta_ann@corp"
    attrs = attributes(idp.admin_get_user(UserPoolId=pool_id, Username="Okta_ann@corp"))
    assert attrs["email"] == "ann@example.com"
    [identity] = json.loads(attrs["identities"])
    assert identity["providerType"] == "SAML" and identity["issuer"] == saml.entity_id
    assert identity["userId"] == "ann@corp"


def test_saml_identities_link_by_a_mapped_attribute(live: RunningServer, idp: Any, pool_id: str) -> None:
    """The developer guide's example: several SAML IdPs linked to one user by the email they assert."""
    saml = TestIdp()
    add_saml_provider(idp, pool_id, saml)
    idp.admin_create_user(UserPoolId=pool_id, Username="Carlos", MessageAction="SUPPRESS")
    idp.admin_link_provider_for_user(
        UserPoolId=pool_id,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": "Carlos"},
        SourceUser={"ProviderName": "Okta", "ProviderAttributeName": "email",
                    "ProviderAttributeValue": "msp_carlos@example.com"},
    )  # fmt: skip
    [linked] = json.loads(attributes(idp.admin_get_user(UserPoolId=pool_id, Username="Carlos"))["identities"])
    assert linked["issuer"] == saml.entity_id and linked["primary"] is False
    identity = saml_identity(
        idp, pool_id, saml, name_id="carlos", attributes={EMAIL: "msp_carlos@example.com"}
    )
    assert sign_in_as(live, pool_id, identity).user.username == "Carlos"
