"""The token-signing child process (``python -m userpools.crypto.sign_worker``; see auth/sign_process.py).

It reads requests from stdin and answers on stdout, one line each, in order:

- ``K <kid> <base64 PKCS#8 DER>``: remember a private key (no answer);
- ``S <kid> <signing input> [<kid> <signing input> ...]``: answers the base64url RS256 signature of
  each signing input under its key, space-separated, or ``!`` and a reason when one can't be made.

Every field is base64 or base64url, so a space and a newline never occur inside one. It exits when stdin
closes (the server stopped or died), so it never outlives the server.
"""

from __future__ import annotations

import base64
import sys
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.crypto import jwt, keys


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    private: dict[bytes, rsa.RSAPrivateKey] = {}
    for line in requests:
        fields = line.split()
        if fields[:1] == [b"K"] and len(fields) == 3:
            private[fields[1]] = keys.load_private(base64.b64decode(fields[2]))
            continue
        answers.write(_answer(fields, private) + b"\n")
        answers.flush()


def _answer(fields: list[bytes], private: dict[bytes, rsa.RSAPrivateKey]) -> bytes:
    if fields[:1] != [b"S"] or len(fields) % 2 != 1:
        return b"!malformed request"
    signatures = []
    for kid, signing_input in zip(fields[1::2], fields[2::2], strict=True):
        key = private.get(kid)
        if key is None:
            return b"!unknown key " + kid
        signatures.append(jwt.signature(signing_input, key).encode("ascii"))
    return b" ".join(signatures)


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
