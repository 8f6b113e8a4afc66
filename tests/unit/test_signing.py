"""auth.signing: token signatures on the event loop or a worker thread (child process: test_sign_process)."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from userpools.auth.signing import Signing, available_cores
from userpools.config import Settings
from userpools.crypto import jwt, keys

KEY = keys.generate()


@pytest.fixture
def threads_used(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The thread of every signature made through auth.signing."""
    used: list[int] = []
    real = jwt.sign

    def recording(claims: dict[str, Any], key: Any, kid: str) -> str:
        used.append(threading.get_ident())
        return real(claims, key, kid)

    monkeypatch.setattr(jwt, "sign", recording)  # auth.signing calls it through the module
    yield used


def sign_times(place: Signing, times: int) -> list[str]:
    async def run() -> list[str]:
        out: list[str] = []
        for n in range(times):
            out += await place.sign([({"n": n}, KEY, "k1"), ({"n": -n}, KEY, "k2")])
        return out

    return asyncio.run(run())


def test_fixed_modes(threads_used: list[int]) -> None:
    sign_times(Signing("loop", workers=1, cores=8), 3)
    assert set(threads_used) == {threading.get_ident()}
    threads_used.clear()
    tokens = sign_times(Signing("thread", workers=4, cores=1), 2)
    assert threading.get_ident() not in threads_used and len(threads_used) == 4
    assert [jwt.verified_claims(t, KEY.public_key()) for t in tokens] == [
        {"n": 0},
        {"n": 0},
        {"n": 1},
        {"n": -1},
    ]


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="USERPOOLS_SIGNING"):
        Signing("gpu")
    with pytest.raises(ValueError, match="USERPOOLS_SIGNING"):
        Settings(signing="sometimes").check()


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [
        ("max 100000\n", 2),
        ("100000 100000\n", 1),
        ("150000 100000\n", 2),
        ("800000 100000\n", 2),
        ("junk", 2),
    ],
)
def test_available_cores_honours_a_cgroup_cpu_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu_max: str, expected: int
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    limit = tmp_path / "cpu.max"
    limit.write_text(cpu_max)
    assert available_cores(limit) == expected
    assert available_cores(tmp_path / "absent") == 2  # no cgroup v2 limit: the affinity alone
