"""Runs one registered operation inside one unit of work."""

from __future__ import annotations

import logging
from typing import Any

from userpools.errors import CodeDeliveryFailureException, ServiceError
from userpools.operations.context import Context, Services
from userpools.operations.fresh import until_fresh
from userpools.operations.quotas import Throttle
from userpools.operations.registry import Operation
from userpools.operations.replicas import admit
from userpools.store.database import Database

log = logging.getLogger("userpools")


class Runner:
    def __init__(self, services: Services, database: Database) -> None:
        self.services = services
        self.database = database
        # Request-rate quotas (operations/quotas.py): None when off, so nothing is counted.
        self.throttle = Throttle(services, database) if services.settings.quotas == "on" else None

    async def run(
        self,
        op: Operation,
        params: dict[str, Any],
        request_id: str,
        region: str,
        source_ip: str = "",
        replica_of: str | None = None,
    ) -> dict[str, Any]:
        """``replica_of``: the pool of another region the caller reaches through its replica in ``region``."""
        if self.throttle is not None:
            await self.throttle.admit(op.name, region, params)
        ctx, result = await until_fresh(
            lambda: self._unit(op, params, request_id, region, source_ip, replica_of)
        )
        for hook in ctx.after_commit:
            try:
                await hook()
            except Exception as exc:
                # The change is committed; the caller learns that delivery failed, as with Cognito.
                log.exception("message delivery failed for %s", op.name)
                raise CodeDeliveryFailureException(f"Unable to deliver message: {exc}") from exc
        if ctx.committed_failure is not None:
            raise ctx.committed_failure
        return result

    async def _unit(
        self,
        op: Operation,
        params: dict[str, Any],
        request_id: str,
        region: str,
        source_ip: str,
        replica_of: str | None,
    ) -> tuple[Context, dict[str, Any]]:
        async with self.database.unit_of_work(op.write) as uow:
            ctx = Context(self.services, uow, request_id, region, source_ip=source_ip)
            try:
                if replica_of is not None:
                    await admit(ctx, op, replica_of)
                result = await op.handler(ctx, params)
            except ServiceError as exc:
                if exc is not ctx.committed_failure:
                    raise
                result = {}  # leaving the block normally commits what the handler counted
        return ctx, result
