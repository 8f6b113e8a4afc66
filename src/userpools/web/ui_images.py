"""``GET /ui-customization/{pool}/{client}/{version}/logo.{ext}`` and ``.../custom.css``: SetUICustomization.

The logo set by SetUICustomization (its ``ImageUrl``) and the CSS, as a stylesheet of its own that the
hosted pages link (never inlined into HTML, so no CSS value can end a ``<style>`` element). The version
segment is the customization's CSSVersion, so a replaced logo or CSS gets a new URL and an old URL stops
resolving (it answers 404), which lets browsers cache each URL for good. The hosted routes serve the
same paths on each domain.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from userpools.operations.ui_customization import CSS_FILENAME

_MEDIA = {"png": "image/png", "jpeg": "image/jpeg"}
_EXTENSION = {"png": "png", "jpeg": "jpg"}
_FOREVER = {"cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff"}


def _not_found() -> Response:
    return Response("Not Found", status_code=404, media_type="text/plain")


async def ui_image(request: Request) -> Response:
    params = request.path_params
    if params["filename"] == CSS_FILENAME:
        return await _css(request)
    database = request.app.state.database
    async with database.unit_of_work(False) as uow:
        found = await uow.ui_customizations.image(params["pool_id"], params["client_id"])
    if found is None:
        return _not_found()
    data, kind, version = found
    if version != params["version"] or params["filename"] != f"logo.{_EXTENSION.get(kind, '')}":
        return _not_found()
    return Response(data, media_type=_MEDIA.get(kind, "application/octet-stream"), headers=_FOREVER)


async def _css(request: Request) -> Response:
    params = request.path_params
    async with request.app.state.database.unit_of_work(False) as uow:
        row = await uow.ui_customizations.get(params["pool_id"], params["client_id"])
    if row is None or not row["css"] or row["css_version"] != params["version"]:
        return _not_found()
    return Response(row["css"], media_type="text/css", headers=_FOREVER)


route = Route("/ui-customization/{pool_id}/{client_id}/{version}/{filename}", ui_image, methods=["GET"])
