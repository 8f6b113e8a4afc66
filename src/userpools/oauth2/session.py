"""The hosted UI session: who is signed in to a domain, kept in a sealed cookie; CSRF tokens of its forms.

Developer guide, "Managed login" (the session cookie lasts 1 hour). The cookie value is the session
sealed with AES-GCM (``crypto.sealing``, purpose ``hosted-session``) with the domain name as associated
data, so it can neither be read, forged, nor moved to another domain; any node opens it. The web layer
sets it HttpOnly, SameSite=Lax, Secure on HTTPS, with the path of the domain (``/`` on its own host,
``/domain/<name>/`` under the public URL).

CSRF (double submit, bound to the domain): the browser holds a random ``csrf`` cookie, and every form
carries HMAC(csrf key, domain, cookie value), which a cross-site page can neither read nor compute.
When the pool tracks sessions (SetUserPoolSessionConfiguration) the session also has a server-side SSO
session record (``auth.user_sessions``): revoking it ends the cookie's session on every node. Otherwise
a session can't be ended on the server before it expires (signing out clears the cookie, as Cognito's
/logout does; GlobalSignOut does not end hosted sessions in Cognito either).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass

from userpools.crypto.sealing import Sealer

SESSION_COOKIE = "userpools-session"
CSRF_COOKIE = "userpools-csrf"
CSRF_FIELD = "_csrf"
VALIDITY_SECONDS = 3600.0
_PURPOSE = "hosted-session"
_CSRF_PURPOSE = "hosted-csrf"


@dataclass(frozen=True)
class HostedSession:
    """A user signed in on a domain: ``auth_time`` goes into the tokens issued from this session."""

    pool_id: str
    user_id: int
    sub: str
    auth_time: float
    expires: float
    session_id: str | None = None  # its SSO session record when the pool tracks sessions


def seal(sealer: Sealer, domain: str, session: HostedSession) -> str:
    raw = json.dumps(asdict(session), separators=(",", ":")).encode()
    return sealer.seal(_PURPOSE, raw, domain.encode())


def open_session(sealer: Sealer, domain: str, value: str | None, now: float) -> HostedSession | None:
    """The live session in a cookie value, or None (absent, forged, of another domain, expired)."""
    raw = sealer.open(_PURPOSE, value or "", domain.encode()) if value else None
    if raw is None:
        return None
    try:
        session = HostedSession(**json.loads(raw))
    except (ValueError, TypeError):
        return None
    return session if session.expires > now else None


def csrf_token(sealer: Sealer, domain: str, cookie_value: str) -> str:
    """The form field value that goes with the browser's CSRF cookie on this domain."""
    mac = hmac.new(sealer.derive(_CSRF_PURPOSE), f"{domain}\0{cookie_value}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def csrf_ok(sealer: Sealer, domain: str, cookie_value: str | None, submitted: str | None) -> bool:
    if not cookie_value or not submitted:
        return False
    return hmac.compare_digest(csrf_token(sealer, domain, cookie_value), submitted)
