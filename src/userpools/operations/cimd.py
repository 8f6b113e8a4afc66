"""Client ID Metadata Document (CIMD) policies: CreateCIMDPolicy, DescribeCIMDPolicy, ListCIMDPolicies,
UpdateCIMDPolicy, DeleteCIMDPolicy, ListClientMetadataURLs and UpdateClientMetadataURLState.

API reference pages of the same names and the developer guide's "Client ID metadata documents (CIMD)".
A policy maps up to five https URL patterns (``*`` wildcards) to one app client of the pool; the hosted
OAuth endpoints then accept a matching URL as a client_id (``oauth2.cimd``). CacheDuration defaults to
86,400 seconds. Known differences: UpdateCIMDPolicy keeps PolicyName and CacheDuration when omitted; a
pattern change forgets the cached URLs the new patterns no longer match; REFRESH fetches the document
while the request waits (at most ``adapters.cimd_fetch.TIMEOUT`` seconds).
"""

from __future__ import annotations

import string
from typing import Any

from userpools.adapters.cimd_fetch import fetch
from userpools.domain import cimd
from userpools.errors import (
    CachedCIMDURLDoesNotExistException,
    InvalidParameterException,
    ResourceNotFoundException,
)
from userpools.operations.clients import page_after
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import encode_token
from userpools.store.cimd import CachedUrl, Policy

DEFAULT_CACHE_DURATION = 86_400
_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_LENGTH = 26


def _patterns(req: dict[str, Any]) -> list[str]:
    patterns: list[str] = list(dict.fromkeys(req["URLPatterns"]))  # duplicates add nothing
    for pattern in patterns:
        try:
            cimd.check_pattern(pattern)
        except cimd.MetadataError as exc:
            raise InvalidParameterException(str(exc)) from None
    return patterns


async def _app_client(ctx: Context, pool_id: str, client_id: str) -> None:
    client = await ctx.uow.clients.find(client_id)
    if client is None or client["UserPoolId"] != pool_id:
        raise ResourceNotFoundException(f"App client {client_id} does not exist in user pool {pool_id}.")


async def load_policy(ctx: Context, pool_id: str, policy_id: str) -> Policy:
    await load_pool(ctx, pool_id)
    policy = await ctx.uow.cimd.policy(pool_id, policy_id)
    if policy is None:
        raise ResourceNotFoundException(f"CIMD policy {policy_id} does not exist in user pool {pool_id}.")
    return policy


async def _new_id(ctx: Context, pool_id: str) -> str:
    while True:
        policy_id = "".join(ctx.random.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))
        if await ctx.uow.cimd.policy(pool_id, policy_id) is None:
            return policy_id


@operation("CreateCIMDPolicy", write=True)
async def create_policy(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    patterns = _patterns(req)
    await _app_client(ctx, pool["Id"], req["ClientId"])
    policy = Policy(
        pool["Id"], await _new_id(ctx, pool["Id"]), req["ClientId"], True, req["PolicyName"],
        req.get("CacheDuration", DEFAULT_CACHE_DURATION), patterns, ctx.now, ctx.now,
    )  # fmt: skip
    await ctx.uow.cimd.insert_policy(policy)
    return {"CIMDPolicy": policy.wire()}


@operation("DescribeCIMDPolicy", write=False)
async def describe_policy(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"CIMDPolicy": (await load_policy(ctx, req["UserPoolId"], req["CIMDPolicyId"])).wire()}


@operation("ListCIMDPolicies", write=False)
async def list_policies(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    limit = req.get("MaxResults", 60)
    page = await ctx.uow.cimd.policies(pool["Id"], page_after(req.get("NextToken")), limit + 1)
    return _paged("CIMDPolicies", [(p.policy_id, _summary(p)) for p in page], limit)


def _summary(policy: Policy) -> dict[str, Any]:
    summary = policy.wire()
    del summary["UserPoolId"], summary["URLPatterns"]  # not members of CIMDPolicySummaryType
    return summary


def _paged(member: str, page: list[tuple[str, dict[str, Any]]], limit: int) -> dict[str, Any]:
    """``member``: the first ``limit`` items of ``page`` ((key, item) pairs, one more than the page when
    there are more); NextToken: the key of the page's last item."""
    out: dict[str, Any] = {member: [item for _key, item in page[:limit]]}
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1][0])
    return out


@operation("UpdateCIMDPolicy", write=True)
async def update_policy(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    old = await load_policy(ctx, req["UserPoolId"], req["CIMDPolicyId"])
    patterns = _patterns(req)
    await _app_client(ctx, old.pool_id, req["ClientId"])
    policy = Policy(
        old.pool_id, old.policy_id, req["ClientId"], True, req.get("PolicyName", old.name),
        req.get("CacheDuration", old.cache_duration), patterns, old.created, ctx.now,
    )  # fmt: skip
    await ctx.uow.cimd.update_policy(policy)
    if patterns != old.url_patterns:
        known = await ctx.uow.cimd.urls(old.pool_id, old.policy_id, None, 10_000)
        keep = [u.url for u in known if any(cimd.matches(p, u.url) for p in patterns)]
        await ctx.uow.cimd.drop_urls_not_matching(old.pool_id, old.policy_id, keep)
    return {"CIMDPolicy": policy.wire()}


@operation("DeleteCIMDPolicy", write=True)
async def delete_policy(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    policy = await load_policy(ctx, req["UserPoolId"], req["CIMDPolicyId"])
    await ctx.uow.cimd.delete_policy(policy.pool_id, policy.policy_id)
    return {}


@operation("ListClientMetadataURLs", write=False)
async def list_urls(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    policy = await load_policy(ctx, req["UserPoolId"], req["CIMDPolicyId"])
    limit = req.get("MaxResults", 60)
    page = await ctx.uow.cimd.urls(
        policy.pool_id, policy.policy_id, page_after(req.get("NextToken")), limit + 1
    )
    return _paged("ClientMetadataURLs", [(u.url, u.wire()) for u in page], limit)


@operation("UpdateClientMetadataURLState", write=True)
async def update_url_state(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """REFRESH fetches the document again now; INVALIDATE drops it (the URL stays listed, without dates)."""
    policy = await load_policy(ctx, req["UserPoolId"], req["CIMDPolicyId"])
    url = req["URL"]
    if await ctx.uow.cimd.url(policy.pool_id, policy.policy_id, url) is None:
        raise CachedCIMDURLDoesNotExistException(
            f"CIMD policy {policy.policy_id} has received no client metadata document URL {url}."
        )
    if req["Action"] == "INVALIDATE":
        entry = CachedUrl(url, None, None, None)
    else:
        try:
            fetched = await fetch(ctx.settings, url)
        except cimd.MetadataError as exc:
            raise InvalidParameterException(f"The document at {url} can't be used: {exc}") from None
        entry = CachedUrl(
            url, fetched.doc, ctx.now, cimd.expires(ctx.now, fetched.max_age, policy.cache_duration)
        )
    await ctx.uow.cimd.put_url(policy.pool_id, policy.policy_id, entry)
    return {}
