"""What a handler gets: the unit of work, the injected services and the caller's request details."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from userpools.auth.signing import Signing
from userpools.config import Settings
from userpools.crypto.sealing import Sealer
from userpools.domain import log_delivery
from userpools.errors import ServiceError
from userpools.observability.metrics import Metrics
from userpools.operations.user_count import UserCounts
from userpools.ports import Clock, LogWriter, Message, Random, Sender
from userpools.store.uow import UnitOfWork

if TYPE_CHECKING:  # federation builds on operations; only the composition root (app.py) makes one
    from userpools.federation.clients import FederationClients


class JobScheduler(Protocol):
    """Runs started import jobs in the background (operations/import_runner.py)."""

    def kick(self, job_id: str) -> None: ...


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Clock
    random: Random
    email: Sender
    sms: Sender
    sealer: Sealer
    # The OIDC relying party and SAML service provider, with their caches (None: no federated sign-in).
    federation: FederationClients | None = None
    metrics: Metrics = field(default_factory=Metrics)
    # Log delivery (SetLogDeliveryConfiguration): the local sink the pools' destinations map to.
    logs: LogWriter | None = None
    # Background runner of CSV user import jobs (None: jobs are only picked up by a node that has one).
    import_jobs: JobScheduler | None = None
    # Where token signatures run: the event loop or a worker thread (auth/signing.py).
    signing: Signing = field(default_factory=Signing)
    # DescribeUserPool's EstimatedNumberOfUsers, kept a minute for large pools (operations/user_count.py).
    user_counts: UserCounts = field(default_factory=UserCounts)


@dataclass
class Context:
    services: Services
    uow: UnitOfWork
    request_id: str
    region: str
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    committed_failure: ServiceError | None = None
    source_ip: str = ""  # the HTTP client's address (threat protection's IP when no ContextData names one)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def now(self) -> float:
        return self.services.clock.now()

    @property
    def random(self) -> Random:
        return self.services.random

    def send_later(self, message: Message, logs: Sequence[dict[str, Any]] = ()) -> None:
        """Queues a message to go out only once the transaction has committed.

        ``logs``: the pool's userNotification log configurations (``domain.log_delivery``); the send, or
        its failure, is written to them.
        """
        sender = self.services.email if message.channel == "email" else self.services.sms
        if not logs or self.services.logs is None:
            self.after_commit.append(lambda: sender.send(message))
            return
        writer = self.services.logs

        async def send_logged() -> None:
            try:
                await sender.send(message)
            except Exception as exc:
                reason = str(exc) or type(exc).__name__
                await log_delivery.write_notification(writer, logs, message, self.now, reason)
                raise
            await log_delivery.write_notification(writer, logs, message, self.now, None)

        self.after_commit.append(send_logged)

    def fail_after_commit(self, error: ServiceError) -> ServiceError:
        """Marks ``error`` as one whose writes still commit (failed-attempt counters); raise what it returns.

        ``raise ctx.fail_after_commit(CodeMismatchException(...))``: the runner commits the transaction,
        runs the after-commit hooks, then answers with ``error``.
        """
        self.committed_failure = error
        return error
