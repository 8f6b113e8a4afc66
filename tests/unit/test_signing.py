"""auth.signing: token signatures on the event loop or a worker thread (child process: test_sign_process)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from userpools.auth.signing import Signing
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
