"""The key and certificate a pool signs SAML AuthnRequests with (``RequestSigningAlgorithm`` rsa-sha256).

The certificate is the one GetSigningCertificate returns (``auth.saml_certificate``), published in the
pool's SP metadata (``<domain>/saml2/metadata``). Rotating the pool's keys changes it: give the IdP the new
metadata then.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from userpools.auth.saml_certificate import signing_certificate
from userpools.operations.context import Context


@dataclass(frozen=True)
class SamlSigning:
    key: rsa.RSAPrivateKey
    certificate_pem: str


async def signing(ctx: Context, pool_id: str) -> SamlSigning:
    """The pool's SAML signing key and certificate (the pool's first keys are made if it has none yet)."""
    signer, certificate = await signing_certificate(
        ctx.uow, ctx.services.sealer, ctx.random, ctx.now, pool_id
    )
    return SamlSigning(signer.key, certificate)
