"""Where token signatures run: on the event loop, a worker thread or a child process (USERPOOLS_SIGNING).

An RSA-2048 signature costs 0.25-0.3 ms of CPU where OpenSSL has its AVX-512 path and about 1.1 ms on
CPUs without it (../shared/bench/refs.py on our VMs), and a sign-in makes two: the better part of a
password sign-in's CPU. One server process runs its Python on one core, so while cores are spare
(fewer ``--workers`` than cores) ``auto`` hands signatures to a child process (auth/sign_process.py),
which signs on another core for one pipe write and one read per sign-in. With no spare core it signs on
the loop, where a hand-off would only add work. ``loop``, ``thread`` and ``process`` fix the choice. On
a thread, signatures contend with the loop for the GIL (measured slower than the loop on our VMs, see
docs/benchmarks.md); it stays for CPUs where signing is slow and processes are unwelcome.
"""

from __future__ import annotations

import asyncio
import math
import os
from collections.abc import Sequence
from pathlib import Path

from userpools.auth.sign_process import Job, SignerGone, SignerProcess
from userpools.config import SIGNING_MODES
from userpools.crypto import jwt

CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")


def available_cores(cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The cores this process may use: its CPU affinity, capped by a cgroup v2 CPU quota (``docker run
    --cpus``), both of which ``os.cpu_count()`` ignores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        quota, period = cpu_max.read_text().split()[:2]
        limit = cores if quota == "max" else math.ceil(int(quota) / int(period))
    except (OSError, ValueError, ZeroDivisionError):
        return cores
    return max(1, min(cores, limit))


def _sign_all(jobs: Sequence[Job]) -> list[str]:
    return [jwt.sign(claims, key, kid) for claims, key, kid in jobs]


class Signing:
    def __init__(self, mode: str = "auto", workers: int = 1, cores: int | None = None) -> None:
        if mode not in SIGNING_MODES:
            raise ValueError(f"USERPOOLS_SIGNING must be {', '.join(SIGNING_MODES)}, not {mode!r}")
        spare_cores = workers < (cores or available_cores())
        self.on_thread = mode == "thread"
        self.process = SignerProcess() if mode == "process" or (mode == "auto" and spare_cores) else None

    async def sign(self, jobs: Sequence[Job]) -> list[str]:
        """The compact JWS of each job, in order."""
        if self.process is not None and not self.process.gone:
            try:
                return await self.process.sign(jobs)
            except SignerGone:
                pass  # a refused request, or a dead child (logged once): signed here from now on
        if self.on_thread:
            return await asyncio.to_thread(_sign_all, jobs)
        return _sign_all(jobs)

    async def close(self) -> None:
        if self.process is not None:
            await self.process.close()
