"""Which identity provider an authorize request signs in with, and the hook federation plugs into.

Authorize endpoint page, ``identity_provider`` / ``idp_identifier``
(https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html): either names a
provider among the app client's SupportedIdentityProviders; ``COGNITO`` (or neither) means the user
pool's own sign-in page. Any other provider starts a sign-in at that provider: the federation code
registers, per ProviderType (``OIDC``, ``SAML``, ``Google`` ...), an ``UpstreamSignIn`` that answers with
the URL to send the browser to and the browser-binding cookie value to set (``Upstream``). Until a type
is registered, asking for it is refused (``invalid_request``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from userpools.oauth2.errors import InvalidRequest
from userpools.operations.context import Context

if TYPE_CHECKING:
    from userpools.oauth2.authorize import AuthorizeRequest
    from userpools.oauth2.sites import Site

COGNITO = "COGNITO"


@dataclass(frozen=True)
class Upstream:
    """Where a federated sign-in sends the browser, and the cookie binding it to that browser."""

    location: str  # the provider's sign-in page
    binding: str  # the federated_state.BROWSER_COOKIE value whose hash the state holds
    cross_site_post: bool = False  # the answer comes back as a cross-site POST (SAML's HTTP-POST binding)


# (ctx, site, the validated authorize request, the provider as DescribeIdentityProvider shows it)
# -> the provider's sign-in page and the browser binding. Runs in a writing unit of work.
UpstreamSignIn = Callable[[Context, "Site", "AuthorizeRequest", dict[str, Any]], Awaitable[Upstream]]
_UPSTREAM: dict[str, UpstreamSignIn] = {}


def register(provider_type: str, start: UpstreamSignIn) -> None:
    """Makes ``/oauth2/authorize`` send users of ``provider_type`` providers to ``start``'s URL."""
    _UPSTREAM[provider_type] = start


def supported(client: dict[str, Any]) -> list[str]:
    return list(client.get("SupportedIdentityProviders") or [])


async def chosen(
    ctx: Context, client: dict[str, Any], name: str | None, identifier: str | None
) -> str | None:
    """The provider name the request asks for (None: not chosen, the sign-in page decides)."""
    if not name and identifier:
        owners = await ctx.uow.identity_providers.owners_of(client["UserPoolId"], [identifier])
        name = owners.get(identifier)
        if name is None:
            raise InvalidRequest(f"No identity provider has the identifier {identifier}.")
    if not name:
        return None
    if name not in supported(client):
        raise InvalidRequest(f"The identity provider {name} is not enabled for this app client.")
    return name


async def start_upstream(ctx: Context, site: Site, request: AuthorizeRequest, name: str) -> Upstream:
    """The URL (and browser binding) that starts a sign-in at the external provider ``name``."""
    provider = await ctx.uow.identity_providers.get(site.pool_id, name)
    if provider is None:
        raise InvalidRequest(f"The identity provider {name} does not exist.")
    start = _UPSTREAM.get(str(provider["ProviderType"]))
    if start is None:
        kind = provider["ProviderType"]
        raise InvalidRequest(
            f"Sign-in through {kind} identity providers is not available on this server yet."
        )
    return await start(ctx, site, request, provider)
