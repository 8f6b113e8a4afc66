"""Managed login (domain branding version 2): the app client's branding style and terms on the pages.

A domain with ManagedLoginVersion 2 styles its pages with the client's managed login branding style
(CreateManagedLoginBranding), or Cognito's default style when the client has none; version 1 keeps the
classic SetUICustomization (``render.branding``). The style becomes a stylesheet and images served by the
domain (``/managed-login/<client>/...``), so the pages' Content-Security-Policy stays ``'self'``-only.
The sign-up page links the client's terms of use and privacy policy once it has both (CreateTerms),
in the page's language (``lang``) or ``cognito:default``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from userpools.domain.branding_settings import merged, value_at
from userpools.store.uow import UnitOfWork
from userpools.web.hosted.managed_css import stylesheet
from userpools.web.hosted.place import Place

_MEDIA = {
    "ICO": "image/x-icon",
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "SVG": "image/svg+xml",
    "WEBP": "image/webp",
}
# An SVG opened on its own is a document of this origin: no script, no requests, no plugins.
_ASSET_HEADERS = {
    "cache-control": "public, max-age=31536000, immutable",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}
# Managed login's ``lang`` codes and the Links keys of CreateTerms.
LANGUAGES = {
    "de": "german",
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "id": "bahasa-indonesia",
    "it": "italian",
    "ja": "japanese",
    "ko": "korean",
    "nl": "dutch",
    "pt-br": "portuguese-brazil",
    "zh-cn": "chinese-simplified",
    "zh-tw": "chinese-traditional",
}
TERMS_TITLES = {"terms-of-use": "Terms of use", "privacy-policy": "Privacy policy"}


async def is_managed(uow: UnitOfWork, place: Place) -> bool:
    row = await uow.domains.get(place.site.domain)
    return row is not None and row["doc"].get("ManagedLoginVersion") == 2


def _asset_path(client_id: str, asset: dict[str, Any]) -> str:
    extension = str(asset["extension"]).lower()
    return (
        f"/managed-login/{client_id}/{asset['category']}/{asset['color_mode']}/{asset['version']}.{extension}"
    )


def _by_mode(
    place: Place, client_id: str, assets: list[dict[str, Any]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Category → image path in light and in dark mode; a DYNAMIC image serves both unless overridden."""
    light: dict[str, str] = {}
    dark: dict[str, str] = {}
    for mode in ("DYNAMIC", "LIGHT", "DARK"):
        for asset in assets:
            if asset["color_mode"] != mode:
                continue
            path = place.link(_asset_path(client_id, asset))
            if mode in ("DYNAMIC", "LIGHT"):
                light[asset["category"]] = path
            if mode in ("DYNAMIC", "DARK"):
                dark[asset["category"]] = path
    return light, dark


async def style_of(
    uow: UnitOfWork, place: Place, client_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]], float]:
    """The client's settings over the defaults, its assets (without bytes) and when the style changed."""
    style = await uow.brandings.of_client(place.site.pool_id, client_id)
    if style is None:
        return merged({}), [], 0.0
    return (
        merged(style["settings"]),
        await uow.brandings.asset_versions(style["id"]),
        float(style["modified"]),
    )


def _pick(light: dict[str, str], dark: dict[str, str], scheme: Any, category: str) -> dict[str, str]:
    """An image for the page's colour scheme: ``src`` and, in DYNAMIC mode, ``dark`` for a <picture>."""
    main = dark if scheme == "DARK" else light
    out: dict[str, str] = {}
    if category in main:
        out["src"] = main[category]
    if scheme == "DYNAMIC" and dark.get(category) and dark[category] != out.get("src"):
        out["dark"] = dark[category]
    return out


async def page_branding(uow: UnitOfWork, place: Place, client_id: str | None, lang: str) -> dict[str, Any]:
    """What ``base.html`` needs for a managed login page (see ``render.branding``)."""
    out: dict[str, Any] = {"managed": True}
    if not client_id:
        return out
    settings, assets, modified = await style_of(uow, place, client_id)
    light, dark = _by_mode(place, client_id, assets)
    scheme = value_at(settings, "categories", "global", "colorSchemeMode")
    out["css_url"] = place.link(f"/managed-login/{client_id}/style.css") + f"?v={modified:.3f}"
    if value_at(settings, "components", "form", "logo", "enabled") is True:
        out["logo"] = _pick(light, dark, scheme, "FORM_LOGO")
    for bar in ("pageHeader", "pageFooter"):
        if value_at(settings, "categories", "global", bar, "enabled") is True:
            logo = "PAGE_HEADER_LOGO" if bar == "pageHeader" else "PAGE_FOOTER_LOGO"
            shown = value_at(settings, "components", bar, "logo", "enabled") is True
            out[bar] = {"logo": _pick(light, dark, scheme, logo) if shown else {}}
    favicons = value_at(settings, "components", "favicon", "enabledTypes") or []
    for kind in ("ICO", "SVG"):
        if kind in favicons and f"FAVICON_{kind}" in light:
            out.setdefault("favicons", []).append({"href": light[f"FAVICON_{kind}"], "type": _MEDIA[kind]})
    out["terms"] = await terms_links(uow, place.site.pool_id, client_id, lang)
    return out


async def terms_links(uow: UnitOfWork, pool_id: str, client_id: str, lang: str) -> list[dict[str, str]]:
    """``[{title, url}]`` of the client's terms in ``lang``, once it has both documents (else none)."""
    documents = {row["name"]: row["links"] for row in await uow.terms.of_client(pool_id, client_id)}
    if set(documents) != set(TERMS_TITLES):
        return []
    language = "cognito:" + LANGUAGES.get(lang.lower(), "default")
    links = []
    for name, title in TERMS_TITLES.items():
        url = documents[name].get(language) or documents[name].get("cognito:default")
        if url is None:
            return []  # no link for this language and no default: Cognito shows none
        links.append({"title": title, "url": url})
    return links


def _not_found() -> Response:
    return Response("Not Found", status_code=404, media_type="text/plain")


async def serve_css(request: Request, place: Place) -> Response:
    """``/managed-login/<client>/style.css``: the client's style (or the default) on a version 2 domain."""
    client_id = request.path_params["client_id"]
    async with request.app.state.database.unit_of_work(False) as uow:
        client = await uow.clients.get(place.site.pool_id, client_id)
        if client is None or not await is_managed(uow, place):
            return _not_found()
        settings, assets, _modified = await style_of(uow, place, client_id)
    light, dark = _by_mode(place, client_id, assets)
    # The URL carries the style's modification time, so a changed style gets a new URL.
    headers = {"cache-control": "public, max-age=300", "x-content-type-options": "nosniff"}
    return Response(stylesheet(settings, light, dark), media_type="text/css", headers=headers)


async def serve_asset(request: Request, place: Place) -> Response:
    """``/managed-login/<client>/<category>/<mode>/<version>.<ext>``: one image of the client's style."""
    params = request.path_params
    version, _, extension = str(params["filename"]).partition(".")
    async with request.app.state.database.unit_of_work(False) as uow:
        style = await uow.brandings.of_client(place.site.pool_id, params["client_id"])
        asset = None
        if style is not None:
            asset = await uow.brandings.asset(style["id"], params["category"], params["color_mode"])
    if asset is None or asset["version"] != version or asset["extension"].lower() != extension:
        return _not_found()
    return Response(asset["bytes"], media_type=_MEDIA[asset["extension"]], headers=_ASSET_HEADERS)
