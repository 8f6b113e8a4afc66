"""The stylesheet of a managed login branding style: its Settings document as CSS for the hosted pages.

Reads the settings laid over Cognito's defaults (``domain.branding_settings``) and writes rules for the
classes the templates use. ``categories.global.colorSchemeMode`` picks the light or dark values, or
both (DYNAMIC: dark ones under ``prefers-color-scheme: dark``). Only values that are checked colours
(``RRGGBBAA``), numbers and this server's own asset paths reach the CSS, so no setting can inject rules.
"""

from __future__ import annotations

import re
from typing import Any

from userpools.domain.branding_settings import value_at

_COLOR = re.compile(r"[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")
_PATH = re.compile(r"[A-Za-z0-9/_.\-]+")
_JUSTIFY = {"START": "flex-start", "CENTER": "center", "END": "flex-end"}
_ALIGN = {"START": "flex-start", "CENTER": "center", "END": "flex-end"}

# (selector, CSS property, path in "components"/"componentClasses" under the mode key, then the rest)
_MODE_RULES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("body.background-customizable", "background-color", ("components", "pageBackground"), ("color",)),
    (".modal-content", "background-color", ("components", "form"), ("backgroundColor",)),
    (".banner-customizable", "background-color", ("components", "form"), ("backgroundColor",)),
    (".modal-content", "border-color", ("components", "form"), ("borderColor",)),
    ("h1", "color", ("components", "pageText"), ("headingColor",)),
    (".modal-body", "color", ("components", "pageText"), ("bodyColor",)),
    (".textDescription-customizable", "color", ("components", "pageText"), ("descriptionColor",)),
    (
        ".submitButton-customizable",
        "background-color",
        ("components", "primaryButton"),
        ("defaults", "backgroundColor"),
    ),
    (".submitButton-customizable", "color", ("components", "primaryButton"), ("defaults", "textColor")),
    (
        ".submitButton-customizable:hover",
        "background-color",
        ("components", "primaryButton"),
        ("hover", "backgroundColor"),
    ),
    (".submitButton-customizable:hover", "color", ("components", "primaryButton"), ("hover", "textColor")),
    (
        ".submitButton-customizable:active",
        "background-color",
        ("components", "primaryButton"),
        ("active", "backgroundColor"),
    ),
    (
        ".idpButton-customizable",
        "background-color",
        ("components", "idpButton", "standard"),
        ("defaults", "backgroundColor"),
    ),
    (
        ".idpButton-customizable",
        "border-color",
        ("components", "idpButton", "standard"),
        ("defaults", "borderColor"),
    ),
    (".idpButton-customizable", "color", ("components", "idpButton", "standard"), ("defaults", "textColor")),
    (
        ".idpButton-customizable:hover",
        "background-color",
        ("components", "idpButton", "standard"),
        ("hover", "backgroundColor"),
    ),
    (
        ".idpButton-customizable:hover",
        "color",
        ("components", "idpButton", "standard"),
        ("hover", "textColor"),
    ),
    (".errorMessage-customizable", "background-color", ("components", "alert"), ("error", "backgroundColor")),
    (".errorMessage-customizable", "border-color", ("components", "alert"), ("error", "borderColor")),
    (".page-header", "background-color", ("components", "pageHeader"), ("background", "color")),
    (".page-header", "border-color", ("components", "pageHeader"), ("borderColor",)),
    (".page-footer", "background-color", ("components", "pageFooter"), ("background", "color")),
    (".page-footer", "border-color", ("components", "pageFooter"), ("borderColor",)),
    (
        ".inputField-customizable",
        "background-color",
        ("componentClasses", "input"),
        ("defaults", "backgroundColor"),
    ),
    (".inputField-customizable", "border-color", ("componentClasses", "input"), ("defaults", "borderColor")),
    (".inputField-customizable::placeholder", "color", ("componentClasses", "input"), ("placeholderColor",)),
    (".inputField-customizable:focus", "border-color", ("componentClasses", "focusState"), ("borderColor",)),
    (".label-customizable", "color", ("componentClasses", "inputLabel"), ("textColor",)),
    (".hint", "color", ("componentClasses", "inputDescription"), ("textColor",)),
    ("a, .link-button", "color", ("componentClasses", "link"), ("defaults", "textColor")),
    ("a:hover, .link-button:hover", "color", ("componentClasses", "link"), ("hover", "textColor")),
    (".providers", "border-color", ("componentClasses", "divider"), ("borderColor",)),
)

_RADII = (
    (".submitButton-customizable, .idpButton-customizable", ("componentClasses", "buttons", "borderRadius")),
    (".inputField-customizable", ("componentClasses", "input", "borderRadius")),
    (".modal-content", ("components", "form", "borderRadius")),
    (".errorMessage-customizable", ("components", "alert", "borderRadius")),
)

# Background images: (selector, asset category, settings path of the switch that shows it)
_BACKGROUNDS = (
    ("body.background-customizable", "PAGE_BACKGROUND", ("components", "pageBackground", "image", "enabled")),
    (".modal-content", "FORM_BACKGROUND", ("components", "form", "backgroundImage", "enabled")),
    (".page-header", "PAGE_HEADER_BACKGROUND", ("components", "pageHeader", "backgroundImage", "enabled")),
    (".page-footer", "PAGE_FOOTER_BACKGROUND", ("components", "pageFooter", "backgroundImage", "enabled")),
)


def _color(value: Any) -> str | None:
    return f"#{value.lower()}" if isinstance(value, str) and _COLOR.fullmatch(value) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        return None
    return float(value)


def _rules(settings: dict[str, Any], mode: str, images: dict[str, str]) -> list[str]:
    """CSS rules of one colour mode (``lightMode`` / ``darkMode``); ``images`` maps category to path."""
    by_selector: dict[str, list[str]] = {}
    for selector, prop, base, rest in _MODE_RULES:
        color = _color(value_at(settings, *base, mode, *rest))
        if color:
            by_selector.setdefault(selector, []).append(f"{prop}: {color}")
    for selector, category, switch in _BACKGROUNDS:
        path = images.get(category)
        if path and _PATH.fullmatch(path) and value_at(settings, *switch) is True:
            by_selector.setdefault(selector, []).append(
                f'background-image: url("{path}"); background-size: cover; background-position: center'
            )
    return [f"{sel} {{ {'; '.join(decls)}; }}" for sel, decls in by_selector.items()]


def stylesheet(settings: dict[str, Any], light: dict[str, str], dark: dict[str, str]) -> str:
    """The style's CSS; ``light`` / ``dark`` map asset categories to the paths of that mode's images."""
    lines = ["/* Managed login branding style (CreateManagedLoginBranding Settings). */"]
    for selector, path in _RADII:
        radius = _number(value_at(settings, *path))
        if radius is not None:
            lines.append(f"{selector} {{ border-radius: {radius:g}px; }}")
    location = value_at(settings, "categories", "form", "location") or {}
    justify = _JUSTIFY.get(str(location.get("horizontal")) if isinstance(location, dict) else "")
    if justify:
        align = _ALIGN.get(str(location.get("vertical")), "flex-start")
        lines.append(f".page-main {{ justify-content: {justify}; align-items: {align}; }}")
    scheme = value_at(settings, "categories", "global", "colorSchemeMode")
    if scheme == "DARK":
        lines += _rules(settings, "darkMode", dark)
    else:
        lines += _rules(settings, "lightMode", light)
    if scheme == "DYNAMIC":
        lines.append("@media (prefers-color-scheme: dark) {")
        lines += ["  " + rule for rule in _rules(settings, "darkMode", dark)]
        lines.append("}")
    return "\n".join(lines) + "\n"
