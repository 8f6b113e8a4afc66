"""Outbound HTTP to identity providers: JSON fetches and a cache of their signing keys (JWKS).

Every call has a timeout; any transport failure or non-2xx answer becomes a ``FederationError``
(``server_error``) naming the URL, so a broken provider never surfaces as a 500.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from userpools.federation.errors import FederationError

TIMEOUT = 10.0
JWKS_TTL = 3600.0  # seconds a fetched key set is trusted
JWKS_REFRESH_MIN = 60.0  # an unknown kid refetches the set at most this often
MAX_BODY = 1 << 20

ClientFactory = Callable[[], httpx.AsyncClient]


def default_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)


async def request_json(
    factory: ClientFactory,
    method: str,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The JSON object ``url`` answers with (``method`` GET or POST, form ``data`` for POST)."""
    try:
        async with factory() as client:
            response = await client.request(method, url, params=params, data=data, headers=headers)
    except httpx.HTTPError as exc:
        raise FederationError(f"{url} could not be reached: {exc}", "server_error") from None
    if len(response.content) > MAX_BODY:
        raise FederationError(f"{url} answered with more than {MAX_BODY} bytes", "server_error")
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code >= 400:
        detail = body.get("error_description") or body.get("error") if isinstance(body, dict) else None
        raise FederationError(
            f"{url} answered {response.status_code}" + (f": {detail}" if detail else ""), "server_error"
        )
    if not isinstance(body, dict):
        raise FederationError(f"{url} did not answer with a JSON object", "server_error")
    return body


@dataclass
class _Entry:
    keys: list[dict[str, Any]]
    fetched: float


@dataclass
class JwksCache:
    """Key sets by URL, kept ``JWKS_TTL`` seconds; a kid not in the set refetches it (key rotation)."""

    factory: ClientFactory = default_client
    _entries: dict[str, _Entry] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def key(self, url: str, kid: str | None, now: float) -> dict[str, Any]:
        """The JWK of ``kid`` (without a kid: the set's only key)."""
        entry = self._entries.get(url)
        if entry is None or now - entry.fetched > JWKS_TTL:
            entry = await self._fetch(url, now)
        found = _pick(entry.keys, kid)
        if found is None and now - entry.fetched > JWKS_REFRESH_MIN:
            found = _pick((await self._fetch(url, now)).keys, kid)
        if found is None:
            raise FederationError(f"The provider's keys at {url} have no key {kid!r}")
        return found

    async def _fetch(self, url: str, now: float) -> _Entry:
        async with self._lock:
            body = await request_json(self.factory, "GET", url)
            keys = body.get("keys")
            if not isinstance(keys, list):
                raise FederationError(f"{url} is not a JSON Web Key Set", "server_error")
            entry = _Entry([k for k in keys if isinstance(k, dict)], now)
            self._entries[url] = entry
            return entry


def _pick(keys: list[dict[str, Any]], kid: str | None) -> dict[str, Any] | None:
    if kid is None:
        return keys[0] if len(keys) == 1 else None
    return next((k for k in keys if k.get("kid") == kid), None)
