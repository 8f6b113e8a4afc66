"""``GET /ui-customization/{pool}/{client}/{version}/logo.{ext}``: the logo set by SetUICustomization.

The version segment is the customization's CSSVersion, so a replaced logo gets a new URL and an old
URL stops resolving (it answers 404), which lets browsers cache each URL for good.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_MEDIA = {"png": "image/png", "jpeg": "image/jpeg"}
_EXTENSION = {"png": "png", "jpeg": "jpg"}


async def ui_image(request: Request) -> Response:
    params = request.path_params
    database = request.app.state.database
    async with database.unit_of_work(False) as uow:
        found = await uow.ui_customizations.image(params["pool_id"], params["client_id"])
    if found is None:
        return Response("Not Found", status_code=404, media_type="text/plain")
    data, kind, version = found
    if version != params["version"] or params["filename"] != f"logo.{_EXTENSION.get(kind, '')}":
        return Response("Not Found", status_code=404, media_type="text/plain")
    headers = {"cache-control": "public, max-age=31536000, immutable", "x-content-type-options": "nosniff"}
    return Response(data, media_type=_MEDIA.get(kind, "application/octet-stream"), headers=headers)


route = Route("/ui-customization/{pool_id}/{client_id}/{version}/{filename}", ui_image, methods=["GET"])
