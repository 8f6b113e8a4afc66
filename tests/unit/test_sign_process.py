"""auth.sign_process and crypto.sign_worker: token signatures made by a child process, and what happens
when it can't make them (auth.signing signs them in the server process instead)."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import signal

import pytest

from userpools.auth.sign_process import SignerGone, SignerProcess
from userpools.auth.signing import Signing
from userpools.crypto import jwt, keys, sign_worker

KEY_A, KEY_B = keys.generate(), keys.generate()
KID_A, KID_B = keys.new_kid(b"a" * 32), keys.new_kid(b"b" * 32)


def claims_of(token: str, key: object) -> dict[str, object] | None:
    return jwt.verified_claims(token, key.public_key())  # type: ignore[attr-defined]


def test_worker_answers_each_request_in_order() -> None:
    der = base64.b64encode(keys.private_bytes(KEY_A))
    head = jwt.signing_input({"n": 1}, KID_A).encode()
    requests = io.BytesIO(
        b"K " + KID_A.encode() + b" " + der + b"\n"
        + b"S " + KID_A.encode() + b" " + head + b" " + KID_A.encode() + b" " + head + b"\n"
        + b"S " + KID_B.encode() + b" " + head + b"\n"
        + b"S " + KID_A.encode() + b"\n"
        + b"hello\n"
    )  # fmt: skip
    answers = io.BytesIO()
    sign_worker.serve(requests, answers)
    first, unknown, odd, malformed = answers.getvalue().decode().splitlines()
    one, two = first.split()
    assert claims_of(f"{head.decode()}.{one}", KEY_A) == {"n": 1} and one == two  # PKCS#1 v1.5: deterministic
    assert unknown == f"!unknown key {KID_B}"
    assert odd == malformed == "!malformed request"


def test_child_signs_concurrent_requests_with_several_keys() -> None:
    async def run() -> tuple[list[list[str]], int | None, int | None]:
        signer = SignerProcess()
        jobs = [[({"n": n}, KEY_A, KID_A), ({"n": -n}, KEY_B, KID_B)] for n in range(24)]
        tokens = await asyncio.gather(*(signer.sign(j) for j in jobs))
        pid = signer.pid
        transport = signer._transport
        await signer.close()
        return tokens, pid, transport.get_returncode() if transport else None

    tokens, pid, returncode = asyncio.run(run())
    assert pid is not None and pid != os.getpid()
    for n, (a, b) in enumerate(tokens):
        assert claims_of(a, KEY_A) == {"n": n} and claims_of(b, KEY_B) == {"n": -n}
        assert jwt.header_of(a) == {"kid": KID_A, "alg": "RS256"}
    assert returncode == 0  # it left when its stdin closed


def test_a_dead_child_means_signing_here() -> None:
    async def run() -> tuple[str, str, bool]:
        signing = Signing("process")
        assert signing.process is not None
        first = (await signing.sign([({"n": 1}, KEY_A, KID_A)]))[0]
        os.kill(signing.process.pid or 0, signal.SIGKILL)
        for _ in range(200):
            if signing.process.gone:
                break
            await asyncio.sleep(0.01)
        later = (await signing.sign([({"n": 2}, KEY_A, KID_A)]))[0]
        gone = signing.process.gone
        await signing.close()
        return first, later, gone

    first, later, gone = asyncio.run(run())
    assert gone
    assert claims_of(first, KEY_A) == {"n": 1} and claims_of(later, KEY_A) == {"n": 2}


def test_refused_requests_are_signed_here_and_the_child_stays() -> None:
    async def run() -> tuple[str, bool]:
        signing = Signing("process")
        assert signing.process is not None
        signing.process._sent.add(KID_B)  # the child is never sent this key, so it refuses
        with pytest.raises(SignerGone, match="unknown key"):
            await signing.process.sign([({"n": 0}, KEY_B, KID_B)])
        token = (await signing.sign([({"n": 3}, KEY_B, KID_B)]))[0]
        gone = signing.process.gone
        await signing.close()
        return token, gone

    token, gone = asyncio.run(run())
    assert claims_of(token, KEY_B) == {"n": 3} and not gone


def test_key_ids_the_pipe_cant_carry_are_signed_here() -> None:
    async def run() -> tuple[str, int | None]:
        signing = Signing("process")
        token = (await signing.sign([({"n": 4}, KEY_A, "a kid with spaces")]))[0]
        assert signing.process is not None
        return token, signing.process.pid

    token, pid = asyncio.run(run())
    assert claims_of(token, KEY_A) == {"n": 4} and pid is None  # no child was even started


def test_auto_uses_a_child_only_with_a_spare_core() -> None:
    assert Signing("auto", workers=1, cores=2).process is not None
    assert Signing("auto", workers=2, cores=2).process is None
    assert Signing("auto", workers=1, cores=1).process is None
    assert Signing("loop", workers=1, cores=8).process is None
    assert Signing("process", workers=4, cores=1).process is not None
