"""The Settings document of a managed login branding style: Cognito's defaults, merging, checks.

The document is the branding editor's JSON (``categories``, ``componentClasses``, ``components``).
A style stores only what was customized; ``ReturnMergedResources`` and the hosted pages read it laid
over ``DEFAULTS``, the values Cognito's editor starts from (AWS CLI example of UpdateManagedLoginBranding).
Colours are ``RRGGBBAA`` hex strings.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from userpools.errors import InvalidParameterException


def _modes(light: dict[str, Any], dark: dict[str, Any], **shared: Any) -> dict[str, Any]:
    return {"lightMode": light, "darkMode": dark, **shared}


def _states(values: str, states: tuple[str, ...], keys: tuple[str, ...]) -> dict[str, Any]:
    """``{state: {key: colour}}`` from the colours listed state by state, key by key."""
    colors = iter(values.split())
    return {state: {key: next(colors) for key in keys} for state in states}


_BUTTON = (("defaults", "hover", "active"), ("backgroundColor", "borderColor", "textColor"))
_PRIMARY = (("defaults", "hover", "active"), ("backgroundColor", "textColor"))
_STATUS = (("error", "success", "warning"), ("backgroundColor", "borderColor", "indicatorColor"))
_DISABLED = {"disabled": {"backgroundColor": "ffffffff", "borderColor": "ffffffff"}}


def _button(light: str, dark: str) -> dict[str, Any]:
    return _modes(_states(light, *_BUTTON), _states(dark, *_BUTTON))


def _status(light: str, dark: str) -> dict[str, Any]:
    return _modes(
        {**_states(light, *_STATUS), "pending": {"indicatorColor": "AAAAAAAA"}},
        {**_states(dark, *_STATUS), "pending": {"indicatorColor": "AAAAAAAA"}},
    )


_BAR = {
    "backgroundImage": {"enabled": False},
    "logo": {"enabled": False, "location": "START"},
    **_modes(
        {"background": {"color": "fafafaff"}, "borderColor": "d5dbdbff"},
        {"background": {"color": "0f141aff"}, "borderColor": "424650ff"},
    ),
}

DEFAULTS: dict[str, Any] = {
    "categories": {
        "auth": {
            "authMethodOrder": [
                [
                    {"display": "BUTTON", "type": "FEDERATED"},
                    {"display": "INPUT", "type": "USERNAME_PASSWORD"},
                ]
            ],
            "federation": {"interfaceStyle": "BUTTON_LIST", "order": []},
        },
        "form": {
            "displayGraphics": True,
            "instructions": {"enabled": False},
            "languageSelector": {"enabled": False},
            "location": {"horizontal": "CENTER", "vertical": "CENTER"},
            "sessionTimerDisplay": "NONE",
        },
        "global": {
            "colorSchemeMode": "LIGHT",
            "pageFooter": {"enabled": False},
            "pageHeader": {"enabled": False},
            "spacingDensity": "REGULAR",
        },
        "signUp": {"acceptanceElements": [{"enforcement": "NONE", "textKey": "en"}]},
    },
    "componentClasses": {
        "buttons": {"borderRadius": 8.0},
        "divider": _modes({"borderColor": "ebebf0ff"}, {"borderColor": "232b37ff"}),
        "focusState": _modes({"borderColor": "0972d3ff"}, {"borderColor": "539fe5ff"}),
        "idpButtons": {"icons": {"enabled": True}},
        "input": _modes(
            {
                "defaults": {"backgroundColor": "ffffffff", "borderColor": "7d8998ff"},
                "placeholderColor": "5f6b7aff",
            },
            {
                "defaults": {"backgroundColor": "0f1b2aff", "borderColor": "5f6b7aff"},
                "placeholderColor": "8d99a8ff",
            },
            borderRadius=8.0,
        ),
        "inputDescription": _modes({"textColor": "5f6b7aff"}, {"textColor": "8d99a8ff"}),
        "inputLabel": _modes({"textColor": "000716ff"}, {"textColor": "d1d5dbff"}),
        "link": _modes(
            {"defaults": {"textColor": "0972d3ff"}, "hover": {"textColor": "033160ff"}},
            {"defaults": {"textColor": "539fe5ff"}, "hover": {"textColor": "89bdeeff"}},
        ),
        "statusIndicator": _status(
            "fff7f7ff d91515ff d91515ff f2fcf3ff 037f0cff 037f0cff fffce9ff 8d6605ff 8d6605ff",
            "1a0000ff eb6f6fff eb6f6fff 001a02ff 29ad32ff 29ad32ff 1d1906ff e0ca57ff e0ca57ff",
        ),
        "dropDown": _modes(
            {"defaults": {"itemBackgroundColor": "ffffffff"}}
            | _states(
                "f4f4f4ff 7d8998ff 000716ff",
                ("hover",),
                ("itemBackgroundColor", "itemBorderColor", "itemTextColor"),
            )
            | _states("414d5cff 0972d3ff", ("match",), ("itemBackgroundColor", "itemTextColor")),
            {"defaults": {"itemBackgroundColor": "192534ff"}}
            | _states(
                "081120ff 5f6b7aff e9ebedff",
                ("hover",),
                ("itemBackgroundColor", "itemBorderColor", "itemTextColor"),
            )
            | _states("d1d5dbff 89bdeeff", ("match",), ("itemBackgroundColor", "itemTextColor")),
            borderRadius=8.0,
        ),
        "optionControls": _modes(
            _states("ffffffff 7d8998ff", ("defaults",), ("backgroundColor", "borderColor"))
            | _states("0972d3ff ffffffff", ("selected",), ("backgroundColor", "foregroundColor")),
            _states("0f1b2aff 7d8998ff", ("defaults",), ("backgroundColor", "borderColor"))
            | _states("539fe5ff 000716ff", ("selected",), ("backgroundColor", "foregroundColor")),
        ),
    },
    "components": {
        "alert": _modes(
            {"error": {"backgroundColor": "fff7f7ff", "borderColor": "d91515ff"}},
            {"error": {"backgroundColor": "1a0000ff", "borderColor": "eb6f6fff"}},
            borderRadius=12.0,
        ),
        "favicon": {"enabledTypes": ["ICO", "SVG"]},
        "form": {
            "backgroundImage": {"enabled": False},
            "borderRadius": 8.0,
            "logo": {"enabled": False, "formInclusion": "IN", "location": "CENTER", "position": "TOP"},
            **_modes(
                {"backgroundColor": "ffffffff", "borderColor": "c6c6cdff"},
                {"backgroundColor": "0f1b2aff", "borderColor": "424650ff"},
            ),
        },
        "idpButton": {
            "custom": {},
            "standard": _button(
                "ffffffff 424650ff 424650ff f2f8fdff 033160ff 033160ff d3e7f9ff 033160ff 033160ff",
                "0f1b2aff c6c6cdff c6c6cdff 192534ff 89bdeeff 89bdeeff 354150ff 89bdeeff 89bdeeff",
            ),
        },
        "pageBackground": {
            "image": {"enabled": True},
            **_modes({"color": "ffffffff"}, {"color": "0f1b2aff"}),
        },
        "pageFooter": copy.deepcopy(_BAR),
        "pageHeader": copy.deepcopy(_BAR),
        "pageText": _modes(
            {"bodyColor": "414d5cff", "descriptionColor": "414d5cff", "headingColor": "000716ff"},
            {"bodyColor": "b6bec9ff", "descriptionColor": "b6bec9ff", "headingColor": "d1d5dbff"},
        ),
        "phoneNumberSelector": {"displayType": "TEXT"},
        "primaryButton": _modes(
            _states("0972d3ff ffffffff 033160ff ffffffff 033160ff ffffffff", *_PRIMARY) | _DISABLED,
            _states("539fe5ff 000716ff 89bdeeff 000716ff 539fe5ff 000716ff", *_PRIMARY) | _DISABLED,
        ),
        "secondaryButton": _button(
            "ffffffff 0972d3ff 0972d3ff f2f8fdff 033160ff 033160ff d3e7f9ff 033160ff 033160ff",
            "0f1b2aff 539fe5ff 539fe5ff 192534ff 89bdeeff 89bdeeff 354150ff 89bdeeff 89bdeeff",
        ),
    },
}

SECTIONS = ("categories", "componentClasses", "components")
_COLOR = re.compile(r"[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")
_SCHEMES = ("LIGHT", "DARK", "DYNAMIC")
MAX_DEPTH = 12


def merged(over: dict[str, Any], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``over`` laid on ``base`` (DEFAULTS): objects merge key by key, anything else replaces."""
    out = copy.deepcopy(DEFAULTS if base is None else base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(value, out[key])
        else:
            out[key] = copy.deepcopy(value)
    return out


def check_settings(settings: Any) -> dict[str, Any]:
    """The Settings document, or InvalidParameterException naming what is wrong in it."""
    if not isinstance(settings, dict):
        raise InvalidParameterException("Settings must be a JSON object.")
    _check(settings, "Settings", 0)
    scheme = settings.get("categories", {}).get("global", {}).get("colorSchemeMode")
    if scheme is not None and scheme not in _SCHEMES:
        raise InvalidParameterException(
            f"Settings.categories.global.colorSchemeMode must be one of {', '.join(_SCHEMES)}."
        )
    return settings


def _check(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidParameterException(f"{path} is nested too deeply.")
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}"
            # Every colour in the editor's document is a key ending in "Color" (or "color").
            if key.lower().endswith("color") and not (isinstance(item, str) and _COLOR.fullmatch(item)):
                raise InvalidParameterException(f"{where} must be a hex colour RRGGBB or RRGGBBAA.")
            _check(item, where, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]", depth + 1)


def value_at(settings: dict[str, Any], *path: str) -> Any:
    node: Any = settings
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
