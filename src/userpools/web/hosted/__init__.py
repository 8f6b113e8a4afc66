"""A pool domain's web face: OAuth 2.0 / OIDC endpoints and the hosted sign-in pages (Starlette).

Mounted at ``/domain/{domain}`` (``mount``); ``dispatch.DomainHosts`` sends requests made to a domain's
own Host name there too. See docs/hosted-ui.md ("How the hosted pages fit together") and the
``userpools.oauth2`` package for the rules.

Modules: ``place`` (which domain, one unit of work per request), ``dispatch`` (Host names),
``responses`` (redirects, JSON errors, error pages, the handler wrappers), ``render`` (Jinja2 pages,
branding, security headers), ``endpoints`` (authorize, token, userInfo, revoke, logout, discovery),
``forms`` (CSRF, the sign-in form, finishing a sign-in), ``login`` (the sign-in page), ``steps`` (new
password and MFA pages; ``mfa_setup`` the TOTP set-up), ``signup`` (sign-up and confirmation) and
``recovery`` (forgotten password), which call the API's operations through ``api_calls``. A new page is
a module with a ``page_handler`` function, a template in ``templates/`` extending ``base.html``, and a
route below.
"""

from __future__ import annotations

from starlette.routing import Mount, Route

import userpools.web.hosted.federated as federation  # its own line: the federation routes
from userpools.oauth2.sites import PATH_PREFIX
from userpools.web import ui_images
from userpools.web.hosted import endpoints, login, managed_login, recovery, signup, steps  # account pages
from userpools.web.hosted.responses import page_handler

routes = [
    Route("/oauth2/authorize", endpoints.authorize, methods=["GET"]),
    Route("/oauth2/token", endpoints.token_endpoint, methods=["POST"]),
    Route("/oauth2/userInfo", endpoints.user_info, methods=["GET", "POST"]),
    Route("/oauth2/revoke", endpoints.revoke_endpoint, methods=["POST"]),
    Route("/logout", endpoints.logout_endpoint, methods=["GET"]),
    Route("/login", login.login, methods=["GET", "POST"]),
    Route("/forceChangePassword", steps.step, methods=["POST"]),
    Route("/mfa", steps.step, methods=["POST"]),
    Route("/.well-known/openid-configuration", endpoints.openid_configuration, methods=["GET"]),
    Route("/static/hosted.css", endpoints.stylesheet, methods=["GET"]),
    Route(ui_images.route.path, ui_images.ui_image, methods=["GET"]),
    # Managed login (version 2) branding: the client's style as CSS, and its images.
    Route("/managed-login/{client_id}/style.css", page_handler(managed_login.serve_css), methods=["GET"]),
    Route(
        "/managed-login/{client_id}/{category}/{color_mode}/{filename}",
        page_handler(managed_login.serve_asset),
        methods=["GET"],
    ),
    # Account pages: sign-up, confirmation, password reset, and the TOTP set-up step.
    Route("/signup", signup.sign_up, methods=["GET", "POST"]),
    Route("/confirmUser", signup.confirm_user, methods=["GET", "POST"]),
    Route("/forgotPassword", recovery.forgot_password, methods=["GET", "POST"]),
    Route("/confirmForgotPassword", recovery.confirm_forgot_password, methods=["GET", "POST"]),
    Route("/mfaSetup", steps.step, methods=["POST"]),
]

mount = Mount(PATH_PREFIX + "/{domain}", routes=[*routes, *federation.routes])
