"""GetDerivedToken: RFC 8693 token exchange of this pool's ID and access tokens."""

from __future__ import annotations

from typing import Any

from test_tokens_support import PASSWORD, error_of, make_client, make_user, verify

from userpools.testing import RunningServer

ADMIN = "aws.cognito.signin.user.admin"
SIGN_IN = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]


def _exchange_client(idp: Any, pool_id: str, *flows: str) -> str:
    client = make_client(
        idp,
        pool_id,
        ExplicitAuthFlows=[*SIGN_IN, *(flows or ("ALLOW_TOKEN_EXCHANGE_IMPERSONATION",))],
        AllowedOAuthScopes=[ADMIN, "openid"],
    )
    return str(client["ClientId"])


def _sign_in(idp: Any, pool_id: str, client_id: str) -> dict[str, Any]:
    result = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": PASSWORD},
    )
    return dict(result["AuthenticationResult"])


def test_exchange_for_an_audience_bound_access_token(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = _exchange_client(idp, pool_id)
    tokens = _sign_in(idp, pool_id, client_id)
    result = idp.get_derived_token(
        ClientId=client_id,
        SubjectToken=tokens["AccessToken"],
        SubjectTokenType="ACCESS_TOKEN",
        Audiences=["billing-service"],
    )
    assert (result["IssuedTokenType"], result["TokenType"], result["Scopes"]) == (
        "ACCESS_TOKEN",
        "Bearer",
        [ADMIN],
    )
    claims = verify(live, pool_id, result["IssuedToken"], audience="billing-service")
    subject = verify(live, pool_id, tokens["AccessToken"])
    assert claims["sub"] == subject["sub"] and claims["username"] == "alice"
    assert claims["token_use"] == "access" and claims["aud"] == "billing-service" and "act" not in claims
    assert claims["origin_jti"] == subject["origin_jti"] and result["ExpiresIn"] > 0
    # The derived token is a token of the user's session: it works, and dies with the session.
    assert idp.get_user(AccessToken=result["IssuedToken"])["Username"] == "alice"
    idp.global_sign_out(AccessToken=tokens["AccessToken"])
    code, _ = error_of(idp.get_user, AccessToken=result["IssuedToken"])
    assert code == "NotAuthorizedException"
    code, message = error_of(
        idp.get_derived_token,
        ClientId=client_id,
        SubjectToken=tokens["AccessToken"],
        SubjectTokenType="ACCESS_TOKEN",
    )
    assert (code, message) == ("NotAuthorizedException", "Access Token has been revoked")


def test_id_token_subject_and_resources(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id, email="alice@example.com")
    idp.create_resource_server(UserPoolId=pool_id, Identifier="https://api.example.com", Name="api")
    client_id = _exchange_client(idp, pool_id)
    tokens = _sign_in(idp, pool_id, client_id)
    result = idp.get_derived_token(
        ClientId=client_id,
        SubjectToken=tokens["IdToken"],
        SubjectTokenType="ID_TOKEN",
        RequestedTokenType="ID_TOKEN",
        Resources=["https://api.example.com"],
    )
    assert (result["IssuedTokenType"], result["TokenType"]) == ("ID_TOKEN", "N_A") and "Scopes" not in result
    claims = verify(live, pool_id, result["IssuedToken"], audience="https://api.example.com")
    assert claims["token_use"] == "id" and claims["email"] == "alice@example.com"
    code, message = error_of(
        idp.get_derived_token,
        ClientId=client_id,
        SubjectToken=tokens["IdToken"],
        SubjectTokenType="ID_TOKEN",
        Resources=["https://nowhere.example.com"],
    )
    assert code == "InvalidParameterException" and "does not exist" in message


def test_scopes_are_narrowed(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = _exchange_client(idp, pool_id)
    tokens = _sign_in(idp, pool_id, client_id)
    granted = idp.get_derived_token(
        ClientId=client_id,
        SubjectToken=tokens["AccessToken"],
        SubjectTokenType="ACCESS_TOKEN",
        Scopes=[ADMIN, "openid"],  # openid is allowed for the client but not in the subject token
    )
    assert granted["Scopes"] == [ADMIN]
    assert verify(live, pool_id, granted["IssuedToken"])["scope"] == ADMIN
    code, _ = error_of(
        idp.get_derived_token,
        ClientId=client_id,
        SubjectToken=tokens["AccessToken"],
        SubjectTokenType="ACCESS_TOKEN",
        Scopes=["openid"],
    )
    assert code == "InvalidParameterException"


def test_delegation_adds_the_act_claim(idp: Any, pool_id: str, live: RunningServer) -> None:
    make_user(idp, pool_id)
    client_id = _exchange_client(idp, pool_id, "ALLOW_TOKEN_EXCHANGE_DELEGATION")
    tokens = _sign_in(idp, pool_id, client_id)
    idp.create_resource_server(
        UserPoolId=pool_id,
        Identifier="agents",
        Name="agents",
        Scopes=[{"ScopeName": "act", "ScopeDescription": "x"}],
    )
    agent = make_client(
        idp,
        pool_id,
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_CLIENT_TOKEN_AUTH"],
        AllowedOAuthScopes=["agents/act"],
    )
    actor = idp.get_client_token(ClientId=agent["ClientId"], Secret=agent["ClientSecret"])
    result = idp.get_derived_token(
        ClientId=client_id,
        SubjectToken=tokens["AccessToken"],
        SubjectTokenType="ACCESS_TOKEN",
        ActorToken=actor["ClientAuthenticationResult"]["AccessToken"],
        ActorTokenType="ACCESS_TOKEN",
    )
    claims = verify(live, pool_id, result["IssuedToken"])
    assert claims["act"] == {"sub": agent["ClientId"], "client_id": agent["ClientId"]}
    assert claims["username"] == "alice"
    # Without ALLOW_TOKEN_EXCHANGE_DELEGATION an actor can't be named.
    plain = _exchange_client(idp, pool_id)
    code, _ = error_of(
        idp.get_derived_token,
        ClientId=plain,
        SubjectToken=tokens["AccessToken"],
        SubjectTokenType="ACCESS_TOKEN",
        ActorToken=tokens["AccessToken"],
        ActorTokenType="ACCESS_TOKEN",
    )
    assert code == "OperationNotEnabledException"


def test_exchange_errors(idp: Any, pool_id: str) -> None:
    make_user(idp, pool_id)
    client_id = _exchange_client(idp, pool_id)
    tokens = _sign_in(idp, pool_id, client_id)
    access = tokens["AccessToken"]

    def refused(**request: Any) -> tuple[str, str]:
        request.setdefault("ClientId", client_id)
        request.setdefault("SubjectToken", access)
        request.setdefault("SubjectTokenType", "ACCESS_TOKEN")
        return error_of(idp.get_derived_token, **request)

    assert refused(SubjectToken="not.a.token") == ("NotAuthorizedException", "Invalid subject token.")
    # An ID token presented as an access token (and the reverse) is not a valid subject.
    assert refused(SubjectToken=tokens["IdToken"])[0] == "NotAuthorizedException"
    assert refused(SubjectTokenType="ID_TOKEN")[0] == "NotAuthorizedException"
    assert refused(SubjectTokenType="SAML2")[0] == "InvalidParameterException"
    assert refused(SubjectTokenProviderName="Okta")[0] == "InvalidParameterException"
    assert refused(ActorToken=access)[0] == "InvalidParameterException"  # no ActorTokenType
    assert refused(Audiences=["a"], Resources=["b"])[0] == "InvalidParameterException"
    assert refused(ClientId="nosuchclient")[0] == "ResourceNotFoundException"
    without = str(make_client(idp, pool_id, ExplicitAuthFlows=SIGN_IN)["ClientId"])
    assert refused(ClientId=without)[0] == "OperationNotEnabledException"
    secret_client = make_client(
        idp, pool_id, GenerateSecret=True, ExplicitAuthFlows=["ALLOW_TOKEN_EXCHANGE_IMPERSONATION"]
    )
    assert refused(ClientId=secret_client["ClientId"])[0] == "NotAuthorizedException"  # no ClientSecret
    # A subject token of another pool is refused.
    other_pool = idp.create_user_pool(PoolName="other")["UserPool"]["Id"]
    other_client = _exchange_client(idp, other_pool)
    assert refused(ClientId=other_client) == ("NotAuthorizedException", "Invalid subject token.")
