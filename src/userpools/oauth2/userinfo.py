"""``GET|POST /oauth2/userInfo``: the signed-in user's attributes, within the access token's scopes.

https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html. The bearer access
token must be valid for this pool (signature, expiry, revocation, user enabled: ``auth.access``) and
carry ``openid``, so API-issued tokens (scope aws.cognito.signin.user.admin only) are refused.
``openid`` alone returns every attribute the app client can read; ``profile`` adds the OIDC profile
claims and custom attributes, ``email`` email and email_verified, ``phone`` phone_number and
phone_number_verified (each within the client's ReadAttributes). ``sub`` and ``username`` always come.
Values are strings, ``*_verified`` too (``"true"``), as Cognito returns them.
"""

from __future__ import annotations

from typing import Any

from userpools.auth.access import MISSING_SCOPE, authenticate
from userpools.auth.tokens import readable
from userpools.errors import NotAuthorizedException, UserNotFoundException
from userpools.oauth2.errors import InsufficientScope, InvalidToken
from userpools.oauth2.sites import Site
from userpools.operations.context import Context

PROFILE = frozenset(
    {
        "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
        "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "address",
    }
)  # fmt: skip
BY_SCOPE = {
    "email": frozenset({"email", "email_verified"}),
    "phone": frozenset({"phone_number", "phone_number_verified"}),
}


def _wanted(scopes: set[str], name: str) -> bool:
    if scopes.isdisjoint({"profile", "email", "phone"}):
        return True  # openid alone: everything the client can read
    if "profile" in scopes and (name in PROFILE or name.startswith("custom:")):
        return True
    return any(name in BY_SCOPE[s] for s in ("email", "phone") if s in scopes)


async def user_info(ctx: Context, site: Site, access_token: str | None) -> dict[str, Any]:
    """The userInfo JSON for ``access_token``; InvalidToken / InsufficientScope otherwise."""
    if not access_token:
        raise InvalidToken("An access token is required (Authorization: Bearer).")
    try:
        grant = await authenticate(ctx, access_token, scope="openid")
    except NotAuthorizedException as exc:
        if exc.message == MISSING_SCOPE:
            raise InsufficientScope("The access token does not have the openid scope.") from None
        raise InvalidToken(exc.message) from None
    except UserNotFoundException:
        raise InvalidToken("The user of this access token does not exist.") from None
    if grant.pool["Id"] != site.pool_id or grant.client is None:
        raise InvalidToken("The access token was not issued by this user pool.")
    user = grant.user
    scopes = set(str(grant.claims.get("scope", "")).split())
    out: dict[str, Any] = {"sub": user.sub}
    for name in readable(grant.client, sorted(user.attributes)):
        if name != "sub" and user.attributes[name] != "" and _wanted(scopes, name):
            out[name] = user.attributes[name]
    out["username"] = user.username
    return out
