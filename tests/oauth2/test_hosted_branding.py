"""Managed login (domain version 2) pages styled by the client's branding style, and its terms links."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import httpx
from oauth_support import App, Browser, make_app, sibling

from userpools.testing import RunningServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'
STYLE = {
    "categories": {"global": {"pageHeader": {"enabled": True}}},
    "components": {
        "primaryButton": {"lightMode": {"defaults": {"backgroundColor": "ff0000ff"}}},
        "form": {"logo": {"enabled": True}},
        "pageHeader": {"logo": {"enabled": True}},
        "pageBackground": {"image": {"enabled": True}},
    },
}
TERMS = {"cognito:default": "https://example.com/terms", "cognito:spanish": "https://example.com/es/terms"}
PRIVACY = {"cognito:default": "https://example.com/privacy"}


def managed_app(idp: Any, live: RunningServer) -> App:
    app = make_app(idp, live)
    idp.update_user_pool_domain(UserPoolId=app.pool_id, Domain=app.domain, ManagedLoginVersion=2)
    return app


def stylesheet_of(page: httpx.Response, live: RunningServer) -> tuple[str, httpx.Response]:
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page.text)
    managed = [unescape(link) for link in links if "/managed-login/" in link]
    assert len(managed) == 1, links
    return managed[0], httpx.get(live.url + managed[0])


def images_of(page: httpx.Response, css_class: str) -> list[str]:
    return [unescape(src) for src in re.findall(rf'<img class="{css_class}" src="([^"]+)"', page.text)]


def add_style(idp: Any, app: App, settings: dict[str, Any], *assets: dict[str, Any]) -> str:
    created = idp.create_managed_login_branding(
        UserPoolId=app.pool_id, ClientId=app.client_id, Settings=settings, Assets=list(assets)
    )
    return str(created["ManagedLoginBranding"]["ManagedLoginBrandingId"])


def test_the_clients_style_styles_the_pages(idp: Any, live: RunningServer) -> None:
    app = managed_app(idp, live)
    add_style(
        idp,
        app,
        STYLE,
        {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG},
        {"Category": "PAGE_HEADER_LOGO", "ColorMode": "DYNAMIC", "Extension": "SVG", "Bytes": SVG},
        {"Category": "PAGE_BACKGROUND", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG},
    )
    idp.set_ui_customization(UserPoolId=app.pool_id, CSS=".label-customizable { font-weight: 700; }")
    browser = Browser(app)
    login = browser.open_login()
    assert "custom.css" not in login.text  # the classic customization is for version 1 domains
    href, css = stylesheet_of(login, live)
    assert href.startswith(f"/domain/{app.domain}/managed-login/{app.client_id}/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ".submitButton-customizable { background-color: #ff0000ff" in css.text  # customized
    assert ".submitButton-customizable:hover { background-color: #033160ff" in css.text  # default
    logo = images_of(login, "logo-customizable")
    header = images_of(login, "page-header-logo")
    assert len(logo) == 1 and len(header) == 1 and '<header class="page-header">' in login.text
    served = httpx.get(live.url + logo[0])
    assert (
        served.status_code == 200 and served.content == PNG and served.headers["content-type"] == "image/png"
    )
    svg = httpx.get(live.url + header[0])
    assert svg.content == SVG and svg.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in svg.headers["content-security-policy"]
    background = re.search(
        r'body\.background-customizable \{[^}]*background-image: url\("([^"]+)"\)', css.text
    )
    assert background is not None and httpx.get(live.url + background.group(1)).content == PNG
    for path in ("/signup", "/forgotPassword"):  # the account pages carry the same style
        assert stylesheet_of(sibling(browser, login, path), live)[0] == href


def test_an_updated_asset_gets_a_new_url(idp: Any, live: RunningServer) -> None:
    app = managed_app(idp, live)
    logo = {"Category": "FORM_LOGO", "ColorMode": "LIGHT", "Extension": "PNG", "Bytes": PNG}
    style_id = add_style(idp, app, STYLE, logo)
    first = images_of(Browser(app).open_login(), "logo-customizable")[0]
    idp.update_managed_login_branding(
        UserPoolId=app.pool_id,
        ManagedLoginBrandingId=style_id,
        Assets=[{**logo, "Extension": "SVG", "Bytes": SVG}],
    )
    second = images_of(Browser(app).open_login(), "logo-customizable")[0]
    assert second != first and second.endswith(".svg")
    assert httpx.get(live.url + first).status_code == 404
    assert httpx.get(live.url + second).content == SVG
    other = make_app(idp, live)  # another domain can't serve this pool's images
    elsewhere = second.replace(f"/domain/{app.domain}/", f"/domain/{other.domain}/")
    assert httpx.get(live.url + elsewhere).status_code == 404


def test_colour_schemes(idp: Any, live: RunningServer) -> None:
    app = managed_app(idp, live)
    style_id = add_style(idp, app, {"categories": {"global": {"colorSchemeMode": "DARK"}}})
    css = stylesheet_of(Browser(app).open_login(), live)[1].text
    assert "body.background-customizable { background-color: #0f1b2aff" in css
    idp.update_managed_login_branding(
        UserPoolId=app.pool_id,
        ManagedLoginBrandingId=style_id,
        Settings={"categories": {"global": {"colorSchemeMode": "DYNAMIC"}}},
    )
    css = stylesheet_of(Browser(app).open_login(), live)[1].text
    light, _, dark = css.partition("@media (prefers-color-scheme: dark)")
    page = "body.background-customizable { background-color: "
    assert page + "#ffffffff" in light and page + "#0f1b2aff" in dark


def test_without_a_style_the_default_look(idp: Any, live: RunningServer) -> None:
    app = managed_app(idp, live)
    css = stylesheet_of(Browser(app).open_login(), live)[1].text
    assert ".submitButton-customizable { background-color: #0972d3ff" in css
    missing = httpx.get(f"{app.base}/managed-login/nosuchclient/style.css")
    assert missing.status_code == 404


def test_version_1_keeps_the_classic_look(idp: Any, live: RunningServer) -> None:
    app = make_app(idp, live)
    add_style(idp, app, STYLE)
    page = Browser(app).open_login()
    assert "/managed-login/" not in page.text and "page-header" not in page.text
    assert httpx.get(f"{app.base}/managed-login/{app.client_id}/style.css").status_code == 404


def terms_of(page: httpx.Response) -> list[tuple[str, str]]:
    found = re.findall(r'<a class="terms-link" href="([^"]+)"[^>]*>([^<]+)</a>', page.text)
    return [(unescape(url), title) for url, title in found]


def test_sign_up_links_the_terms(idp: Any, live: RunningServer) -> None:
    app = managed_app(idp, live)
    browser = Browser(app)
    login = browser.open_login()
    params = {
        "UserPoolId": app.pool_id,
        "ClientId": app.client_id,
        "TermsSource": "LINK",
        "Enforcement": "NONE",
    }
    idp.create_terms(TermsName="terms-of-use", Links=TERMS, **params)
    assert terms_of(sibling(browser, login, "/signup")) == []  # both documents are needed
    idp.create_terms(TermsName="privacy-policy", Links=PRIVACY, **params)
    assert terms_of(sibling(browser, login, "/signup")) == [
        ("https://example.com/terms", "Terms of use"),
        ("https://example.com/privacy", "Privacy policy"),
    ]
    assert terms_of(sibling(browser, login, "/signup", lang="es")) == [
        ("https://example.com/es/terms", "Terms of use"),
        ("https://example.com/privacy", "Privacy policy"),  # no Spanish link: the default
    ]
    assert terms_of(browser.open_login()) == []  # the sign-up page only
    idp.update_user_pool_domain(UserPoolId=app.pool_id, Domain=app.domain, ManagedLoginVersion=1)
    assert terms_of(sibling(browser, login, "/signup")) == []  # managed login only
