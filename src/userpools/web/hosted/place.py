"""Which domain a hosted request is for, and running its work in one unit of work.

Requests reach a domain under ``/domain/<name>/...`` (the path prefix), or on the domain's own Host,
which ``web.hosted.dispatch`` rewrites to that prefix, noting it in the request state. Links and cookie
paths follow how the request came: ``/login`` on the domain's host, ``/domain/<name>/login`` otherwise.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from starlette.requests import Request

from userpools.oauth2.errors import InvalidRequest, PageError
from userpools.oauth2.sites import PATH_PREFIX, HostMatch, Site, load_site
from userpools.operations.context import Context, Services
from userpools.operations.registry import Operation

T = TypeVar("T")
HOST_MATCH = "userpools_domain_host"  # request-state key set by web.hosted.dispatch
MAX_FORM_BYTES = 64 * 1024


@dataclass(frozen=True)
class Place:
    site: Site
    prefix: str  # "" on the domain's own host, "/domain/<name>" under the public URL
    secure: bool  # reached over HTTPS: cookies get the Secure flag

    @property
    def cookie_path(self) -> str:
        return self.prefix + "/"

    def link(self, path: str) -> str:
        return self.prefix + path


def services_of(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def place_of(request: Request) -> Place:
    """The domain the request is for; PageError (404) when no pool has it."""
    name = str(request.path_params["domain"]).lower()
    match: HostMatch | None = getattr(request.state, HOST_MATCH, None)
    async with request.app.state.database.unit_of_work(False) as uow:
        site = await load_site(uow, name, match)
    if site is None:
        raise PageError("not_found", f"The domain {name} does not exist.", status=404)
    secure = request.url.scheme == "https" or services_of(request).settings.base_url.startswith("https:")
    return Place(site, "" if match is not None else f"{PATH_PREFIX}/{site.domain}", secure)


async def run(
    request: Request, place: Place, work: Callable[[Context], Awaitable[T]], *, write: bool = True
) -> T:
    """``work(ctx)`` in one unit of work of the domain's region, as the API runs an operation."""
    box: dict[str, Any] = {}

    async def handler(ctx: Context, _params: dict[str, Any]) -> dict[str, Any]:
        box["value"] = await work(ctx)
        return {}

    operation = Operation(f"hosted:{request.url.path}", handler, write)
    client = request.client.host if request.client else ""  # threat protection's IP (auth.risk_signals)
    await request.app.state.runner.run(operation, {}, str(uuid.uuid4()), place.site.region, client)
    return box["value"]  # type: ignore[no-any-return]


def query(request: Request) -> dict[str, str]:
    """The query parameters, the first value of each."""
    out: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        out.setdefault(key, value)
    return out


async def form(request: Request, limit: int = MAX_FORM_BYTES) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body of at most ``limit`` bytes (each field's first value)."""
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise InvalidRequest("The body must be application/x-www-form-urlencoded.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise InvalidRequest("The request body is too large.")
    out: dict[str, str] = {}
    try:
        for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            out.setdefault(key, value)
    except UnicodeDecodeError:
        raise InvalidRequest("The body is not UTF-8.") from None
    return out
