"""RFC 6238 time-based one-time passwords (TOTP) as Cognito's software-token MFA uses them.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
HMAC-SHA1, six digits, 30-second steps, one step of tolerance either side (±30 s). A code is accepted only
for a time step later than the last one accepted for the user, so no code is ever accepted twice.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

from userpools.ports import Random

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps of tolerance either side
SECRET_BYTES = 20  # 160 bits, RFC 4226's recommended length: 32 base32 characters


def new_secret(random: Random) -> str:
    """A fresh random base32 secret (A-Z2-7, no padding) for an authenticator app."""
    return base64.b32encode(random.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    text = secret.upper()
    return base64.b32decode(text + "=" * (-len(text) % 8))


def code_at(secret: str, step: int) -> str:
    """The code of time step ``step`` (RFC 4226 HOTP over the step counter)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def step_of(now: float) -> int:
    return int(now // STEP_SECONDS)


def matching_step(secret: str, code: str, now: float, last_step: int | None = None) -> int | None:
    """The time step ``code`` belongs to (within ±1 step of ``now``, after ``last_step``), else None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    current = step_of(now)
    found = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        fresh = last_step is None or step > last_step
        # Compare every candidate so timing does not reveal which step matched.
        if hmac.compare_digest(code_at(secret, step), code) and fresh and found is None:
            found = step
    return found
