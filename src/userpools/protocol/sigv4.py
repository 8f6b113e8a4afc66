"""Who may call what: SigV4 on every operation the model does not mark unauthenticated.

``local`` mode accepts any well-formed SigV4 Authorization header (SDKs always sign, usually with
dummy keys) and refuses a missing one. ``off`` (loopback only, opt-in) also accepts unsigned calls,
for curl scripts and load generators that do not sign. ``strict`` mode recomputes the signature with
botocore's own signer against the configured access keys.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from userpools.config import AccessKey
from userpools.errors import (
    IncompleteSignatureException,
    InvalidSignatureException,
    MissingAuthenticationTokenException,
    UnrecognizedClientException,
)

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "cognito-idp"
MAX_SKEW = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str | None) -> Authorization:
    if not header:
        raise MissingAuthenticationTokenException()
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise IncompleteSignatureException(f"Unsupported authorization algorithm: {algorithm[:32]}")
    parts: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts[key] = value
    try:
        credential = parts["Credential"].split("/")
        signed = tuple(h for h in parts["SignedHeaders"].split(";") if h)
        signature = parts["Signature"]
        key_id, date, region, service, terminator = credential
    except (KeyError, ValueError):
        raise IncompleteSignatureException(
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters."
        ) from None
    if terminator != "aws4_request" or not key_id or not signed or not signature:
        raise IncompleteSignatureException("Credential should be scoped to a valid region, service and date.")
    return Authorization(key_id, date, region, service, signed, signature)


class SigV4Verifier:
    def __init__(self, mode: str, keys: tuple[AccessKey, ...]) -> None:
        self.mode = mode
        self.keys = {k.access_key_id: k.secret_access_key for k in keys}

    def verify(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, now: dt.datetime
    ) -> Authorization | None:
        """The caller's parsed credential scope; None only in ``off`` mode for an unsigned call."""
        header = headers.get("authorization")
        if self.mode == "off" and not header:
            return None
        auth = parse_authorization(header)
        if self.mode != "strict":
            return auth
        secret = self.keys.get(auth.access_key_id)
        if secret is None:
            raise UnrecognizedClientException()
        if auth.service != SERVICE:
            raise InvalidSignatureException(f"Credential should be scoped to correct service: '{SERVICE}'.")
        if "host" not in auth.signed_headers:
            raise IncompleteSignatureException("'Host' must be a 'SignedHeader' in the AWS Authorization.")
        amz_date = headers.get("x-amz-date", "")
        try:
            signed_at = dt.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise IncompleteSignatureException(
                "The request must contain a valid X-Amz-Date header."
            ) from None
        if abs(now - signed_at) > MAX_SKEW:
            raise InvalidSignatureException(
                f"Signature expired: {amz_date} is now earlier or later than the allowed 5 minute skew."
            )
        expected = _signature(auth, secret, method, url, headers, body, amz_date)
        if not hmac.compare_digest(expected, auth.signature):
            raise InvalidSignatureException()
        return auth


def _signature(
    auth: Authorization,
    secret: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    amz_date: str,
) -> str:
    signer = SigV4Auth(
        Credentials(auth.access_key_id, secret, headers.get("x-amz-security-token")),
        auth.service,
        auth.region,
    )
    signed = {name: headers.get(name, "") for name in auth.signed_headers}
    request = AWSRequest(method=method, url=url, headers=signed, data=body)
    request.context["timestamp"] = amz_date
    # Canonicalize exactly the headers the client signed, not botocore's own choice of headers.
    signer.headers_to_sign = lambda _req: _signed_headers(signed)
    canonical = signer.canonical_request(request)
    return str(signer.signature(signer.string_to_sign(request, canonical), request))


def _signed_headers(signed: Mapping[str, str]) -> object:
    from botocore.awsrequest import HTTPHeaders

    out = HTTPHeaders()
    for name, value in signed.items():
        out[name] = value
    return out
