"""``POST /oauth2/revoke``: revoking a refresh token and every token issued from it (RFC 7009).

https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html. The same revocation
as the RevokeToken operation (``auth.refresh.revoke_refresh_token``): the whole family. Answers 200 with
an empty body also for an unknown or already revoked token (no oracle); ``unsupported_token_type`` for
an ID or access token (JWTs can't be revoked alone); ``invalid_request`` when the client has token
revocation turned off (EnableTokenRevocation false).
"""

from __future__ import annotations

from collections.abc import Mapping

from userpools.auth.refresh import revoke_refresh_token
from userpools.auth.tokens import revocation_enabled
from userpools.crypto import jwt
from userpools.oauth2.client_auth import BasicCredentials, authenticate
from userpools.oauth2.errors import InvalidRequest, UnsupportedTokenType
from userpools.oauth2.sites import Site
from userpools.operations.context import Context


async def revoke(ctx: Context, site: Site, form: Mapping[str, str], basic: BasicCredentials | None) -> None:
    token = form.get("token")
    if not token:
        raise InvalidRequest("token is required.")
    who = await authenticate(ctx, site, form, basic)
    if not revocation_enabled(who.client):
        raise InvalidRequest("Token revocation is not enabled for this app client.")
    if jwt.header_of(token) is not None:
        raise UnsupportedTokenType("Only refresh tokens can be revoked.")
    await revoke_refresh_token(ctx, who.client, token)
