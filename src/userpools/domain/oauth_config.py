"""An app client's OAuth 2.0 settings: redirect URLs, flows and scopes.

Rules from the CreateUserPoolClient API reference and the developer guide page "App clients"
(https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html):
redirect URLs are absolute, carry no fragment and use HTTPS except ``http://localhost`` (custom app
schemes such as ``myapp://cb`` are allowed); ``client_credentials`` can't be combined with ``code`` or
``implicit`` and needs a client secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from userpools.errors import InvalidOAuthFlowException, InvalidParameterException

RESERVED_SCOPES = frozenset({"openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def redirect_url_problem(url: str) -> str | None:
    """Why ``url`` can't be a callback/sign-out URL, or None when it can."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "it is not a valid URL"
    if not parts.scheme or not (parts.netloc or parts.path):
        return "it must be an absolute URL"
    if "#" in url:
        return "it must not contain a fragment"
    scheme = parts.scheme.lower()
    if scheme == "http" and (parts.hostname or "") not in _LOCAL_HOSTS:
        return "HTTP is allowed only for http://localhost; use HTTPS"
    if scheme in ("http", "https") and not parts.hostname:
        return "it must name a host"
    return None


def check_redirect_urls(member: str, urls: list[str]) -> list[str]:
    for url in urls:
        problem = redirect_url_problem(url)
        if problem:
            raise InvalidParameterException(f"{member} contains an invalid URL {url}: {problem}.")
    return list(dict.fromkeys(urls))


def custom_scope_parts(scope: str) -> tuple[str, str] | None:
    """``(resource server identifier, scope name)`` of a custom scope; None for reserved/malformed ones.

    Scope names can't contain ``/`` (model pattern), so the identifier is everything before the last one.
    """
    identifier, sep, name = scope.rpartition("/")
    if not sep or not identifier or not name:
        return None
    return identifier, name


def check_flows(req: Mapping[str, Any], has_secret: bool) -> None:
    """AllowedOAuthFlows / AllowedOAuthFlowsUserPoolClient / CallbackURLs consistency."""
    flows = set(req.get("AllowedOAuthFlows") or [])
    if "client_credentials" in flows and flows - {"client_credentials"}:
        raise InvalidOAuthFlowException(
            "client_credentials flow can not be selected along with code flow or implicit flow."
        )
    if "client_credentials" in flows and not has_secret:
        raise InvalidOAuthFlowException(
            "client_credentials flow can not be selected if client does not have a client secret."
        )
    if not req.get("AllowedOAuthFlowsUserPoolClient"):
        return
    if not flows:
        raise InvalidOAuthFlowException(
            "AllowedOAuthFlows are required if user pool client is allowed to use OAuth flows."
        )
    if not req.get("AllowedOAuthScopes"):
        raise InvalidOAuthFlowException(
            "AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows."
        )
    if flows & {"code", "implicit"} and not req.get("CallbackURLs"):
        raise InvalidParameterException("CallbackURLs are required for the code and implicit flows.")
    if "client_credentials" in flows:
        reserved = [s for s in req.get("AllowedOAuthScopes") or [] if s in RESERVED_SCOPES]
        if reserved:
            raise InvalidOAuthFlowException(
                f"client_credentials flow can only be used with custom scopes; {reserved[0]} is not one."
            )


def check_default_redirect(req: Mapping[str, Any]) -> None:
    default = req.get("DefaultRedirectURI")
    if default is not None and default not in (req.get("CallbackURLs") or []):
        raise InvalidParameterException("DefaultRedirectURI must be one of the CallbackURLs.")
