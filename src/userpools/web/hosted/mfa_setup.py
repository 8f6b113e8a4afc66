"""The MFA_SETUP step's page: a TOTP secret for the user's authenticator app, then a code that proves it.

Developer guide, "TOTP software token MFA". When a pool with MFA ``ON`` signs in a user without a
factor, the API answers MFA_SETUP; this page does what an app would: AssociateSoftwareToken with the
challenge's Session (a fresh secret), shown as text, as an ``otpauth://`` link (Google Authenticator's Key
URI format: issuer = the pool's name, account = the name the user typed) and as a QR code drawn here as
inline SVG (``segno``; no script, no image request), then VerifySoftwareToken with the code. Both are the
API's operations (``api_calls``); answering MFA_SETUP with the Session that VerifySoftwareToken returns is
``steps``' job like any other step. The secret goes back with the form sealed (the domain as associated
data) so that a wrong code can be tried again against the same secret: a refused VerifySoftwareToken
leaves the Session usable, as in the API.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyotp
import segno
from markupsafe import Markup
from starlette.requests import Request

from userpools.auth.sessions import INVALID
from userpools.errors import InvalidParameterException, NotAuthorizedException
from userpools.web.hosted import api_calls
from userpools.web.hosted.place import Place, services_of

SEALED = "SealedSecret"  # the challenge key (and hidden field ``setup``) of the sealed secret
ENTER_CODE = "Enter the 6-digit code that your authenticator app shows."
_PURPOSE = "hosted-totp-setup"


def _seal(request: Request, place: Place, secret: str) -> str:
    return services_of(request).sealer.seal(_PURPOSE, secret.encode(), place.site.domain.encode())


def _open(request: Request, place: Place, value: str | None) -> str | None:
    raw = services_of(request).sealer.open(_PURPOSE, value, place.site.domain.encode()) if value else None
    return raw.decode() if raw is not None else None


def qr_svg(uri: str) -> Markup:
    """The QR code of ``uri`` as an inline ``<svg>`` element (made here from our own data: safe markup)."""
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, border=2, omitsize=True, dark="#000", light="#fff"
    )
    return Markup(svg)


async def _issuer(request: Request, place: Place) -> str:
    async with request.app.state.database.unit_of_work(False) as uow:
        pool = await uow.pools.get(place.site.pool_id)
    return str((pool or {}).get("Name") or place.site.domain)


async def prepare(
    request: Request, place: Place, challenge: Mapping[str, Any], username: str
) -> dict[str, Any]:
    """The page's values: the Session to post back, the secret (sealed, grouped for reading, as a link and
    a QR code). A new secret is associated unless the challenge carries one already shown."""
    session = str(challenge.get("Session") or "")
    secret = _open(request, place, challenge.get(SEALED))
    if secret is None:
        answer = await api_calls.call(request, place, "AssociateSoftwareToken", {"Session": session})
        secret, session = str(answer["SecretCode"]), str(answer["Session"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=await _issuer(request, place))
    return {
        "session": session,
        "setup": _seal(request, place, secret),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "otpauth": uri,
        "qr": qr_svg(uri),
    }


async def verify(request: Request, place: Place, fields: Mapping[str, str]) -> str:
    """VerifySoftwareToken with the posted code; the Session that answers MFA_SETUP."""
    if _open(request, place, fields.get("setup")) is None:  # not the form this page made
        raise NotAuthorizedException(INVALID)
    code = fields.get("code", "").replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        raise InvalidParameterException(ENTER_CODE)
    params = {"Session": fields.get("session", ""), "UserCode": code}
    answer = await api_calls.call(request, place, "VerifySoftwareToken", params)
    return str(answer["Session"])
