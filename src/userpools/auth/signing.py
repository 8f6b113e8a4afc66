"""Where token signatures run: on the event loop, or on a worker thread (USERPOOLS_SIGNING).

An RSA-2048 signature costs about 0.2 ms of CPU where OpenSSL has its AVX-512 path and about 1.1 ms on
CPUs without it (../shared/bench/refs.py on two of our VMs), and a sign-in makes two. cryptography
releases the GIL while OpenSSL signs, so signatures made on a worker thread run in parallel with the
event loop's other work and with each other, using cores one process would leave idle; the hand-off
costs tens of microseconds. Measured with the benchmark harness (password sign-ins, 16 clients, 2
cores): one process signing on threads was 16-18 % slower at 0.2 ms a signature and 19 % faster at
1.1 ms; with as many worker processes as cores no core is idle, and threads were 4 % slower.

``auto`` (the default) therefore signs on the loop and times the process's first signatures; when
their median exceeds THRESHOLD_MS and this process is one of fewer workers than the machine has
cores, later signatures go to threads. ``loop`` and ``thread`` fix the choice.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.config import SIGNING_MODES
from userpools.crypto import jwt

CALIBRATION = 16  # signatures timed before ``auto`` decides
THRESHOLD_MS = 0.5  # a signature slower than this is worth a thread hand-off

Job = tuple[dict[str, Any], rsa.RSAPrivateKey, str]  # claims, key, kid


def _sign_all(jobs: Sequence[Job]) -> list[str]:
    return [jwt.sign(claims, key, kid) for claims, key, kid in jobs]


class Signing:
    def __init__(
        self,
        mode: str = "auto",
        workers: int = 1,
        cores: int | None = None,
        timer: Callable[[], float] = time.perf_counter,
    ) -> None:
        if mode not in SIGNING_MODES:
            raise ValueError(f"USERPOOLS_SIGNING must be auto, loop or thread, not {mode!r}")
        spare_cores = workers < (cores or os.cpu_count() or 1)
        self.on_thread = mode == "thread"
        self.deciding = mode == "auto" and spare_cores
        self.samples: list[float] = []
        self.timer = timer

    async def sign(self, jobs: Sequence[Job]) -> list[str]:
        """The compact JWS of each job, in order (one hand-off for all of them on a thread)."""
        if self.on_thread:
            return await asyncio.to_thread(_sign_all, jobs)
        if not self.deciding:
            return _sign_all(jobs)
        began = self.timer()
        signed = _sign_all(jobs)
        self._learn((self.timer() - began) * 1000 / max(len(jobs), 1))
        return signed

    def _learn(self, ms_per_signature: float) -> None:
        self.samples.append(ms_per_signature)
        if len(self.samples) >= CALIBRATION:
            self.on_thread = statistics.median(self.samples) > THRESHOLD_MS
            self.deciding = False
