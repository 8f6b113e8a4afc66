"""Where a pool's domain answers: Host names, the path prefix, and the URLs reported for it.

Developer guide, "Configuring a user pool domain"
(https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain.html).
A domain (CreateUserPoolDomain) serves the OAuth 2.0 endpoints and the hosted pages of its pool:

- a prefix domain on the Host ``<prefix>.auth.<region>.<domain_base_host>`` (``Settings.domain_base_host``,
  ``amazoncognito.com`` by default);
- a custom domain on its own Host name;
- any domain, without DNS, under ``{public URL}/domain/<domain>`` (``PATH_PREFIX``).

The URLs reported (discovery documents, docs) are path-style unless a base host of your own is set,
since ``*.amazoncognito.com`` never resolves to this server. Custom domains are reported with the
scheme and port of the public URL.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from userpools.config import Settings
from userpools.store.uow import UnitOfWork

PATH_PREFIX = "/domain"


@dataclass(frozen=True)
class Site:
    """A domain and its pool, as one request reached it."""

    domain: str
    pool_id: str
    custom: bool

    @property
    def region(self) -> str:
        return self.pool_id.partition("_")[0]


@dataclass(frozen=True)
class HostMatch:
    """What a Host header names: a prefix domain (its region in the name) or a custom-domain candidate."""

    domain: str
    custom: bool
    region: str | None = None


def _hostname(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def match_host(settings: Settings, host: str) -> HostMatch | None:
    """The domain a Host header names, or None when it is one of the server's own names (or an address)."""
    name = _hostname(host)
    if not name:
        return None
    suffix = "." + settings.domain_base_host.lower()
    if name.endswith(suffix):
        labels = name[: -len(suffix)].split(".")
        if len(labels) == 3 and labels[1] == "auth" and labels[0]:
            return HostMatch(labels[0], False, labels[2])
        return None
    if name in {"localhost", settings.host.lower(), (urlsplit(settings.base_url).hostname or "").lower()}:
        return None
    try:
        ipaddress.ip_address(name.strip("[]"))
        return None
    except ValueError:
        return HostMatch(name, True)


async def load_site(uow: UnitOfWork, domain: str, match: HostMatch | None = None) -> Site | None:
    """The domain's Site, or None when no pool has it (or the Host names it the wrong way)."""
    row = await uow.domains.get(domain.lower())
    if row is None:
        return None
    site = Site(row["domain"], row["pool_id"], bool(row["custom"]))
    if match is not None and (match.custom != site.custom or match.region not in (None, site.region)):
        return None
    return site


def domain_url(settings: Settings, domain: str, custom: bool, region: str) -> str:
    """The base URL reported for a domain (discovery documents): one that reaches this server."""
    public = urlsplit(settings.base_url)
    port = f":{public.port}" if public.port else ""
    if custom:
        return f"{public.scheme}://{domain}{port}"
    if settings.domains_by_host:
        return f"{public.scheme}://{domain}.auth.{region}.{settings.domain_base_host}{port}"
    return f"{settings.base_url}{PATH_PREFIX}/{domain}"
