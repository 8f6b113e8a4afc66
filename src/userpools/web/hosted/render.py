"""Server-rendered pages of the hosted UI: Jinja2 templates, branding, security headers.

Templates live in ``web/hosted/templates`` (autoescaped; ``base.html`` is the frame, one file per page).
Every page gets the default stylesheet and, on a classic (version 1) domain whose pool has a
SetUICustomization for the app client (or for ``ALL``), that CSS as a second stylesheet and its logo;
on a managed login (version 2) domain, the client's branding style instead (``managed_login``). Both are
served by this domain, so the Content-Security-Policy can stay ``'self'``-only. Pages are never
cached, can't be framed, and send no Referer (callback URLs carry codes).
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from userpools.operations.ui_customization import ALL, css_path, image_path
from userpools.web.hosted.managed_login import is_managed, page_branding
from userpools.web.hosted.place import Place

_ENV = Environment(
    loader=PackageLoader("userpools.web.hosted", "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
PAGE_HEADERS = {
    "cache-control": "no-store",
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


async def branding(request: Request, place: Place, client_id: str | None) -> dict[str, Any]:
    """``css_url`` / ``logo_url`` of the customization that applies to the client (or the pool)."""
    pool_id = place.site.pool_id
    if not pool_id:
        return {}
    async with request.app.state.database.unit_of_work(False) as uow:
        if await is_managed(uow, place):
            return await page_branding(uow, place, client_id, request.query_params.get("lang", ""))
        row = await uow.ui_customizations.get(pool_id, client_id) if client_id else None
        row = row or await uow.ui_customizations.get(pool_id, ALL)
    out: dict[str, Any] = {}
    if row is None:
        return out
    if row["css"]:
        out["css_url"] = place.link(css_path(pool_id, row["client_id"], row["css_version"]))
    if row["image_type"]:
        out["logo_url"] = place.link(
            image_path(pool_id, row["client_id"], row["css_version"], row["image_type"])
        )
        out["logo_alt"] = "Logo"
    return out


async def page(
    request: Request, place: Place, template: str, *, title: str, status: int = 200,
    client_id: str | None = None, **values: Any,
) -> HTMLResponse:  # fmt: skip
    html = _ENV.get_template(template).render(
        title=title,
        static_css=place.link("/static/hosted.css"),
        branding=await branding(request, place, client_id),
        **values,
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)
