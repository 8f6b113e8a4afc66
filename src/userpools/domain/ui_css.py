"""Hosted UI (classic) CSS: only Cognito's customizable classes and, for each, its documented properties.

Developer guide, "Customizing hosted UI (classic) branding"
(https://docs.aws.amazon.com/cognito/latest/developerguide/hosted-ui-classic-branding.html): rules use the
``*-customizable`` class names; values may not carry ``@import``, ``@supports``, ``@page``, ``@media``
or JavaScript.
"""

from __future__ import annotations

import re

from userpools.errors import InvalidParameterException

ALLOWED: dict[str, frozenset[str]] = {
    name: frozenset(props.split())
    for name, props in {
        "background-customizable": "background-color",
        "banner-customizable": "padding background-color",
        "errorMessage-customizable": "margin padding font-size width background border color box-sizing",
        "idpButton-customizable": "height width text-align margin-bottom color background-color border-color",
        "idpButton-customizable:hover": "color background-color",
        "idpDescription-customizable": "padding-top padding-bottom display font-size",
        "inputField-customizable": "width height color background-color border",
        "inputField-customizable:focus": "border-color outline",
        "label-customizable": "font-weight",
        "legalText-customizable": "color font-size",
        "logo-customizable": "max-width max-height",
        "passwordCheck-notValid-customizable": "color",
        "passwordCheck-valid-customizable": "color",
        "socialButton-customizable": "height text-align width margin-bottom",
        "submitButton-customizable": "font-size font-weight margin width height color background-color",
        "submitButton-customizable:hover": "color background-color",
        "textDescription-customizable": "padding-top padding-bottom display font-size",
    }.items()
}
_FORBIDDEN = re.compile(
    r"@import|@supports|@page|@media|javascript:|expression\s*\(|<\s*/?\s*script|url\s*\(", re.I
)
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"\s*([^{}]+?)\s*\{([^{}]*)\}", re.S)


def _fail(detail: str) -> InvalidParameterException:
    return InvalidParameterException(f"Invalid CSS: {detail}")


def check_css(css: str) -> None:
    """Raises InvalidParameterException unless every rule targets an allowed class and property."""
    text = _COMMENT.sub("", css)
    if _FORBIDDEN.search(text):
        raise _fail("at-rules, url() and JavaScript are not allowed.")
    position = 0
    for match in _RULE.finditer(text):
        if text[position : match.start()].strip():
            raise _fail(f"unexpected text {text[position : match.start()].strip()[:40]!r}.")
        position = match.end()
        for selector in (s.strip() for s in match.group(1).split(",")):
            name = selector[1:] if selector.startswith(".") else ""
            if name not in ALLOWED:
                raise _fail(f"{selector} is not a customizable class.")
            _check_declarations(name, match.group(2))
    if text[position:].strip():
        raise _fail(f"unexpected text {text[position:].strip()[:40]!r}.")


def _check_declarations(name: str, body: str) -> None:
    for declaration in filter(None, (d.strip() for d in body.split(";"))):
        prop, sep, value = declaration.partition(":")
        prop = prop.strip().lower()
        if not sep or not value.strip():
            raise _fail(f"malformed declaration {declaration[:40]!r} in .{name}.")
        if prop not in ALLOWED[name]:
            raise _fail(f"property {prop} is not customizable in .{name}.")
