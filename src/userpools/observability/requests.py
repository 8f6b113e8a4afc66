"""What each API request leaves behind: its metrics and, when request logging is on, one JSON log line.

The line carries the request id, operation, pool, outcome and latency, and nothing from the request body
or response beyond those: never a password, code, token or secret (tests/observability check it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from userpools.observability.metrics import Metrics

log = logging.getLogger("userpools.requests")

SIGN_IN_OPERATIONS = frozenset(
    {"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"}
)


@dataclass
class RequestInfo:
    """Filled in as the request is understood: unknown operations and bodies leave the defaults."""

    request_id: str
    operation: str = "-"
    pool: str | None = None
    client: str | None = None


class Observer:
    def __init__(self, metrics: Metrics, log_requests: bool) -> None:
        self.metrics = metrics
        self.log_requests = log_requests

    def done(self, request: RequestInfo, outcome: str, seconds: float, body: bytes) -> None:
        """Records a finished request; ``outcome`` is "ok" or the error type."""
        metrics = self.metrics
        metrics.requests.inc(request.operation, outcome)
        metrics.latency.observe(seconds, request.operation)
        if request.operation in SIGN_IN_OPERATIONS:
            if outcome == "ok":
                outcome_of_sign_in = "tokens" if b'"AuthenticationResult"' in body else "challenge"
            else:
                outcome_of_sign_in = outcome
            metrics.sign_ins.inc(outcome_of_sign_in)
        if self.log_requests:
            log.info(
                "request",
                extra={
                    "request_id": request.request_id,
                    "operation": request.operation,
                    "pool": request.pool,
                    "client": request.client,
                    "outcome": outcome,
                    "duration_ms": round(seconds * 1000, 3),
                },
            )
