"""auth.signing: where token signatures run, and how ``auto`` decides from the signatures it times."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from userpools.auth.signing import CALIBRATION, Signing
from userpools.config import Settings
from userpools.crypto import jwt, keys

KEY = keys.generate()


class Ticking:
    """A timer whose every second reading is ``step_ms`` after the first: each signature "takes" it."""

    def __init__(self, step_ms: float) -> None:
        self.now = 0.0
        self.step = step_ms / 1000
        self.calls = 0

    def __call__(self) -> float:
        self.calls += 1
        if self.calls % 2 == 0:
            self.now += self.step
        return self.now


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


def test_slow_signatures_move_to_threads_after_calibration(threads_used: list[int]) -> None:
    place = Signing("auto", workers=1, cores=2, timer=Ticking(1.1))
    tokens = sign_times(place, CALIBRATION)  # one timing per call: decided after CALIBRATION calls
    assert place.on_thread and not place.deciding
    main = threading.get_ident()
    assert set(threads_used) == {main}
    sign_times(place, 3)
    assert len(threads_used) == 2 * CALIBRATION + 6 and main not in threads_used[2 * CALIBRATION :]
    assert jwt.verified_claims(tokens[1], KEY.public_key()) == {"n": 0}


def test_fast_signatures_stay_on_the_loop(threads_used: list[int]) -> None:
    place = Signing("auto", workers=1, cores=2, timer=Ticking(0.2))
    sign_times(place, CALIBRATION + 3)
    assert not place.on_thread and not place.deciding
    assert set(threads_used) == {threading.get_ident()}


def test_no_spare_core_means_no_threads_nor_timing(threads_used: list[int]) -> None:
    timer = Ticking(5.0)
    place = Signing("auto", workers=2, cores=2, timer=timer)
    sign_times(place, CALIBRATION + 3)
    assert not place.on_thread and timer.calls == 0
    assert set(threads_used) == {threading.get_ident()}


def test_fixed_modes(threads_used: list[int]) -> None:
    sign_times(Signing("loop", workers=1, cores=8, timer=Ticking(5.0)), CALIBRATION + 1)
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
