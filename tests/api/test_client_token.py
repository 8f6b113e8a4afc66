"""GetClientToken: M2M access tokens through the API for ALLOW_CLIENT_TOKEN_AUTH clients."""

from __future__ import annotations

from typing import Any

from test_tokens_support import error_of, make_client, verify

from userpools.testing import RunningServer


def _m2m_client(idp: Any, pool_id: str, **settings: Any) -> dict[str, Any]:
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="orders",
        Name="Orders",
        Scopes=[
            {"ScopeName": "read", "ScopeDescription": "read"},
            {"ScopeName": "write", "ScopeDescription": "write"},
        ],
    )
    settings.setdefault("ExplicitAuthFlows", ["ALLOW_CLIENT_TOKEN_AUTH"])
    settings.setdefault("AllowedOAuthScopes", ["orders/read", "orders/write"])
    return make_client(idp, pool_id, GenerateSecret=True, **settings)


def test_client_token_is_a_machine_access_token(idp: Any, pool_id: str, live: RunningServer) -> None:
    client = _m2m_client(idp, pool_id)
    assert client["ExplicitAuthFlows"] == ["ALLOW_CLIENT_TOKEN_AUTH"]
    result = idp.get_client_token(ClientId=client["ClientId"], Secret=client["ClientSecret"])
    auth = result["ClientAuthenticationResult"]
    assert auth["TokenType"] == "Bearer" and auth["ExpiresIn"] == 3600
    claims = verify(live, pool_id, auth["AccessToken"])
    assert claims["sub"] == claims["client_id"] == client["ClientId"]
    assert claims["token_use"] == "access" and claims["scope"] == "orders/read orders/write"
    assert "username" not in claims and claims["exp"] - claims["iat"] == 3600
    narrowed = idp.get_client_token(
        ClientId=client["ClientId"], Secret=client["ClientSecret"], Scopes=["orders/write"]
    )["ClientAuthenticationResult"]["AccessToken"]
    assert verify(live, pool_id, narrowed)["scope"] == "orders/write"


def test_client_token_errors(idp: Any, pool_id: str) -> None:
    client = _m2m_client(idp, pool_id, AllowedOAuthScopes=["orders/read"])
    client_id, secret = client["ClientId"], client["ClientSecret"]
    code, message = error_of(idp.get_client_token, ClientId=client_id, Secret="x" * 30)
    assert (code, message) == ("NotAuthorizedException", f"Unable to verify secret for client {client_id}")
    code, message = error_of(idp.get_client_token, ClientId=client_id, Secret=secret, Scopes=["orders/write"])
    assert code == "InvalidParameterException" and "orders/write" in message
    code, _ = error_of(idp.get_client_token, ClientId="nosuchclient", Secret=secret)
    assert code == "ResourceNotFoundException"
    # A confidential client without the flow (here the default user flows) can't ask.
    other = make_client(idp, pool_id, GenerateSecret=True)
    code, message = error_of(idp.get_client_token, ClientId=other["ClientId"], Secret=other["ClientSecret"])
    assert (code, message) == (
        "InvalidParameterException",
        "ALLOW_CLIENT_TOKEN_AUTH flow not enabled for this client",
    )


def test_client_token_flow_rules(idp: Any, pool_id: str) -> None:
    """ALLOW_CLIENT_TOKEN_AUTH stands alone and needs a secret (CreateUserPoolClient / Update)."""
    code, message = error_of(
        idp.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="mixed",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )
    assert code == "InvalidParameterException" and "user authentication flows" in message
    code, message = error_of(
        idp.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="public",
        ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"],
    )
    assert (code, message) == (
        "InvalidParameterException",
        "ALLOW_CLIENT_TOKEN_AUTH requires an app client with a secret.",
    )
    code, _ = error_of(
        idp.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="bogus",
        ExplicitAuthFlows=["ALLOW_NOTHING"],
    )
    assert code == "InvalidParameterException"


def test_client_without_custom_scopes(idp: Any, pool_id: str) -> None:
    client = make_client(idp, pool_id, GenerateSecret=True, ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"])
    code, message = error_of(idp.get_client_token, ClientId=client["ClientId"], Secret=client["ClientSecret"])
    assert (code, message) == ("InvalidParameterException", "The app client allows no custom scope.")
