"""Fetching a client's metadata document before the authorize or token step runs (``oauth2.cimd``).

The fetch is network I/O, so it happens between two short units of work, never inside one: a read finds
the policy and any live cached document; only when there is none is the document fetched and stored.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from userpools.adapters.cimd_fetch import fetch
from userpools.errors import ServiceError
from userpools.oauth2 import cimd
from userpools.operations.context import Context
from userpools.store.cimd import CachedUrl, Policy
from userpools.web.hosted.place import Place, run, services_of


async def warm(
    request: Request, place: Place, client_id: str | None, error: Callable[[str], ServiceError]
) -> None:
    """Makes sure a metadata URL client_id has a live cached document; ``error(message)`` when it can't."""
    if not client_id or not cimd.is_metadata_url(client_id):
        return
    pool_id = place.site.pool_id

    async def look(ctx: Context) -> tuple[Policy, CachedUrl | None]:
        return await cimd.lookup(ctx, pool_id, client_id)

    try:
        policy, entry = await run(request, place, look, write=False)
        if entry is not None:
            return
        settings = services_of(request).settings
        fetched = await fetch(settings, client_id)
    except cimd.MetadataError as exc:
        raise error(str(exc)) from None

    async def store(ctx: Context) -> None:
        if await ctx.uow.cimd.policy(pool_id, policy.policy_id) is None:
            return  # deleted meanwhile: the step that follows finds no policy and refuses
        await ctx.uow.cimd.put_url(
            pool_id, policy.policy_id, cimd.cached(client_id, fetched, policy, ctx.now)
        )

    await run(request, place, store)
