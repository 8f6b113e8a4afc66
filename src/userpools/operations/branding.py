"""Managed login branding styles: CreateManagedLoginBranding, DescribeManagedLoginBranding,
DescribeManagedLoginBrandingByClient, UpdateManagedLoginBranding, DeleteManagedLoginBranding.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateManagedLoginBranding.html
A style belongs to one app client (a second one is ManagedLoginBrandingExistsException). Settings is
the branding editor's JSON document; a style keeps only what was customized, and ReturnMergedResources
lays it over Cognito's defaults (``domain.branding_settings``). UseCognitoProvidedValues asks for the
defaults and excludes Settings and Assets. An update keeps what it does not name: Settings merge into
the stored document, an asset replaces the stored one of its category and colour mode. The hosted pages
of a managed login (version 2) domain use the style (``web.hosted.managed_login``).
Known difference: ReturnMergedResources merges settings only; Cognito's default images are not served.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.branding_settings import check_settings, merged
from userpools.errors import (
    InvalidParameterException,
    ManagedLoginBrandingExistsException,
    ResourceNotFoundException,
)
from userpools.operations.clients import load_client
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation

# What each extension's file starts with; SVG is XML text, so it is recognized by its root element.
_MAGIC = {
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "JPEG": (b"\xff\xd8\xff",),
    "ICO": (b"\x00\x00\x01\x00",),
}
# The favicon categories name their file type; ICO is a favicon format only.
_CATEGORY_EXTENSIONS = {"FAVICON_ICO": ("ICO",), "FAVICON_SVG": ("SVG",)}
_IMAGE_EXTENSIONS = ("JPEG", "PNG", "SVG", "WEBP")


def _matches(extension: str, data: bytes) -> bool:
    if extension == "WEBP":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if extension == "SVG":
        head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        return head.startswith((b"<svg", b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in data.lower()
    return data.startswith(_MAGIC[extension])


def check_assets(ctx: Context, assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store rows for the request's Assets; InvalidParameterException for a wrong or repeated one."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for asset in assets:
        category, mode, extension = asset["Category"], asset["ColorMode"], asset["Extension"]
        if (category, mode) in seen:
            raise InvalidParameterException(
                f"Assets has more than one {category} asset for ColorMode {mode}."
            )
        seen.add((category, mode))
        allowed = _CATEGORY_EXTENSIONS.get(category, _IMAGE_EXTENSIONS)
        if extension not in allowed:
            raise InvalidParameterException(
                f"Extension {extension} is not valid for asset category {category}; "
                f"use {' or '.join(allowed)}."
            )
        data = asset.get("Bytes")
        if not data:
            raise InvalidParameterException(f"Asset {category} ({mode}) needs its image Bytes.")
        if not _matches(extension, data):
            raise InvalidParameterException(
                f"Asset {category} ({mode}) Bytes are not a valid {extension} file."
            )
        rows.append(
            {
                "category": category,
                "color_mode": mode,
                "extension": extension,
                "bytes": data,
                "resource_id": asset.get("ResourceId"),
                "version": ctx.random.token_bytes(6).hex(),
            }
        )
    return rows


def _use_defaults(req: dict[str, Any]) -> bool:
    use = bool(req.get("UseCognitoProvidedValues"))
    if use and ("Settings" in req or req.get("Assets")):
        raise InvalidParameterException(
            "When UseCognitoProvidedValues is true, Settings and Assets must be omitted."
        )
    return use


async def _wire(ctx: Context, style: dict[str, Any], merge: bool) -> dict[str, Any]:
    settings = merged(style["settings"]) if merge else style["settings"]
    assets = []
    for row in await ctx.uow.brandings.assets(style["id"]):
        asset = {
            "Category": row["category"],
            "ColorMode": row["color_mode"],
            "Extension": row["extension"],
            "Bytes": row["bytes"],
        }
        if row["resource_id"]:
            asset["ResourceId"] = row["resource_id"]
        assets.append(asset)
    return {
        "ManagedLoginBranding": {
            "ManagedLoginBrandingId": style["id"],
            "UserPoolId": style["pool_id"],
            "UseCognitoProvidedValues": style["use_cognito_provided_values"],
            "Settings": settings,
            "Assets": assets,
            "CreationDate": style["created"],
            "LastModifiedDate": style["modified"],
        }
    }


def _not_found(branding_id: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Managed login branding {branding_id} does not exist.")


async def _load(ctx: Context, pool_id: str, branding_id: str) -> dict[str, Any]:
    await load_pool(ctx, pool_id)
    style = await ctx.uow.brandings.get(pool_id, branding_id)
    if style is None:
        raise _not_found(branding_id)
    return style


@operation("CreateManagedLoginBranding", write=True)
async def create_managed_login_branding(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    use_defaults = _use_defaults(req)
    settings = check_settings(req["Settings"]) if "Settings" in req else {}
    assets = check_assets(ctx, req.get("Assets", []))
    exists = ManagedLoginBrandingExistsException(
        f"App client {client['ClientId']} already has a managed login branding style."
    )
    if await ctx.uow.brandings.of_client(pool["Id"], client["ClientId"]) is not None:
        raise exists
    now = ctx.now
    style = {
        "id": ctx.random.uuid4(),
        "pool_id": pool["Id"],
        "client_id": client["ClientId"],
        "use_cognito_provided_values": use_defaults,
        "settings": settings,
        "created": now,
        "modified": now,
    }
    if not await ctx.uow.brandings.insert(style):
        raise exists
    await ctx.uow.brandings.put_assets(style["id"], assets)
    return await _wire(ctx, style, False)


@operation("DescribeManagedLoginBranding", write=False)
async def describe_managed_login_branding(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    style = await _load(ctx, req["UserPoolId"], req["ManagedLoginBrandingId"])
    return await _wire(ctx, style, bool(req.get("ReturnMergedResources")))


@operation("DescribeManagedLoginBrandingByClient", write=False)
async def describe_managed_login_branding_by_client(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    style = await ctx.uow.brandings.of_client(pool["Id"], client["ClientId"])
    if style is None:
        raise ResourceNotFoundException(
            f"App client {client['ClientId']} has no managed login branding style."
        )
    return await _wire(ctx, style, bool(req.get("ReturnMergedResources")))


@operation("UpdateManagedLoginBranding", write=True)
async def update_managed_login_branding(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Both IDs are optional in the model, but a style is found by the two together."""
    for member in ("UserPoolId", "ManagedLoginBrandingId"):
        if member not in req:
            raise InvalidParameterException(f"{member} is required.")
    style = await _load(ctx, req["UserPoolId"], req["ManagedLoginBrandingId"])
    use_defaults = _use_defaults(req)
    settings = check_settings(req["Settings"]) if "Settings" in req else None
    assets = check_assets(ctx, req.get("Assets", []))
    if use_defaults:
        # Back to Cognito's defaults: nothing customized is kept.
        await ctx.uow.brandings.clear_assets(style["id"])
        style.update(settings={}, use_cognito_provided_values=True)
    else:
        if settings is not None:
            style["settings"] = merged(settings, style["settings"])
        await ctx.uow.brandings.put_assets(style["id"], assets)
        if settings is not None or assets or "UseCognitoProvidedValues" in req:
            style["use_cognito_provided_values"] = False
    style["modified"] = ctx.now
    values = {k: style[k] for k in ("settings", "use_cognito_provided_values", "modified")}
    await ctx.uow.brandings.update(style["id"], values)
    return await _wire(ctx, style, False)


@operation("DeleteManagedLoginBranding", write=True)
async def delete_managed_login_branding(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    style = await _load(ctx, req["UserPoolId"], req["ManagedLoginBrandingId"])
    await ctx.uow.brandings.delete(style["id"])
    return {}
