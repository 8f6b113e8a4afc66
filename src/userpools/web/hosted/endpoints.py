"""The OAuth 2.0 / OIDC endpoints of a domain: authorize, token, userInfo, revoke, logout, discovery.

Thin Starlette handlers over ``userpools.oauth2`` (where the rules and their AWS pages are): each reads
the request, runs the logic in one unit of work (``place.run``) and shapes the answer
(``responses``). The sign-in page is in ``web.hosted.login``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from userpools.oauth2 import authorize as authz
from userpools.oauth2 import discovery, federated, logout, revoke, token, userinfo
from userpools.oauth2.client_auth import basic_credentials
from userpools.oauth2.errors import InvalidClient, PageError
from userpools.oauth2.session import SESSION_COOKIE, HostedSession, open_session
from userpools.operations.context import Context
from userpools.web.hosted.browser_binding import set_binding
from userpools.web.hosted.cimd import warm
from userpools.web.hosted.place import Place, form, query, run, services_of
from userpools.web.hosted.responses import NO_STORE, api_handler, json, page_handler, redirect

_CSS = (Path(__file__).parent / "static" / "hosted.css").read_bytes()


def session_of(request: Request, place: Place) -> HostedSession | None:
    """The hosted session of the request's cookie, if live for this domain."""
    services = services_of(request)
    value = request.cookies.get(SESSION_COOKIE)
    return open_session(services.sealer, place.site.domain, value, services.clock.now())


def login_redirect(place: Place, params: dict[str, str]) -> Response:
    return redirect(f"{place.link('/login')}?{urlencode(params)}")


@page_handler
async def authorize(request: Request, place: Place) -> Response:
    params = query(request)
    session = session_of(request, place)
    await warm(request, place, params.get("client_id"), lambda message: PageError("invalid_client", message))
    if params.get("identity_provider") or params.get("idp_identifier"):  # no network I/O while writing
        await run(request, place, lambda ctx: federated.prepare(ctx, place.site, params), write=False)

    async def work(ctx: Context) -> authz.Decision:
        return await authz.decide(ctx, place.site, await authz.validate(ctx, place.site, params), session)

    decision = await run(request, place, work)
    if decision.login:
        return login_redirect(place, params)
    assert decision.location is not None
    response = redirect(decision.location)
    if decision.upstream is not None:
        set_binding(response, place, decision.upstream)
    return response


@api_handler
async def token_endpoint(request: Request, place: Place) -> Response:
    basic = basic_credentials(request.headers.get("authorization"))
    fields = await form(request)
    client_id = fields.get("client_id") or (basic.client_id if basic else None)
    await warm(request, place, client_id, InvalidClient)
    body = await run(request, place, lambda ctx: token.token(ctx, place.site, fields, basic))
    return json(body)


def _bearer(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@api_handler
async def user_info(request: Request, place: Place) -> Response:
    access_token = _bearer(request)
    body = await run(
        request, place, lambda ctx: userinfo.user_info(ctx, place.site, access_token), write=False
    )
    return json(body)


@api_handler
async def revoke_endpoint(request: Request, place: Place) -> Response:
    basic = basic_credentials(request.headers.get("authorization"))
    fields = await form(request)
    await run(request, place, lambda ctx: revoke.revoke(ctx, place.site, fields, basic))
    return Response(status_code=200, headers=NO_STORE)


@page_handler
async def logout_endpoint(request: Request, place: Place) -> Response:
    params = query(request)
    target = await run(
        request,
        place,
        lambda ctx: logout.logout_target(ctx, place.site, params, place.link("/login")),
        write=False,
    )
    response = redirect(target)
    response.delete_cookie(SESSION_COOKIE, path=place.cookie_path, secure=place.secure, httponly=True)
    return response


@api_handler
async def openid_configuration(request: Request, place: Place) -> Response:
    async with request.app.state.database.unit_of_work(False) as uow:
        domains = await uow.pools.domains_of(place.site.pool_id)
    settings = services_of(request).settings
    doc = discovery.openid_configuration(settings, place.site.pool_id, domains)
    return json(doc, headers={"cache-control": "public, max-age=300"})


async def stylesheet(_request: Request) -> Response:
    return Response(_CSS, media_type="text/css", headers={"cache-control": "public, max-age=3600"})
