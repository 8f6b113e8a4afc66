"""Prometheus metrics kept in the process, rendered in the text exposition format (version 0.0.4).

Each node (and each worker process) keeps its own counts; Prometheus scrapes every one and sums them, as
with any horizontally scaled service. Observing is a dict update on the event-loop thread: no lock, no
dependency, a microsecond or two per request.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

# Latency buckets in seconds: sign-ins sit around 1-20 ms, SRP and triggers can take far longer.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: tuple[str, ...], values: tuple[str, ...], extra: str = "") -> str:
    parts = [f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


class Counter:
    def __init__(self, name: str, help_text: str, labels: tuple[str, ...]) -> None:
        self.name, self.help, self.label_names = name, help_text, labels
        self.values: dict[tuple[str, ...], float] = {}

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} counter"
        for labels, value in sorted(self.values.items()):
            yield f"{self.name}{_labels(self.label_names, labels)} {_number(value)}"


class Histogram:
    def __init__(
        self, name: str, help_text: str, labels: tuple[str, ...], buckets: tuple[float, ...]
    ) -> None:
        self.name, self.help, self.label_names, self.buckets = name, help_text, labels, buckets
        # Per label set: a count per bucket (non-cumulative; +Inf last), then the sum.
        self.values: dict[tuple[str, ...], tuple[list[int], list[float]]] = {}

    def observe(self, value: float, *labels: str) -> None:
        entry = self.values.get(labels)
        if entry is None:
            entry = self.values[labels] = ([0] * (len(self.buckets) + 1), [0.0])
        entry[0][bisect.bisect_left(self.buckets, value)] += 1
        entry[1][0] += value

    def render(self) -> Iterable[str]:
        yield f"# HELP {self.name} {self.help}"
        yield f"# TYPE {self.name} histogram"
        for labels, (counts, total) in sorted(self.values.items()):
            running = 0
            for bound, count in zip((*self.buckets, float("inf")), counts, strict=True):
                running += count
                le = "+Inf" if bound == float("inf") else _number(bound)
                bucket_labels = _labels(self.label_names, labels, 'le="' + le + '"')
                yield f"{self.name}_bucket{bucket_labels} {running}"
            yield f"{self.name}_sum{_labels(self.label_names, labels)} {_number(total[0])}"
            yield f"{self.name}_count{_labels(self.label_names, labels)} {running}"


class Metrics:
    """Every metric Userpools exports (docs/observability.md lists them)."""

    def __init__(self) -> None:
        self.requests = Counter(
            "userpools_requests_total",
            "API requests by operation and outcome (ok, or the error type).",
            ("operation", "outcome"),
        )
        self.latency = Histogram(
            "userpools_request_duration_seconds",
            "API request latency by operation, from the request body read to the response.",
            ("operation",),
            LATENCY_BUCKETS,
        )
        self.sign_ins = Counter(
            "userpools_sign_ins_total",
            "Sign-in steps (InitiateAuth, RespondToAuthChallenge and their Admin forms) by outcome: "
            "tokens, challenge, or the error type.",
            ("outcome",),
        )
        self.messages = Counter(
            "userpools_messages_total",
            "Email and SMS messages handed to the configured sender, by channel and outcome (sent, failed).",
            ("channel", "outcome"),
        )
        self.triggers = Counter(
            "userpools_trigger_invocations_total",
            "Lambda trigger invocations by LambdaConfig key and outcome (ok, failed, unreachable, "
            "invalid_response).",
            ("trigger", "outcome"),
        )
        self.imported = Counter(
            "userpools_import_users_total",
            "Users processed by user import jobs on this node, by result (imported, skipped, failed).",
            ("result",),
        )

    def render(self) -> str:
        lines: list[str] = []
        for metric in (
            self.requests,
            self.latency,
            self.sign_ins,
            self.messages,
            self.triggers,
            self.imported,
        ):
            lines.extend(metric.render())
        return "\n".join(lines) + "\n"
