"""OAuth 2.0 errors (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; RFC 7009 §2.2.1) and hosted-page errors.

Each class carries its RFC error code; the web layer (``web.hosted``) turns them into a JSON body
``{"error": ..., "error_description": ...}``, a redirect to the client's callback, or an error page.
They are ``ServiceError``s so a handler can still commit what it counted before failing
(``ctx.fail_after_commit``), as the API does.
"""

from __future__ import annotations

from typing import ClassVar

from userpools.errors import ServiceError


class OAuthError(ServiceError):
    """An error answered in OAuth form. ``error`` is the RFC code, ``message`` its description."""

    error: ClassVar[str] = "invalid_request"

    def json(self) -> dict[str, str]:
        out = {"error": self.error}
        if self.message:
            out["error_description"] = self.message
        return out


class InvalidRequest(OAuthError):
    error = "invalid_request"


class InvalidClient(OAuthError):
    error = "invalid_client"
    status = 401  # the web layer answers 400 unless the client tried HTTP Basic authentication


class InvalidGrant(OAuthError):
    error = "invalid_grant"


class UnauthorizedClient(OAuthError):
    error = "unauthorized_client"


class UnsupportedGrantType(OAuthError):
    error = "unsupported_grant_type"


class UnsupportedResponseType(OAuthError):
    error = "unsupported_response_type"


class InvalidScope(OAuthError):
    error = "invalid_scope"


class UnsupportedTokenType(OAuthError):
    error = "unsupported_token_type"


class LoginRequired(OAuthError):
    """OpenID Connect Core §3.1.2.6: ``prompt=none`` without a signed-in session."""

    error = "login_required"


class AccessDenied(OAuthError):
    """RFC 6749 §4.1.2.1: the identity provider (or the user there) refused the sign-in."""

    error = "access_denied"


class InvalidToken(OAuthError):
    """RFC 6750: a bearer token that is missing, malformed, expired or revoked (401)."""

    error = "invalid_token"
    status = 401


class InsufficientScope(OAuthError):
    """RFC 6750: a bearer token without the scope the resource needs (403)."""

    error = "insufficient_scope"
    status = 403


class ServerError(OAuthError):
    error = "server_error"
    status = 500


class PageError(ServiceError):
    """Shown to the user on an error page and never redirected: an unknown app client, a redirect or
    sign-out URL the client did not register (no open redirects), or a domain that does not exist."""

    def __init__(self, error: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.error = error
        self.page_status = status
