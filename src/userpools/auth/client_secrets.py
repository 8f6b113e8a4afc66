"""App client secrets at rest: sealed with the server key and bound to their client id.

Cognito shows a secret again (DescribeUserPoolClient, and SECRET_HASH needs the value itself), so a one-way
hash can't do; sealed, a copy of the database alone reveals no secret. Every read of a secret's value goes
through here; ``ClientRepo.secrets_of`` alone (sealed values) only answers whether a client has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from userpools.operations.context import Context

PURPOSE = "client-secret"


async def secrets_of(ctx: Context, client_id: str) -> list[str]:
    """The client's secrets, oldest first (none for a public client). Compare with hmac.compare_digest."""
    opened = (
        ctx.services.sealer.open(PURPOSE, sealed, client_id.encode())
        for sealed in await ctx.uow.clients.secrets_of(client_id)
    )
    return [raw.decode() for raw in opened if raw is not None]


async def add_secret(ctx: Context, client_id: str, secret_id: str, secret: str) -> bool:
    """False when ``secret_id`` is already taken."""
    sealed = ctx.services.sealer.seal(PURPOSE, secret.encode(), client_id.encode())
    return await ctx.uow.clients.add_secret(client_id, secret_id, sealed, ctx.now)
