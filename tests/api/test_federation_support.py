"""Helpers of the federation tests: identity providers and federated sign-ins on a live server."""

from __future__ import annotations

from typing import Any

from userpools.federation import users
from userpools.federation.upstream import UpstreamIdentity
from userpools.testing import RunningServer

ISSUER = "https://idp.example.com"


def add_oidc_provider(
    idp: Any, pool_id: str, name: str = "Corp", mapping: dict[str, str] | None = None
) -> None:
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType="OIDC",
        ProviderDetails={
            "client_id": "upstream-client",
            "client_secret": "upstream-secret",
            "authorize_scopes": "openid email profile",
            "oidc_issuer": ISSUER,
            "attributes_request_method": "GET",
        },
        AttributeMapping=mapping if mapping is not None else {"email": "email", "name": "name"},
    )


def federate(
    live: RunningServer,
    pool_id: str,
    claims: dict[str, Any],
    *,
    provider: str = "Corp",
    kind: str = "OIDC",
    client_id: str | None = None,
) -> users.FederatedSignIn:
    """Runs the federated sign-in step for ``claims`` (as a provider's callback would) on ``live``."""
    identity = UpstreamIdentity(provider, kind, ISSUER if kind == "OIDC" else None, claims)
    return sign_in_as(live, pool_id, identity, client_id=client_id)


def sign_in_as(
    live: RunningServer, pool_id: str, identity: UpstreamIdentity, client_id: str | None = None
) -> users.FederatedSignIn:
    state = live.app.state
    return live.run(
        users.sign_in(
            state.services, state.database, identity, pool_id=pool_id, region=live.settings.region,
            client_id=client_id,
        )
    )  # fmt: skip


def attributes(user: dict[str, Any]) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user.get("UserAttributes", user.get("Attributes", []))}
