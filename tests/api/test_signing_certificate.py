"""GetSigningCertificate: the pool's SAML request-signing certificate (base64 DER), made from its
ID-token signing key, stable across calls."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from test_auth_support import error_of

from userpools.testing import RunningServer


def _int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def test_the_certificate_carries_the_pools_signing_key(idp: Any, live: RunningServer, pool_id: str) -> None:
    body = idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"]
    certificate = x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert name == f"urn:amazon:cognito:sp:{pool_id}" and certificate.issuer == certificate.subject
    key = certificate.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    signature = certificate.signature
    assert certificate.signature_hash_algorithm is not None
    key.verify(signature, certificate.tbs_certificate_bytes, padding.PKCS1v15(), hashes.SHA256())
    jwks = httpx.get(f"{live.url}/{pool_id}/.well-known/jwks.json").json()["keys"]
    numbers = key.public_numbers()
    assert any(_int(k["n"]) == numbers.n and _int(k["e"]) == numbers.e for k in jwks)
    assert idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"] == body  # stable


def test_pools_have_their_own_certificate_and_unknown_pools_none(idp: Any, pool_id: str) -> None:
    other = idp.create_user_pool(PoolName="other-cert")["UserPool"]["Id"]
    mine = idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"]
    assert idp.get_signing_certificate(UserPoolId=other)["Certificate"] != mine
    code, message = error_of(idp.get_signing_certificate, UserPoolId="us-east-1_NoSuchPool")
    assert code == "ResourceNotFoundException" and "us-east-1_NoSuchPool" in message
