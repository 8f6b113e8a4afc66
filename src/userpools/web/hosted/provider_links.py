"""The sign-in page's "Continue with <provider>" links: the app client's external identity providers.

Each link is ``/oauth2/authorize`` with the request's parameters and ``identity_provider`` = that
provider (SupportedIdentityProviders other than ``COGNITO``, in the client's order), as Cognito's hosted
UI buttons are. A client without ``COGNITO`` gets a page with the links only (``choose``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from userpools.oauth2 import authorize as authz
from userpools.oauth2 import providers
from userpools.oauth2.errors import PageError
from userpools.web.hosted.place import Place
from userpools.web.hosted.render import page

NO_SIGN_IN = "This app client does not allow signing in with a user pool account."


@dataclass(frozen=True)
class ProviderLink:
    name: str
    url: str


def links(place: Place, request_: authz.AuthorizeRequest) -> list[ProviderLink]:
    params = {k: v for k, v in request_.params.items() if k not in ("identity_provider", "idp_identifier")}
    out = []
    for name in providers.supported(request_.client):
        if name != providers.COGNITO:
            query = urlencode({**params, "identity_provider": name})
            out.append(ProviderLink(name, f"{place.link('/oauth2/authorize')}?{query}"))
    return out


async def choose(request: Request, place: Place, request_: authz.AuthorizeRequest) -> Response:
    """The page of a client that signs in only through external providers (PageError if it has none)."""
    found = links(place, request_)
    if not found:
        raise PageError("invalid_request", NO_SIGN_IN)
    return await page(
        request, place, "providers.html", title="Sign in", client_id=str(request_.client["ClientId"]),
        providers=found,
    )  # fmt: skip
