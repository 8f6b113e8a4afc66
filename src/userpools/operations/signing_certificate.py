"""GetSigningCertificate: the X.509 certificate that signs the pool's SAML 2.0 AuthnRequests.

The same certificate the pool's SP metadata (``<domain>/saml2/metadata``) publishes; see
``auth.saml_certificate`` for how it is made and how it differs from Cognito's.
"""

from __future__ import annotations

from typing import Any

from userpools.auth.saml_certificate import der_base64, signing_certificate
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation


@operation("GetSigningCertificate", write=True)  # a pool without keys yet gets its first ones
async def get_signing_certificate(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool_id = str((await load_pool(ctx, req["UserPoolId"]))["Id"])
    _signer, pem = await signing_certificate(ctx.uow, ctx.services.sealer, ctx.random, ctx.now, pool_id)
    return {"Certificate": der_base64(pem)}
