"""Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1, §3.2.1).

https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html: a client with a secret
authenticates with HTTP Basic (``client_secret_basic``: base64 of ``client_id:client_secret``, each
form-encoded) or with ``client_id`` and ``client_secret`` in the form (``client_secret_post``), never
both; a public client just names itself with ``client_id``. The client must belong to the domain's
pool. A client_id that is an https URL is a public client described by its metadata document
(``oauth2.cimd``). Secrets are compared in constant time against each live secret (two during rotation).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from userpools.auth import client_secrets
from userpools.oauth2 import cimd
from userpools.oauth2.errors import InvalidClient, InvalidRequest
from userpools.oauth2.sites import Site
from userpools.operations.context import Context

FAILED = "Client authentication failed."


@dataclass(frozen=True)
class BasicCredentials:
    client_id: str
    secret: str


def basic_credentials(header: str | None) -> BasicCredentials | None:
    """The credentials of an ``Authorization: Basic`` header (None when there is no such header)."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise InvalidClient("The Authorization header is not valid HTTP Basic credentials.") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep or not client_id:
        raise InvalidClient("The Authorization header is not valid HTTP Basic credentials.")
    # Percent-decoded (RFC 6749 §2.3.1), but not "+" to " ": secrets may contain "+" and some clients send
    # them unencoded.
    return BasicCredentials(unquote(client_id), unquote(secret))


@dataclass(frozen=True)
class AuthenticatedClient:
    client: dict[str, Any]
    confidential: bool  # it has a secret, and proved it


async def authenticate(
    ctx: Context, site: Site, form: Mapping[str, str], basic: BasicCredentials | None
) -> AuthenticatedClient:
    """The app client making the request; InvalidClient / InvalidRequest otherwise."""
    secret: str | None
    if basic is not None:
        if form.get("client_secret"):
            raise InvalidRequest("Use one client authentication method: HTTP Basic or client_secret.")
        if form.get("client_id") and form["client_id"] != basic.client_id:
            raise InvalidRequest("client_id differs from the client of the Authorization header.")
        client_id, secret = basic.client_id, basic.secret or None
    else:
        client_id, secret = form.get("client_id") or "", form.get("client_secret") or None
    if not client_id:
        raise InvalidRequest("client_id is required.")
    if cimd.is_metadata_url(client_id):
        return await _metadata_client(ctx, site, client_id, secret)
    client = await ctx.uow.clients.find(client_id)
    if client is None or client["UserPoolId"] != site.pool_id:
        raise InvalidClient(FAILED)
    secrets = await client_secrets.secrets_of(ctx, client_id)
    if not secrets:
        if secret:
            raise InvalidClient("This app client has no secret.")
        return AuthenticatedClient(client, confidential=False)
    if not secret or not any(hmac.compare_digest(s.encode(), secret.encode()) for s in secrets):
        raise InvalidClient(FAILED)
    return AuthenticatedClient(client, confidential=True)


async def _metadata_client(ctx: Context, site: Site, url: str, secret: str | None) -> AuthenticatedClient:
    if secret:
        raise InvalidClient(
            "A client identified by a metadata document is a public client: it sends no secret."
        )
    try:
        return AuthenticatedClient(await cimd.resolve(ctx, site.pool_id, url), confidential=False)
    except cimd.MetadataError as exc:
        raise InvalidClient(str(exc)) from None
