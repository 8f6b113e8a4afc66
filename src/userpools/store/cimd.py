"""Repository for Client ID Metadata Document (CIMD) policies and the metadata URLs they have received."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import cimd_policies, cimd_urls, clients


@dataclass(frozen=True)
class Policy:
    pool_id: str
    policy_id: str
    client_id: str
    client_exists: bool  # False once the app client is deleted: the policy then admits no one
    name: str
    cache_duration: int
    url_patterns: list[str]
    created: float
    modified: float

    def wire(self) -> dict[str, Any]:
        """CIMDPolicyType (ClientId omitted once the app client no longer exists)."""
        out: dict[str, Any] = {
            "UserPoolId": self.pool_id,
            "CIMDPolicyId": self.policy_id,
            "PolicyName": self.name,
            "CacheDuration": self.cache_duration,
            "URLPatterns": list(self.url_patterns),
            "CreationDate": self.created,
            "LastModifiedDate": self.modified,
        }
        if self.client_exists:
            out["ClientId"] = self.client_id
        return out


@dataclass(frozen=True)
class CachedUrl:
    url: str
    doc: dict[str, Any] | None
    cached: float | None
    expires: float | None

    def wire(self) -> dict[str, Any]:
        """ClientMetadataURLType; the dates only while a document is cached."""
        out: dict[str, Any] = {"URL": self.url}
        if self.doc is not None and self.cached is not None:
            out.update(CachedDate=self.cached, ExpirationDate=self.expires)
        return out


_POLICY = select(cimd_policies, clients.c.client_id.label("live_client")).outerjoin(
    clients,
    (clients.c.client_id == cimd_policies.c.client_id) & (clients.c.pool_id == cimd_policies.c.pool_id),
)


def _policy(row: Any) -> Policy:
    return Policy(
        row.pool_id, row.policy_id, row.client_id, row.live_client is not None, row.name,
        row.cache_duration, list(row.url_patterns), row.created, row.modified,
    )  # fmt: skip


def _url(row: Any) -> CachedUrl:
    return CachedUrl(row.url, row.doc, row.cached, row.expires)


class CimdRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert_policy(self, policy: Policy) -> None:
        await self.conn.execute(
            insert(cimd_policies).values(
                pool_id=policy.pool_id, policy_id=policy.policy_id, client_id=policy.client_id,
                name=policy.name, cache_duration=policy.cache_duration, url_patterns=policy.url_patterns,
                created=policy.created, modified=policy.modified,
            )
        )  # fmt: skip

    async def policy(self, pool_id: str, policy_id: str) -> Policy | None:
        query = _POLICY.where(cimd_policies.c.pool_id == pool_id, cimd_policies.c.policy_id == policy_id)
        row = (await self.conn.execute(query)).first()
        return None if row is None else _policy(row)

    async def policies(
        self, pool_id: str, after: str | None = None, limit: int | None = None
    ) -> list[Policy]:
        """The pool's policies by id (all of them without ``limit``)."""
        query = _POLICY.where(cimd_policies.c.pool_id == pool_id)
        if after is not None:
            query = query.where(cimd_policies.c.policy_id > after)
        query = query.order_by(cimd_policies.c.policy_id)
        if limit is not None:
            query = query.limit(limit)
        return [_policy(r) for r in (await self.conn.execute(query)).all()]

    async def update_policy(self, policy: Policy) -> None:
        await self.conn.execute(
            update(cimd_policies)
            .where(cimd_policies.c.pool_id == policy.pool_id, cimd_policies.c.policy_id == policy.policy_id)
            .values(
                client_id=policy.client_id, name=policy.name, cache_duration=policy.cache_duration,
                url_patterns=policy.url_patterns, modified=policy.modified,
            )
        )  # fmt: skip

    async def delete_policy(self, pool_id: str, policy_id: str) -> None:
        # Its URLs go with it (ON DELETE CASCADE; SQLite runs with foreign_keys=ON).
        await self.conn.execute(
            delete(cimd_policies).where(
                cimd_policies.c.pool_id == pool_id, cimd_policies.c.policy_id == policy_id
            )
        )

    async def drop_urls_not_matching(self, pool_id: str, policy_id: str, keep: list[str]) -> None:
        """Forgets every URL of the policy not in ``keep`` (its patterns changed)."""
        query = delete(cimd_urls).where(cimd_urls.c.pool_id == pool_id, cimd_urls.c.policy_id == policy_id)
        if keep:
            query = query.where(cimd_urls.c.url.not_in(keep))
        await self.conn.execute(query)

    async def url(self, pool_id: str, policy_id: str, url: str) -> CachedUrl | None:
        query = select(cimd_urls).where(
            cimd_urls.c.pool_id == pool_id, cimd_urls.c.policy_id == policy_id, cimd_urls.c.url == url
        )
        row = (await self.conn.execute(query)).first()
        return None if row is None else _url(row)

    async def urls(self, pool_id: str, policy_id: str, after: str | None, limit: int) -> list[CachedUrl]:
        query = select(cimd_urls).where(cimd_urls.c.pool_id == pool_id, cimd_urls.c.policy_id == policy_id)
        if after is not None:
            query = query.where(cimd_urls.c.url > after)
        rows = (await self.conn.execute(query.order_by(cimd_urls.c.url).limit(limit))).all()
        return [_url(r) for r in rows]

    async def put_url(self, pool_id: str, policy_id: str, cached: CachedUrl) -> None:
        """Stores (or replaces) the cache state of one URL of the policy."""
        values = {"doc": cached.doc, "cached": cached.cached, "expires": cached.expires}
        where = (
            cimd_urls.c.pool_id == pool_id,
            cimd_urls.c.policy_id == policy_id,
            cimd_urls.c.url == cached.url,
        )
        changed = await self.conn.execute(update(cimd_urls).where(*where).values(**values))
        if changed.rowcount == 0:
            await self.conn.execute(
                insert(cimd_urls).values(pool_id=pool_id, policy_id=policy_id, url=cached.url, **values)
            )
