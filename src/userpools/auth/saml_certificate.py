"""The X.509 certificate a pool signs SAML 2.0 AuthnRequests with (GetSigningCertificate, SP metadata).

Cognito signs with a per-pool certificate. Userpools makes it from the pool's current ID-token signing
key (``auth.keyring``), self-signed and deterministic (same key, same certificate, on every node; nothing
more is stored). Known difference: Cognito's certificates are valid for 10 years from issue and renewed
yearly; this one has no expiry (RFC 5280's 99991231235959Z), and changes when the pool's keys rotate.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from userpools.auth import keyring
from userpools.auth.keyring import Signer
from userpools.crypto.sealing import Sealer
from userpools.ports import Random
from userpools.store.uow import UnitOfWork

_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
_NOT_AFTER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)  # RFC 5280 §4.1.2.5: no expiration date
_CERTIFICATES: dict[str, str] = {}  # by kid: keys never change once stored


def sp_entity_id(pool_id: str) -> str:
    """The pool's SAML service-provider entity ID, as Cognito names it."""
    return f"urn:amazon:cognito:sp:{pool_id}"


async def signing_certificate(
    uow: UnitOfWork, sealer: Sealer, random: Random, now: float, pool_id: str
) -> tuple[Signer, str]:
    """The pool's signing key and its certificate, PEM (the pool's first keys are made if it has none)."""
    signer = (await keyring.signers(uow, sealer, random, now, pool_id))["id"]
    certificate = _CERTIFICATES.get(signer.kid)
    if certificate is None:
        certificate = _CERTIFICATES.setdefault(signer.kid, _certificate(signer, pool_id))
    return signer, certificate


def der_base64(pem: str) -> str:
    """A PEM certificate's body: base64 of its DER encoding, on one line."""
    return "".join(line for line in pem.strip().splitlines() if "CERTIFICATE" not in line)


def _certificate(signer: Signer, pool_id: str) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sp_entity_id(pool_id))])
    serial = int.from_bytes(hashlib.sha256(signer.kid.encode()).digest()[:16], "big") >> 1
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(signer.key.public_key())
        .serial_number(serial).not_valid_before(_NOT_BEFORE).not_valid_after(_NOT_AFTER)
        .sign(signer.key, hashes.SHA256())  # PKCS#1 v1.5: the same bytes every time
    )  # fmt: skip
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
