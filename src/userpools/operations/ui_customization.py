"""Hosted UI (classic) branding: SetUICustomization, GetUICustomization.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUICustomization.html
Settings apply to one app client or, with ClientId ``ALL`` (the default), to every client without its
own. The pool needs a domain. Each call replaces CSS and logo together (they can't be set separately);
a call with neither removes the customization. The logo is served by this server at ``ImageUrl``.
"""

from __future__ import annotations

import time
from typing import Any

from userpools.domain.ui_css import check_css
from userpools.errors import InvalidParameterException
from userpools.operations.clients import load_client
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation

ALL = "ALL"
MAX_IMAGE_BYTES = 100 * 1024
_EXTENSIONS = {"png": "png", "jpeg": "jpg"}
CSS_FILENAME = "custom.css"


def image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    raise InvalidParameterException("ImageFile must be a PNG or JPEG image.")


def image_path(pool_id: str, client_id: str, version: str, kind: str) -> str:
    """Path of a stored logo under the server's base URL (served by ``web.ui_images``)."""
    return f"/ui-customization/{pool_id}/{client_id}/{version}/logo.{_EXTENSIONS[kind]}"


def css_path(pool_id: str, client_id: str, version: str) -> str:
    """Path of a stored CSS as a stylesheet of its own (the hosted pages link it, never inline it)."""
    return f"/ui-customization/{pool_id}/{client_id}/{version}/{CSS_FILENAME}"


async def _target(ctx: Context, req: dict[str, Any]) -> tuple[str, str]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client_id = req.get("ClientId", ALL)
    if client_id != ALL:
        await load_client(ctx, pool["Id"], client_id)
    if not await ctx.uow.domains.of_pool(pool["Id"]):
        raise InvalidParameterException("There has to be an existing domain associated with this user pool")
    return pool["Id"], client_id


def _wire(ctx: Context, pool_id: str, client_id: str, row: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"UserPoolId": pool_id, "ClientId": client_id}
    if row is None:
        return out
    if row["css"] is not None:
        out["CSS"] = row["css"]
    out["CSSVersion"] = row["css_version"]
    if row["image_type"]:
        path = image_path(pool_id, row["client_id"], row["css_version"], row["image_type"])
        out["ImageUrl"] = ctx.settings.base_url + path
    out["CreationDate"], out["LastModifiedDate"] = row["created"], row["modified"]
    return out


@operation("SetUICustomization", write=True)
async def set_ui_customization(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool_id, client_id = await _target(ctx, req)
    css, image = req.get("CSS"), req.get("ImageFile")
    if css:
        check_css(css)
    kind = image_type(image) if image else None
    if image and len(image) > MAX_IMAGE_BYTES:
        raise InvalidParameterException("ImageFile must not be larger than 100 KB.")
    if not css and not image:
        await ctx.uow.ui_customizations.delete(pool_id, client_id)
        return {"UICustomization": _wire(ctx, pool_id, client_id, None)}
    # A fresh version per call, so every stored logo gets its own ImageUrl.
    version = time.strftime("%Y%m%d%H%M%S", time.gmtime(ctx.now)) + ctx.random.token_bytes(4).hex()
    await ctx.uow.ui_customizations.put(
        pool_id, client_id, css or None, version, image or None, kind, ctx.now
    )
    row = await ctx.uow.ui_customizations.get(pool_id, client_id)
    return {"UICustomization": _wire(ctx, pool_id, client_id, row)}


@operation("GetUICustomization", write=False)
async def get_ui_customization(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """A client without its own settings gets the pool's ``ALL`` settings (reported with ClientId ALL)."""
    pool_id, client_id = await _target(ctx, req)
    row = await ctx.uow.ui_customizations.get(pool_id, client_id)
    if row is None and client_id != ALL:
        row = await ctx.uow.ui_customizations.get(pool_id, ALL)
        if row is not None:
            return {"UICustomization": _wire(ctx, pool_id, ALL, row)}
    return {"UICustomization": _wire(ctx, pool_id, client_id, row)}
