"""Client ID Metadata Documents: the rules for client_id URLs, policy URL patterns and documents.

draft-ietf-oauth-client-id-metadata-document (§3 the URL, §4 the document) and the Amazon Cognito
developer guide's "Client ID metadata documents (CIMD)": CIMD clients are public clients
(``token_endpoint_auth_method`` absent or ``none``) and hold no secret. The fetching is
``adapters.cimd_fetch``; the OAuth side ``oauth2.cimd``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

MIN_CACHE, MAX_CACHE = 86_400, 31_556_952
MAX_URL = 256
_SECRET_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt")


class MetadataError(Exception):
    """Why a URL or its document can't identify a client (the message is shown to people)."""


def is_metadata_url(client_id: str) -> bool:
    return client_id.startswith("https://")


def check_url(url: str) -> None:
    """The draft's rules for a client_id URL (§3): https, a path, no dot segments, fragment or userinfo."""
    if len(url) > MAX_URL:
        raise MetadataError(f"The client_id URL is longer than {MAX_URL} characters.")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise MetadataError("The client_id URL must be an https URL with a host.")
    if parts.username is not None or parts.password is not None:
        raise MetadataError("The client_id URL must not contain a user name or password.")
    if "#" in url:
        raise MetadataError("The client_id URL must not contain a fragment.")
    segments = parts.path.split("/")
    if parts.path in ("", "/") or any(s in (".", "..") for s in segments):
        raise MetadataError("The client_id URL must have a path without . or .. segments.")


@lru_cache(maxsize=1024)
def _pattern(pattern: str) -> re.Pattern[str]:
    # A * never crosses / ? # or @, so https://*.example.com/app.json can't match another host's path.
    return re.compile("[^/?#@]*".join(re.escape(piece) for piece in pattern.split("*")))


def matches(pattern: str, url: str) -> bool:
    return _pattern(pattern).fullmatch(url) is not None


def check_pattern(pattern: str) -> None:
    """A URL pattern of a policy: https, a host that is not only a wildcard, a path."""
    parts = urlsplit(pattern)
    host = parts.netloc.split("@")[-1]
    if parts.scheme != "https" or not host or not host.replace("*", "").strip(".:"):
        raise MetadataError(f"{pattern} is not an https URL pattern with a host.")
    if "@" in parts.netloc:
        raise MetadataError(f"{pattern} must not contain a user name.")
    if not parts.path or parts.path == "/":
        raise MetadataError(f"{pattern} has no path: client metadata URLs always have one.")


def check_document(doc: Any, url: str) -> None:
    """The draft's rules for the document (§4): a JSON object naming ``url`` as client_id, a public client."""
    if not isinstance(doc, dict):
        raise MetadataError("The client metadata document is not a JSON object.")
    if doc.get("client_id") != url:
        raise MetadataError(
            "The client_id of the client metadata document is not the URL it was retrieved from."
        )
    if "client_secret" in doc or "client_secret_expires_at" in doc:
        raise MetadataError("A client metadata document must not contain a client secret.")
    method = doc.get("token_endpoint_auth_method", "none")
    if method != "none":
        known = method in _SECRET_METHODS
        raise MetadataError(
            f"token_endpoint_auth_method {method} is not supported: CIMD clients are public clients (none)"
            + ("." if known else ", and this method is unknown.")
        )
    uris = doc.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(u, str) and u for u in uris):
        raise MetadataError("The client metadata document must list its redirect_uris.")
    for name in ("grant_types", "response_types"):
        value = doc.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise MetadataError(f"{name} of the client metadata document must be a list of strings.")


def expires(now: float, max_age: int | None, cache_duration: int) -> float:
    """When a document fetched at ``now`` expires: its max-age (within bounds) or the policy's duration."""
    return now + (max_age or cache_duration)
