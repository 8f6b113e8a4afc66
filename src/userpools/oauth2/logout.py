"""``GET /logout``: ending the hosted session, then back to the app or to the sign-in page.

https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html. With ``client_id`` and
``logout_uri`` (exactly one of the client's LogoutURLs) the browser goes to ``logout_uri``; with
``client_id``, ``redirect_uri`` (one of its CallbackURLs) and ``response_type`` it goes to the ``/login``
page with those parameters (and ``state``, ``scope`` ...). Anything else is an error page, never a
redirect. The web layer clears the session cookie in every case that redirects.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from userpools.oauth2.errors import PageError
from userpools.oauth2.sites import Site
from userpools.operations.context import Context


async def logout_target(ctx: Context, site: Site, params: Mapping[str, str], login_path: str) -> str:
    """Where the browser goes after signing out; PageError when the request names no registered URL."""
    client_id = params.get("client_id") or ""
    client = await ctx.uow.clients.find(client_id) if client_id else None
    if client is None or client["UserPoolId"] != site.pool_id:
        raise PageError("invalid_client", "The app client does not exist in this user pool (client_id).")
    logout_uri = params.get("logout_uri")
    if logout_uri:
        if logout_uri not in (client.get("LogoutURLs") or []):
            raise PageError("invalid_request", "The logout_uri is not a sign-out URL of this app client.")
        return logout_uri
    redirect_uri = params.get("redirect_uri")
    if redirect_uri and params.get("response_type"):
        if redirect_uri not in (client.get("CallbackURLs") or []):
            raise PageError("redirect_mismatch", "The redirect_uri is not a callback URL of this app client.")
        return f"{login_path}?{urlencode(dict(params))}"
    raise PageError("invalid_request", "Sign-out needs logout_uri, or redirect_uri and response_type.")
