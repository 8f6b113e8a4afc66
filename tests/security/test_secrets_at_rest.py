"""No secret readable in a copy of the database: every table, every column, in any common encoding.

Creates a pool (its signing keys), a client with a secret, a user with a password, TOTP and a refresh
token, then dumps the raw store (and, on SQLite, the database file's bytes, free pages included) and
looks for each secret raw, base64, base64url and hex. Runs on PostgreSQL with USERPOOLS_TEST_STORE.
"""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from typing import Any

import pyotp
from cryptography.hazmat.primitives import serialization
from hostile_support import PASSWORD, make_user, sign_in
from sqlalchemy import select

from userpools.auth import keyring
from userpools.store import tables
from userpools.testing import RunningServer


def encodings(secret: bytes) -> set[bytes]:
    """``secret`` as it could sit in a column: raw, base64 (padded or not, std or url-safe), hex."""
    out = {secret, secret.hex().encode(), secret.hex().upper().encode()}
    for encoded in (base64.b64encode(secret), base64.urlsafe_b64encode(secret)):
        out |= {encoded, encoded.rstrip(b"=")}
    return {e for e in out if len(e) >= 8}


async def _dump(live: RunningServer) -> bytes:
    """Every cell of every table: its text, and a blob's bytes as they are."""
    parts: list[bytes] = []
    async with live.app.state.database.unit_of_work(False) as uow:
        for table in tables.metadata.sorted_tables:
            for row in (await uow.conn.execute(select(table))).all():
                for cell in row:
                    parts.append(cell if isinstance(cell, bytes) else repr(cell).encode())
    return b"\n".join(parts)


def _file_bytes(live: RunningServer) -> bytes:
    if live.settings.db:  # PostgreSQL: the table dump above is the whole of it
        return b""
    files = Path(live.settings.data_dir).glob("*.db*")  # the database, its WAL and shared memory
    return b"".join(f.read_bytes() for f in files)


async def _private_keys(live: RunningServer, pool_id: str) -> list[Any]:
    services = live.app.state.services
    async with live.app.state.database.unit_of_work(True) as uow:
        signers = await keyring.signers(uow, services.sealer, services.random, time.time(), pool_id)
    return [signer.key for signer in signers.values()]


def _key_forms(key: Any) -> list[bytes]:
    """A private key as PEM and DER (PKCS#8 and PKCS#1), and its private exponent (JWK ``d``, hex)."""
    forms = []
    for fmt in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        pem = key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption())
        body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
        forms += [
            pem,
            body[:64],
            key.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption()),
        ]
    d = key.private_numbers().d
    forms.append(d.to_bytes((d.bit_length() + 7) // 8, "big"))
    forms.append(str(d).encode())
    return forms


def test_no_secret_is_readable_in_the_database(live: RunningServer, idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="secrets-at-rest")["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id, SoftwareTokenMfaConfiguration={"Enabled": True}, MfaConfiguration="OPTIONAL"
    )
    client = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="confidential",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    public = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="public", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    password = PASSWORD + "-AtRest"
    make_user(idp, pool_id, "alice", password=password, email="alice@example.com")
    tokens = sign_in(idp, public, "alice", password)
    totp_secret = idp.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    code = pyotp.TOTP(totp_secret).now()
    assert idp.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code)["Status"] == "SUCCESS"
    # A refresh token issued after TOTP is set up (the password sign-in above issued one too).
    refresh = tokens["RefreshToken"]

    keys = live.run(_private_keys(live, pool_id))
    secrets: dict[str, list[bytes]] = {
        "client secret": [client["ClientSecret"].encode()],
        "TOTP secret": [totp_secret.encode(), base64.b32decode(totp_secret + "=" * (-len(totp_secret) % 8))],
        "refresh token": [refresh.encode(), refresh.split(".")[-1].encode()],
        "password": [password.encode()],
        "signing key": [form for key in keys for form in _key_forms(key)],
    }
    dump = live.run(_dump(live)) + _file_bytes(live)
    assert client["ClientId"].encode() in dump and pool_id.encode() in dump  # the dump is the real store
    for name, values in secrets.items():
        for value in values:
            for needle in encodings(value):
                assert needle not in dump, f"the {name} is readable in the database ({needle[:24]!r}...)"


async def _credentials(live: RunningServer, pool_id: str) -> tuple[list[Any], list[Any]]:
    async with live.app.state.database.unit_of_work(False) as uow:
        users = select(tables.users.c.id).where(tables.users.c.pool_id == pool_id)
        creds = tables.user_credentials
        rows = (await uow.conn.execute(select(creds).where(creds.c.user_id.in_(users)))).all()
        refresh = tables.refresh_tokens
        hashes = (await uow.conn.execute(select(refresh).where(refresh.c.pool_id == pool_id))).all()
    return list(rows), list(hashes)


def test_passwords_and_refresh_tokens_are_stored_as_verifiers(live: RunningServer, idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName="verifiers")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "bob")
    refresh = sign_in(idp, client_id, "bob")["RefreshToken"]
    credentials, refresh_rows = live.run(_credentials(live, pool_id))
    assert len(credentials) == 1 and len(refresh_rows) == 1
    # SRP: a random salt and the verifier g^x mod N (a 3072-bit number), never the password.
    assert re.fullmatch(r"[0-9a-f]+", credentials[0].salt) and re.fullmatch(
        r"[0-9a-f]+", credentials[0].verifier
    )
    assert len(credentials[0].verifier) > 500
    # The refresh token only as a 256-bit digest (its key column), the token itself nowhere.
    assert re.fullmatch(r"[0-9a-f]{64}", refresh_rows[0].token_hash)
    assert refresh not in repr(refresh_rows)
