"""A domain's federation routes: the identity providers' answers and the pool's SAML SP metadata.

- ``GET|POST /oauth2/idpresponse``: the answer of an OIDC or social provider (``code`` and ``state``, or
  ``error``; POST for Sign in with Apple's form_post), "IdP response endpoint" of the developer guide;
- ``POST /saml2/idpresponse``: a SAML response by the HTTP-POST binding, "The IdP SAML assertion
  endpoint": SP-initiated when its ``RelayState`` is the sealed sign-in this domain sent, otherwise
  IdP-initiated (the provider's IDPInit must be ``true``), the ``RelayState`` then holding the authorize
  parameters (``identity_provider``, ``client_id``, ``redirect_uri``, ``response_type``, ``scope``);
- ``GET /saml2/metadata``: the pool's SP metadata (entity ID, ACS URL, request-signing certificate), a
  Userpools addition for IdP administrators to import.

The rules are in ``oauth2.federated``. A state that can't be opened (missing, forged, of another domain)
or that another browser started (``browser_binding``: its cookie missing or different; for SAML on plain
HTTP, only a different one) is an error page: there is no callback one could trust with a redirect.
After that, errors redirect to the app's callback, and a successful sign-in sets the hosted session like
the password step; either way the binding cookie is cleared.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from userpools.federation.saml import SamlServiceProvider
from userpools.federation.saml_signing import signing
from userpools.federation.upstream import UpstreamIdentity
from userpools.oauth2 import federated
from userpools.oauth2.errors import PageError
from userpools.oauth2.federated_state import PendingFederation, bound_to, open_pending
from userpools.operations.context import Context
from userpools.web.hosted.browser_binding import binding_of, finishing
from userpools.web.hosted.forms import signed_in
from userpools.web.hosted.place import Place, form, query, run, services_of
from userpools.web.hosted.responses import page_handler

BAD_STATE = (
    "The answer of the identity provider does not belong to a sign-in started here. Please sign in again."
)
OTHER_BROWSER = (
    "This sign-in was started in another browser, or too long ago. Please sign in again from this browser."
)
NO_RELAY_STATE = "An IdP-initiated SAML sign-in needs a RelayState with the authorize parameters."
MAX_SAML_FORM = 128 * 1024  # Cognito takes SAML responses of up to 100,000 characters


def _pending(request: Request, place: Place, token: str | None) -> PendingFederation | None:
    return open_pending(services_of(request).sealer, place.site.domain, token)


async def _signed_in(
    request: Request, place: Place, resumed: federated.Resumed, identity: UpstreamIdentity
) -> Response:
    services = services_of(request)
    done = await federated.complete(services, request.app.state.database, place.site, resumed, identity)
    return signed_in(request, place, done.location, done.session)


@page_handler
async def oidc_response(request: Request, place: Place) -> Response:
    answer = query(request) if request.method == "GET" else await form(request)
    pending = _pending(request, place, answer.get("state"))
    if pending is None or pending.oidc is None:
        raise PageError("invalid_request", BAD_STATE)
    if not bound_to(pending, binding_of(request), secure=place.secure):
        raise PageError("invalid_request", OTHER_BROWSER)

    async def sign_in() -> Response:
        resumed = await run(request, place, lambda ctx: federated.resume(ctx, place.site, pending))
        identity = await federated.oauth_identity(services_of(request), resumed, pending, answer)
        return await _signed_in(request, place, resumed, identity)

    return await finishing(request, place, sign_in, cross_site_post=pending.cross_site_post)


@page_handler
async def saml_response(request: Request, place: Place) -> Response:
    fields = await form(request, limit=MAX_SAML_FORM)
    relay_state = fields.get("RelayState", "")
    pending = _pending(request, place, relay_state)
    if pending is None:
        params = dict(parse_qsl(relay_state, keep_blank_values=True))
        if not params:
            raise PageError("invalid_request", NO_RELAY_STATE)
        resumed = await run(request, place, lambda ctx: federated.unsolicited(ctx, place.site, params))
        return await _saml_sign_in(request, place, fields, resumed, None)
    if pending.saml_request_id is None:
        raise PageError("invalid_request", BAD_STATE)
    if not bound_to(pending, binding_of(request), secure=place.secure):
        raise PageError("invalid_request", OTHER_BROWSER)

    async def sign_in() -> Response:
        resumed = await run(request, place, lambda ctx: federated.resume(ctx, place.site, pending))
        return await _saml_sign_in(request, place, fields, resumed, pending.saml_request_id)

    return await finishing(request, place, sign_in, cross_site_post=True)


async def _saml_sign_in(
    request: Request, place: Place, fields: dict[str, str], resumed: federated.Resumed, request_id: str | None
) -> Response:
    services = services_of(request)
    signed = await federated.saml_identity(
        services, place.site, resumed, fields.get("SAMLResponse", ""), request_id
    )
    await run(request, place, lambda ctx: federated.remember_assertion(ctx, place.site, resumed, signed))
    return await _signed_in(request, place, resumed, signed.identity)


@page_handler
async def saml_metadata(request: Request, place: Place) -> Response:
    async def certificate(ctx: Context) -> str:
        return (await signing(ctx, place.site.pool_id)).certificate_pem

    acs_url = federated.endpoint(services_of(request).settings, place.site, federated.SAML_RESPONSE)
    document = SamlServiceProvider.metadata(
        place.site.pool_id, acs_url, None, await run(request, place, certificate)
    )
    return Response(
        document, media_type="application/samlmetadata+xml", headers={"cache-control": "no-cache"}
    )


routes = [
    Route(federated.IDP_RESPONSE, oidc_response, methods=["GET", "POST"]),
    Route(federated.SAML_RESPONSE, saml_response, methods=["POST"]),
    Route("/saml2/metadata", saml_metadata, methods=["GET"]),
]
