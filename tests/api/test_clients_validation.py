"""CreateUserPoolClient's rules: token validity, auth flows, attributes, providers, URLs, OAuth."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def create(idp: Any, pool_id: str, **params: Any) -> dict[str, Any]:
    return dict(idp.create_user_pool_client(UserPoolId=pool_id, ClientName="c", **params)["UserPoolClient"])


def refused(idp: Any, pool_id: str, code: str, **params: Any) -> str:
    """Asserts the create fails with ``code`` and leaves the pool without clients; returns the message."""
    with pytest.raises(ClientError) as exc:
        create(idp, pool_id, **params)
    error = exc.value.response["Error"]
    assert error["Code"] == code, error
    assert idp.list_user_pool_clients(UserPoolId=pool_id)["UserPoolClients"] == []
    return str(error["Message"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"AccessTokenValidity": 5, "TokenValidityUnits": {"AccessToken": "minutes"}},
            ("AccessTokenValidity", 5),
        ),
        ({"IdTokenValidity": 1, "TokenValidityUnits": {"IdToken": "days"}}, ("IdTokenValidity", 1)),
        (
            {"RefreshTokenValidity": 60, "TokenValidityUnits": {"RefreshToken": "minutes"}},
            ("RefreshTokenValidity", 60),
        ),
        ({"RefreshTokenValidity": 3650}, ("RefreshTokenValidity", 3650)),
        ({"RefreshTokenValidity": 0}, ("RefreshTokenValidity", 30)),
        ({"TokenValidityUnits": {"AccessToken": "minutes"}}, ("AccessTokenValidity", 60)),
    ],
)
def test_token_validity_in_range(
    idp: Any, pool_id: str, params: dict[str, Any], expected: tuple[str, int]
) -> None:
    client = create(idp, pool_id, **params)
    assert client[expected[0]] == expected[1]


@pytest.mark.parametrize(
    "params",
    [
        {"AccessTokenValidity": 4, "TokenValidityUnits": {"AccessToken": "minutes"}},
        {"AccessTokenValidity": 25},
        {"IdTokenValidity": 2, "TokenValidityUnits": {"IdToken": "days"}},
        {"IdTokenValidity": 299, "TokenValidityUnits": {"IdToken": "seconds"}},
        {"RefreshTokenValidity": 59, "TokenValidityUnits": {"RefreshToken": "minutes"}},
        {"RefreshTokenValidity": 3651},
    ],
)
def test_token_validity_out_of_range(idp: Any, pool_id: str, params: dict[str, Any]) -> None:
    assert refused(idp, pool_id, "InvalidParameterException", **params) == "Invalid range for token validity."


def test_explicit_auth_flows(idp: Any, pool_id: str) -> None:
    legacy = create(idp, pool_id, ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
    assert legacy["ExplicitAuthFlows"] == ["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"]
    modern = create(idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    assert modern["ExplicitAuthFlows"] == ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def test_explicit_auth_flows_cannot_mix_legacy_and_allow(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="flows")["UserPool"]["Id"]
    refused(
        idp,
        pool_id,
        "InvalidParameterException",
        ExplicitAuthFlows=["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"],
    )
    refused(idp, pool_id, "InvalidParameterException", ExplicitAuthFlows=["NOT_A_FLOW"])


@pytest.fixture
def schema_pool(idp: Any) -> str:
    pool = idp.create_user_pool(
        PoolName="schema",
        Schema=[
            {"Name": "email", "AttributeDataType": "String", "Required": True, "Mutable": True},
            {"Name": "tier", "AttributeDataType": "String", "Mutable": True},
        ],
    )["UserPool"]
    return str(pool["Id"])


def test_read_and_write_attributes(idp: Any, schema_pool: str) -> None:
    client = create(
        idp,
        schema_pool,
        ReadAttributes=["email", "email_verified", "custom:tier", "sub"],
        WriteAttributes=["email", "custom:tier", "name"],
    )
    assert client["ReadAttributes"] == ["email", "email_verified", "custom:tier", "sub"]
    assert client["WriteAttributes"] == ["email", "custom:tier", "name"]


@pytest.mark.parametrize(
    ("member", "names"),
    [
        ("ReadAttributes", ["email", "custom:unknown"]),
        ("ReadAttributes", ["nickname2"]),
        ("WriteAttributes", ["email", "unknown"]),
        ("WriteAttributes", ["email", "email_verified"]),
        ("WriteAttributes", ["email", "sub"]),
        ("WriteAttributes", ["name"]),  # leaves out the required email
    ],
)
def test_invalid_attribute_permissions(idp: Any, schema_pool: str, member: str, names: list[str]) -> None:
    message = refused(idp, schema_pool, "InvalidParameterException", **{member: names})
    kind = "read" if member == "ReadAttributes" else "write"
    assert message == f"Invalid {kind} attributes specified while creating a client"


def test_supported_identity_providers(idp: Any, pool_id: str) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Google",
        ProviderType="Google",
        ProviderDetails={"client_id": "id", "client_secret": "s", "authorize_scopes": "openid email"},
    )
    client = create(idp, pool_id, SupportedIdentityProviders=["COGNITO", "Google"])
    assert client["SupportedIdentityProviders"] == ["COGNITO", "Google"]


def test_unknown_identity_provider(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="providers")["UserPool"]["Id"]
    message = refused(
        idp, pool_id, "InvalidParameterException", SupportedIdentityProviders=["COGNITO", "Okta"]
    )
    assert message == f"The provider Okta does not exist for User Pool {pool_id}"


def test_redirect_urls_accepted(idp: Any, pool_id: str) -> None:
    urls = ["https://app.example.com/cb?x=1", "http://localhost:3000/cb", "myapp://callback"]
    client = create(
        idp,
        pool_id,
        CallbackURLs=urls,
        LogoutURLs=["https://app.example.com/bye"],
        DefaultRedirectURI=urls[1],
    )
    assert client["CallbackURLs"] == urls
    assert client["LogoutURLs"] == ["https://app.example.com/bye"]
    assert client["DefaultRedirectURI"] == urls[1]


@pytest.mark.parametrize(
    "params",
    [
        {"CallbackURLs": ["http://app.example.com/cb"]},
        {"CallbackURLs": ["https://app.example.com/cb#frag"]},
        {"CallbackURLs": ["/relative/cb"]},
        {"LogoutURLs": ["http://evil.example.com/"]},
        {"CallbackURLs": ["https://a.example.com/cb"], "DefaultRedirectURI": "https://b.example.com/cb"},
        {"DefaultRedirectURI": "https://b.example.com/cb"},
    ],
)
def test_invalid_redirect_urls(idp: Any, pool_id: str, params: dict[str, Any]) -> None:
    refused(idp, pool_id, "InvalidParameterException", **params)


def test_oauth_client_with_resource_server_scopes(idp: Any, pool_id: str) -> None:
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="https://api.example.com",
        Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "read things"}],
    )
    web = create(
        idp,
        pool_id,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code", "implicit"],
        AllowedOAuthScopes=["openid", "email", "https://api.example.com/read"],
        CallbackURLs=["https://app.example.com/cb"],
        SupportedIdentityProviders=["COGNITO"],
    )
    assert web["AllowedOAuthFlowsUserPoolClient"] is True
    assert web["AllowedOAuthFlows"] == ["code", "implicit"]
    assert web["AllowedOAuthScopes"] == ["openid", "email", "https://api.example.com/read"]
    machine = create(
        idp,
        pool_id,
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["https://api.example.com/read"],
    )
    assert machine["AllowedOAuthFlows"] == ["client_credentials"]


def test_oauth_errors(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="oauth")["UserPool"]["Id"]
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="api",
        Name="api",
        Scopes=[{"ScopeName": "read", "ScopeDescription": "r"}],
    )
    oauth = {"AllowedOAuthFlowsUserPoolClient": True, "CallbackURLs": ["https://app.example.com/cb"]}
    message = refused(
        idp,
        pool_id,
        "InvalidOAuthFlowException",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials", "code"],
        AllowedOAuthScopes=["api/read"],
        **oauth,
    )
    assert message == "client_credentials flow can not be selected along with code flow or implicit flow."
    message = refused(
        idp,
        pool_id,
        "InvalidOAuthFlowException",
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["api/read"],
        **oauth,
    )
    assert message == "client_credentials flow can not be selected if client does not have a client secret."
    refused(idp, pool_id, "InvalidOAuthFlowException", AllowedOAuthScopes=["openid"], **oauth)
    refused(idp, pool_id, "InvalidOAuthFlowException", AllowedOAuthFlows=["code"], **oauth)
    refused(
        idp,
        pool_id,
        "InvalidOAuthFlowException",
        GenerateSecret=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=["openid"],
        AllowedOAuthFlowsUserPoolClient=True,
    )
    refused(
        idp,
        pool_id,
        "InvalidParameterException",
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid"],
    )
    for scope in ("api/write", "other/read", "nonsense"):
        message = refused(
            idp,
            pool_id,
            "ScopeDoesNotExistException",
            AllowedOAuthFlows=["code"],
            AllowedOAuthScopes=[scope],
            **oauth,
        )
        assert scope in message


def test_context_data_needs_a_secret(idp: Any, pool_id: str) -> None:
    refused(idp, pool_id, "InvalidParameterException", EnablePropagateAdditionalUserContextData=True)
    client = create(idp, pool_id, GenerateSecret=True, EnablePropagateAdditionalUserContextData=True)
    assert client["EnablePropagateAdditionalUserContextData"] is True


def test_other_settings_are_kept(idp: Any, pool_id: str) -> None:
    client = create(
        idp,
        pool_id,
        PreventUserExistenceErrors="ENABLED",
        EnableTokenRevocation=False,
        AuthSessionValidity=15,
        RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": 10},
    )
    assert client["PreventUserExistenceErrors"] == "ENABLED"
    assert client["EnableTokenRevocation"] is False
    assert client["AuthSessionValidity"] == 15
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 10}


def test_secrets_manager_publishing_is_refused(idp: Any, pool_id: str) -> None:
    refused(
        idp, pool_id, "InvalidParameterException", GenerateSecret=True, PublishSecretsInAWSSecretsManager=True
    )


def test_user_auth_flow_needs_a_paid_feature_plan(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="lite", UserPoolTier="LITE")["UserPool"]
    if pool.get("UserPoolTier") != "LITE":
        pytest.skip("the pools helper does not keep UserPoolTier yet")
    refused(idp, pool["Id"], "FeatureUnavailableInTierException", ExplicitAuthFlows=["ALLOW_USER_AUTH"])
    paid = idp.create_user_pool(PoolName="essentials", UserPoolTier="ESSENTIALS")["UserPool"]["Id"]
    assert create(idp, paid, ExplicitAuthFlows=["ALLOW_USER_AUTH"])["ExplicitAuthFlows"] == [
        "ALLOW_USER_AUTH"
    ]
