"""Helpers for the token tests (no tests here): users, in-process token issuance, JWKS verification.

Tokens are issued by calling ``auth.tokens.issue_tokens`` inside a unit of work of the live server's
own database and services, so these tests need no sign-in flow; the tokens are then used through the
public API (GetTokensFromRefreshToken, RevokeToken, GlobalSignOut, the well-known routes).
"""

from __future__ import annotations

import itertools
import json
import urllib.request
from typing import Any

import jwt as pyjwt
import pytest
from botocore.exceptions import ClientError

from userpools.auth.access import AccessGrant, authenticate
from userpools.auth.tokens import issue_tokens
from userpools.operations.clients import load_client
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.users_core import load_user
from userpools.testing import RunningServer

PASSWORD = "Corr3ct-Horse!"
_names = itertools.count()


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as err:
        call(**kwargs)
    response = err.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]["Code"], response["Error"]["Message"]


def make_user(idp: Any, pool_id: str, username: str = "alice", **attributes: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True)


def make_client(idp: Any, pool_id: str, **settings: Any) -> dict[str, Any]:
    return dict(
        idp.create_user_pool_client(UserPoolId=pool_id, ClientName=f"c{next(_names)}", **settings)[
            "UserPoolClient"
        ]
    )


def _run(live: RunningServer, work: Any, write: bool = True) -> Any:
    """Runs ``work(ctx)`` in one unit of work of the live server's store (the server is idle meanwhile)."""

    async def go() -> Any:
        database = live.app.state.database
        async with database.unit_of_work(write) as uow:
            ctx = Context(live.app.state.services, uow, "test", live.settings.region)
            return await work(ctx)

    return live.run(go())


def issue(
    live: RunningServer, pool_id: str, client_id: str, username: str = "alice", **options: Any
) -> dict[str, Any]:
    """An AuthenticationResult as a sign-in would produce it."""

    async def work(ctx: Context) -> dict[str, Any]:
        pool = await load_pool(ctx, pool_id)
        client = await load_client(ctx, pool_id, client_id)
        user = await load_user(ctx, pool, username)
        options.setdefault("source", "TokenGeneration_Authentication")
        return await issue_tokens(ctx, pool, client, user, **options)

    result: dict[str, Any] = _run(live, work)
    return result


def check_access(live: RunningServer, token: str, **options: Any) -> AccessGrant:
    grant: AccessGrant = _run(live, lambda ctx: authenticate(ctx, token, **options), write=False)
    return grant


def get_json(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def jwks(live: RunningServer, pool_id: str) -> dict[str, Any]:
    status, body = get_json(f"{live.url}/{pool_id}/.well-known/jwks.json")
    assert status == 200
    return body


def verify(live: RunningServer, pool_id: str, token: str, **options: Any) -> dict[str, Any]:
    """Verifies ``token`` as an OIDC library would: keys from the served JWKS, issuer from discovery."""
    _, config = get_json(f"{live.url}/{pool_id}/.well-known/openid-configuration")
    client = pyjwt.PyJWKClient(config["jwks_uri"], cache_keys=False)
    key = client.get_signing_key_from_jwt(token)
    options.setdefault("options", {"verify_aud": False})
    claims: dict[str, Any] = pyjwt.decode(
        token, key.key, algorithms=["RS256"], issuer=config["issuer"], **options
    )
    return claims


def unverified(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = pyjwt.decode(token, options={"verify_signature": False})
    return claims
