"""Signing a user in for the AccessToken-taking operations (no tests here)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from test_signup_support import PASSWORD, last_code, new_client
from test_users_support import make_pool

from userpools.testing import RunningServer

FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]


def signed_up(
    idp: Any, live: RunningServer, pool_settings: dict[str, Any] | None = None, **client_settings: Any
) -> tuple[str, str]:
    """A pool auto-verifying email, a client allowing USER_PASSWORD_AUTH, and confirmed user ``alice``."""
    pool_id = make_pool(idp, **{"AutoVerifiedAttributes": ["email"], **(pool_settings or {})})
    client_id = new_client(idp, pool_id, ExplicitAuthFlows=FLOWS, **client_settings)
    idp.sign_up(
        ClientId=client_id,
        Username="alice",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "alice@example.com"}],
    )
    idp.confirm_sign_up(ClientId=client_id, Username="alice", ConfirmationCode=last_code(live, pool_id))
    return pool_id, client_id


def access_token(
    idp: Any,
    live: RunningServer,
    pool_id: str,
    client_id: str,
    username: str = "alice",
    password: str = PASSWORD,
) -> str:
    """Signs in with USER_PASSWORD_AUTH; before the flows exist, issues tokens in-process."""
    try:
        result = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        return str(result["AuthenticationResult"]["AccessToken"])
    except ClientError as err:
        if err.response["Error"]["Code"] != "UnknownOperationException":
            raise
    return live.run(_issue(live, pool_id, client_id, username))


async def _issue(live: RunningServer, pool_id: str, client_id: str, username: str) -> str:
    from userpools.auth.tokens import issue_tokens
    from userpools.operations.context import Context
    from userpools.operations.pools import load_pool
    from userpools.operations.users_core import load_user

    state = live.app.state
    async with state.database.unit_of_work(True) as uow:
        ctx = Context(state.services, uow, "test", live.settings.region)
        pool = await load_pool(ctx, pool_id)
        client = await uow.clients.get(pool_id, client_id)
        user = await load_user(ctx, pool, username)
        result = await issue_tokens(ctx, pool, client, user, source="TokenGeneration_Authentication")
    return str(result["AccessToken"])
