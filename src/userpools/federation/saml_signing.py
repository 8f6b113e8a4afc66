"""The key and certificate a pool signs SAML AuthnRequests with (``RequestSigningAlgorithm`` rsa-sha256).

Cognito signs with a per-pool certificate (the one GetSigningCertificate returns). Userpools signs with
the pool's current ID-token signing key (``auth.keyring``) and a self-signed certificate made from it
deterministically (same key, same certificate, on every node; nothing more is stored), published in the
pool's SP metadata (``<domain>/saml2/metadata``). Rotating the pool's keys changes the certificate: give
the IdP the new metadata then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from userpools.auth import keyring
from userpools.auth.keyring import Signer
from userpools.federation.saml_metadata import sp_entity_id
from userpools.operations.context import Context

# RFC 5280 §4.1.2.5: 99991231235959Z means "no well-defined expiration date".
_NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
_NOT_AFTER = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
_CERTIFICATES: dict[str, str] = {}  # by kid: keys never change once stored


@dataclass(frozen=True)
class SamlSigning:
    key: rsa.RSAPrivateKey
    certificate_pem: str


async def signing(ctx: Context, pool_id: str) -> SamlSigning:
    """The pool's SAML signing key and certificate (the pool's first keys are made if it has none yet)."""
    signer = (await keyring.signers(ctx.uow, ctx.services.sealer, ctx.random, ctx.now, pool_id))["id"]
    certificate = _CERTIFICATES.get(signer.kid)
    if certificate is None:
        certificate = _CERTIFICATES.setdefault(signer.kid, _certificate(signer, pool_id))
    return SamlSigning(signer.key, certificate)


def _certificate(signer: Signer, pool_id: str) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, sp_entity_id(pool_id))])
    serial = int.from_bytes(hashlib.sha256(signer.kid.encode()).digest()[:16], "big") >> 1
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(signer.key.public_key())
        .serial_number(serial).not_valid_before(_NOT_BEFORE).not_valid_after(_NOT_AFTER)
        .sign(signer.key, hashes.SHA256())  # PKCS#1 v1.5: the same bytes every time
    )  # fmt: skip
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
