"""Token signatures made by a child process (crypto/sign_worker.py), on a core the event loop leaves idle.

One server process runs its Python on one core; an RSA-2048 signature costs 0.25-0.3 ms of CPU on a
CPU with OpenSSL's AVX-512 path and about 1.1 ms without it, and a sign-in makes two. Handed to a child
over a pipe (one write and one read per sign-in), they run on another core beside the event loop's
other work; on a worker thread they would contend with the loop for the GIL (docs/benchmarks.md).

Requests are answered in order, so each waits on a future queued in the order it was written. A key
crosses the pipe once per child (PKCS#8 DER: the child is this server, started by it, reading only its
pipe). When the child dies, its pending requests fail with ``SignerGone`` and the caller signs them
itself.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import sys
from collections import deque
from collections.abc import Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.crypto import jwt, keys

log = logging.getLogger("userpools.signing")

Job = tuple[dict[str, Any], rsa.RSAPrivateKey, str]  # claims, key, kid


# Key ids and signing inputs cross the pipe as space-separated fields: base64 and base64url only.
_FIELD = re.compile(r"[A-Za-z0-9+/=_-]+")


class SignerGone(RuntimeError):
    """The signing child could not sign these (it exited, never started, or refused); sign them here."""


class _Answers(asyncio.SubprocessProtocol):
    """Resolves the queued futures with the child's answer lines, in order (no reader task per line)."""

    def __init__(self, owner: SignerProcess) -> None:
        self.owner = owner
        self.partial = b""

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        lines = (self.partial + data).split(b"\n")
        self.partial = lines.pop()
        pending = self.owner.pending
        for line in lines:
            if not pending:
                break
            answer = pending.popleft()
            if not answer.done():
                answer.set_result(line)

    def process_exited(self) -> None:
        self.owner.exited()


class SignerProcess:
    def __init__(self) -> None:
        self._transport: asyncio.SubprocessTransport | None = None
        self._stdin: asyncio.WriteTransport | None = None
        self._starting: asyncio.Task[None] | None = None
        self.pending: deque[asyncio.Future[bytes]] = deque()
        self._sent: set[str] = set()
        self.gone = False

    async def sign(self, jobs: Sequence[Job]) -> list[str]:
        if any(not _FIELD.fullmatch(kid) for _, _, kid in jobs):
            raise SignerGone("a key id the pipe protocol can't carry")
        stdin = self._stdin or await self._start()
        if self.gone:
            raise SignerGone("the signing process is not running")
        lines = [self._key_line(key, kid) for _, key, kid in jobs if kid not in self._sent]
        heads = [jwt.signing_input(claims, kid) for claims, _, kid in jobs]
        lines.append("S " + " ".join(f"{kid} {head}" for (_, _, kid), head in zip(jobs, heads, strict=True)))
        answer: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.pending.append(answer)
        stdin.write(("\n".join(lines) + "\n").encode("ascii"))
        answered = (await answer).decode("ascii")
        signatures = answered.split()
        if answered.startswith("!") or len(signatures) != len(heads):
            raise SignerGone(f"the signing process refused: {answered[:200]}")
        return [f"{head}.{sig}" for head, sig in zip(heads, signatures, strict=True)]

    @property
    def pid(self) -> int | None:
        """The child's process id once started (None before, or when it could not start)."""
        return self._transport.get_pid() if self._transport is not None else None

    def _key_line(self, key: rsa.RSAPrivateKey, kid: str) -> str:
        self._sent.add(kid)
        return f"K {kid} {base64.b64encode(keys.private_bytes(key)).decode('ascii')}"

    async def _start(self) -> asyncio.WriteTransport:
        if self._starting is None:
            self._starting = asyncio.ensure_future(self._spawn())
        await asyncio.shield(self._starting)
        if self._stdin is None:
            raise SignerGone("the signing process did not start")
        return self._stdin

    async def _spawn(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.subprocess_exec(
                lambda: _Answers(self), sys.executable, "-m", "userpools.crypto.sign_worker",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=None,
            )  # fmt: skip
        except OSError as exc:
            log.warning("token signing stays in this process: the signing process can't start (%s)", exc)
            self.gone = True
            return
        self._transport = transport
        self._stdin = transport.get_pipe_transport(0)  # type: ignore[assignment]

    def exited(self) -> None:
        if not self.gone and self._transport is not None:
            log.warning("the token signing process exited (code %s); signing in the server process",
                        self._transport.get_returncode())  # fmt: skip
        self.gone = True
        while self.pending:
            answer = self.pending.popleft()
            if not answer.done():
                answer.set_exception(SignerGone("the signing process exited"))

    async def close(self) -> None:
        transport, self._transport = self._transport, None
        self.gone = True
        if transport is None:
            return
        if self._stdin is not None:
            self._stdin.close()  # the child exits when its stdin closes
        for _ in range(100):
            if transport.get_returncode() is not None:
                break
            await asyncio.sleep(0.02)
        else:
            transport.kill()
        transport.close()
