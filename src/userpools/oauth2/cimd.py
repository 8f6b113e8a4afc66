"""CIMD clients at the OAuth 2.0 endpoints: an https URL as ``client_id`` (``domain.cimd`` has the rules).

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-client-id-metadata.html. A
CIMD policy of the pool maps URL patterns to one app client. A client presenting a matching URL at
``/oauth2/authorize`` or ``/oauth2/token`` is that app client, narrowed by its metadata document: the
document's ``redirect_uris`` are its callback URLs, and a flow is allowed only when both the app client
and the document's ``grant_types`` allow it. CIMD clients are public and must use PKCE with S256; tokens
are issued to the app client (its id is their ``aud`` / ``client_id``).

Documents are fetched (``adapters.cimd_fetch``) outside any database transaction (``web.hosted.cimd``)
and cached per policy and URL for the policy's CacheDuration, or the document's ``Cache-Control: max-age``
when that lies within the same bounds (one day to one year).
"""

from __future__ import annotations

from typing import Any

from userpools.adapters.cimd_fetch import Fetched
from userpools.auth.gate import allowed_flows
from userpools.domain.cimd import MetadataError, check_url, expires, is_metadata_url, matches
from userpools.operations.context import Context
from userpools.store.cimd import CachedUrl, Policy

__all__ = ["MetadataError", "as_client", "cached", "is_metadata_url", "lookup", "policy_for", "resolve"]

_GRANT_FLOWS = {"authorization_code": "code", "implicit": "implicit"}
NO_FLOW = "ALLOW_NO_FLOW"  # an ALLOW_ value no flow needs


def policy_for(policies: list[Policy], url: str) -> Policy | None:
    """The first policy (by id) whose patterns match ``url`` and whose app client still exists."""
    for policy in policies:
        if policy.client_exists and any(matches(p, url) for p in policy.url_patterns):
            return policy
    return None


def cached(url: str, fetched: Fetched, policy: Policy, now: float) -> CachedUrl:
    """What the store keeps for a fetched document: it expires after max-age or the policy's duration."""
    return CachedUrl(url, fetched.doc, now, expires(now, fetched.max_age, policy.cache_duration))


def as_client(app_client: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """The app client as the CIMD client sees it: the document's redirect URIs, the shared flows only."""
    grants = doc.get("grant_types") or ["authorization_code"]
    flows = [
        f for f in app_client.get("AllowedOAuthFlows") or [] if f in {_GRANT_FLOWS.get(g) for g in grants}
    ]
    explicit = allowed_flows(app_client)
    if "refresh_token" not in grants:
        explicit.discard("ALLOW_REFRESH_TOKEN_AUTH")
    return {
        **app_client,
        "CallbackURLs": list(doc["redirect_uris"]),
        "AllowedOAuthFlows": flows,
        # Never empty: an empty list would read as the legacy default, which allows refreshing.
        "ExplicitAuthFlows": sorted(explicit) or [NO_FLOW],
        "CIMDClientId": doc["client_id"],
        "CIMDClientName": doc.get("client_name"),
    }


async def lookup(ctx: Context, pool_id: str, url: str) -> tuple[Policy, CachedUrl | None]:
    """The policy admitting ``url`` and its live cached document (None: fetch it); MetadataError if none."""
    check_url(url)
    policy = policy_for(await ctx.uow.cimd.policies(pool_id), url)
    if policy is None:
        raise MetadataError("No CIMD policy of this user pool admits this client_id URL.")
    entry = await ctx.uow.cimd.url(pool_id, policy.policy_id, url)
    live = entry is not None and entry.doc is not None and (entry.expires or 0.0) > ctx.now
    return policy, entry if live else None


async def resolve(ctx: Context, pool_id: str, url: str) -> dict[str, Any]:
    """The client a metadata URL stands for (``as_client``); its document must be cached (``lookup``)."""
    policy, entry = await lookup(ctx, pool_id, url)
    if entry is None or entry.doc is None:
        raise MetadataError("The client metadata document of this client_id is not available; try again.")
    app_client = await ctx.uow.clients.find(policy.client_id)
    if app_client is None or app_client["UserPoolId"] != pool_id:
        raise MetadataError("The app client of the CIMD policy no longer exists.")
    return as_client(app_client, entry.doc)
