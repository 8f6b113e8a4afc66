"""SECRET_HASH: Base64(HMAC-SHA256(client secret, username + client id)), checked against every live secret.

https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
During secret rotation a client has two secrets and a hash made with either is accepted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from userpools.auth import client_secrets
from userpools.errors import NotAuthorizedException
from userpools.operations.context import Context


def secret_hash(secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


async def check_secret_hash(
    ctx: Context, client: dict[str, Any], usernames: list[str], provided: str | None
) -> None:
    """Raises NotAuthorizedException unless ``provided`` matches one of the client's secrets.

    ``usernames``: every name the hash may have been computed over (what the caller sent, and the
    internal username), since SDKs differ in which one they use after an alias sign-in.
    """
    client_id = str(client["ClientId"])
    secrets = await client_secrets.secrets_of(ctx, client_id)
    if not secrets:
        return
    if not provided:
        raise NotAuthorizedException(
            f"Client {client_id} is configured with secret but SECRET_HASH was not received"
        )
    for secret in secrets:
        for name in usernames:
            if hmac.compare_digest(secret_hash(secret, name, client_id), provided):
                return
    raise NotAuthorizedException(f"Unable to verify secret hash for client {client_id}")
