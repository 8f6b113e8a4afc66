"""Fetching a client metadata document (draft-ietf-oauth-client-id-metadata-document §4.1) with httpx.

No redirects are followed, the body is capped at ``MAX_DOCUMENT`` bytes and the whole fetch at ``TIMEOUT``
seconds; every failure is a ``MetadataError`` naming what went wrong, never a 500. Only https is
fetched, except that ``Settings.cimd_loopback_http`` fetches a loopback host's URL over plain http
(tests, local set-ups).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from userpools.config import Settings
from userpools.domain.cimd import MAX_CACHE, MIN_CACHE, MetadataError, check_document, check_url

TIMEOUT = 5.0
MAX_DOCUMENT = 5 * 1024  # the draft's suggested limit


@dataclass(frozen=True)
class Fetched:
    doc: dict[str, Any]
    max_age: int | None  # the Cache-Control max-age, when within the cache bounds


def fetch_url(settings: Settings, url: str) -> str:
    """Where ``url`` is fetched: itself, or plain http for a loopback host under ``cimd_loopback_http``."""
    host = urlsplit(url).hostname or ""
    if settings.cimd_loopback_http and _loopback(host):
        return urlunsplit(urlsplit(url)._replace(scheme="http"))
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


async def fetch(settings: Settings, url: str) -> Fetched:
    """The metadata document at ``url``, checked (``check_document``); MetadataError otherwise."""
    check_url(url)
    try:
        async with (
            httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as client,
            client.stream("GET", fetch_url(settings, url), headers={"accept": "application/json"}) as answer,
        ):
            body = b""
            async for chunk in answer.aiter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT:
                    raise MetadataError(f"The client metadata document is larger than {MAX_DOCUMENT} bytes.")
    except httpx.HTTPError as exc:
        raise MetadataError(f"The client metadata document could not be retrieved: {exc}") from None
    if answer.status_code != 200:
        raise MetadataError(f"The client metadata URL answered HTTP {answer.status_code}, not 200.")
    try:
        doc = json.loads(body)
    except ValueError:
        raise MetadataError("The client metadata document is not JSON.") from None
    check_document(doc, url)
    return Fetched(doc, _max_age(answer.headers.get("cache-control", "")))


def _max_age(header: str) -> int | None:
    found = re.search(r"(?:^|[,\s])max-age=\"?(\d+)", header.lower())
    if found is None:
        return None
    age = int(found.group(1))
    return age if MIN_CACHE <= age <= MAX_CACHE else None
