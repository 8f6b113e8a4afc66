"""The client_credentials grant: an access token for an app client itself (machine-to-machine).

https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html and "Scopes, M2M, and
resource servers". The client needs a secret, the ``client_credentials`` flow and custom scopes of the
pool's resource servers; the token is an access token only (no ID or refresh token) whose ``sub`` and
``client_id`` are the client id, with ``scope``, ``version`` 2 and no user claims. PreTokenGeneration
runs when its LambdaVersion is V3_0 (source TokenGeneration_ClientCredentials).
"""

from __future__ import annotations

from typing import Any

from userpools.auth import keyring
from userpools.auth.tokens import issuer
from userpools.domain.client_config import validity_seconds
from userpools.oauth2.client_auth import AuthenticatedClient
from userpools.oauth2.errors import UnauthorizedClient
from userpools.oauth2.scopes import machine_scopes
from userpools.operations.context import Context
from userpools.triggers.tokens import CLIENT_CREDENTIALS, pre_token_generation


async def client_credentials(
    ctx: Context, pool: dict[str, Any], who: AuthenticatedClient, scope: str | None
) -> dict[str, Any]:
    """The token response of a client_credentials grant."""
    client = who.client
    flows = client.get("AllowedOAuthFlows") or []
    if (
        not who.confidential
        or not client.get("AllowedOAuthFlowsUserPoolClient")
        or "client_credentials" not in flows
    ):
        raise UnauthorizedClient("This app client may not use the client_credentials grant.")
    granted = await machine_scopes(ctx, client, scope)
    token, validity = await machine_token(ctx, pool, client, granted, None)
    return {
        "access_token": token,
        "expires_in": validity,
        "token_type": "Bearer",
    }


async def machine_token(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    granted: list[str],
    client_metadata: dict[str, str] | None,
) -> tuple[str, int]:
    """The signed machine access token carrying ``granted`` (already checked) and its lifetime in seconds.

    Shared by the client_credentials grant and GetClientToken (which passes its ClientMetadata).
    """
    client_id = str(client["ClientId"])
    iat = int(ctx.now)
    validity = validity_seconds(client, "AccessToken")
    claims: dict[str, Any] = {
        "sub": client_id,
        "token_use": "access",
        "scope": " ".join(granted),
        "auth_time": iat,
        "iss": issuer(ctx, pool["Id"]),
        "exp": iat + validity,
        "iat": iat,
        "version": 2,
        "jti": ctx.random.uuid4(),
        "client_id": client_id,
    }
    await pre_token_generation(
        ctx, pool, None, CLIENT_CREDENTIALS, client_id=client_id, access=claims, id_claims=None,
        client_metadata=client_metadata,
    )  # fmt: skip
    signers = await keyring.signers(ctx.uow, ctx.services.sealer, ctx.random, ctx.now, pool["Id"])
    access = signers["access"]
    return (await ctx.services.signing.sign([(claims, access.key, access.kid)]))[0], validity
