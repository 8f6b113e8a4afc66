"""Issuing ID, access and refresh tokens: the AuthenticationResult of every successful sign-in.

Claims follow the developer guide pages "Understanding the identity (ID) token" and "Understanding the
access token" (COGNITO-FACTS §4.2/4.3): ``*_verified`` attributes are JSON booleans, custom attributes
strings, ``dev:`` attributes never appear, and the ID token carries only the client's ReadAttributes.
Each token is signed once (RS256, ~1 ms each). Refresh tokens are opaque random strings stored as
SHA-256 digests (``auth.refresh``).

Known differences: Cognito's refresh tokens are JWEs; ours are 64 base64url characters (clients treat
both as opaque). The PreTokenGeneration trigger runs in ``mint`` (triggers/tokens.py).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from typing import Any

from userpools.auth import keyring, user_sessions
from userpools.domain.client_config import validity_seconds
from userpools.domain.identities import token_claim
from userpools.domain.user import User
from userpools.operations.context import Context
from userpools.store.refresh_tokens import StoredRefreshToken
from userpools.triggers.tokens import pre_token_generation

ADMIN_SCOPE = "aws.cognito.signin.user.admin"
REFRESH_TOKEN_BYTES = 48
# Revoked families are remembered this long past the refresh token's expiry: access tokens issued
# from it (valid up to a day) must keep failing as revoked.
_PURGE_ONE_IN = 16
_FORGET_AFTER = 86400.0


def issuer(ctx: Context, pool_id: str) -> str:
    return ctx.settings.issuer_of(pool_id)


def refresh_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revocation_enabled(client: dict[str, Any]) -> bool:
    return bool(client.get("EnableTokenRevocation", True))


async def issue_tokens(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    user: User,
    *,
    source: str,
    auth_time: float | None = None,
    device_key: str | None = None,
    scopes: list[str] | None = None,
    with_refresh: bool = True,
    client_metadata: dict[str, str] | None = None,
    nonce: str | None = None,
    origin_jti: str | None = None,
    origin_session_id: str | None = None,
) -> dict[str, Any]:
    """The wire AuthenticationResult for ``user`` signing in to ``client`` (call in a writing unit of work).

    ``source`` is the PreTokenGeneration trigger source (TokenGeneration_Authentication, ...).
    ``scopes`` are OAuth scopes (default: the API scope ``aws.cognito.signin.user.admin``); an ID token
    is issued only when ``openid`` is among them or no scopes are given. ``client_metadata`` goes to the
    PreTokenGeneration trigger. The OAuth endpoints (``userpools.oauth2``) also pass the authorize
    request's ``nonce`` (ID token claim) and the family id ``origin_jti`` they record; a code redeemed from
    a tracked hosted session passes that SSO session as ``origin_session_id``.
    """
    auth_time = ctx.now if auth_time is None else auth_time
    origin_jti = origin_jti or ctx.random.uuid4()
    result = await mint(
        ctx,
        pool,
        client,
        user,
        source=source,
        origin_jti=origin_jti,
        auth_time=auth_time,
        device_key=device_key,
        scopes=scopes,
        refresh_token=None,
        client_metadata=client_metadata,
        nonce=nonce,
    )
    if with_refresh:
        # Stored after minting, so the PreTokenGeneration trigger (up to 5 s) runs before the sign-in's
        # first write and holds up no other writer (docs/faults.md).
        result["RefreshToken"] = await new_refresh_token(
            ctx,
            pool,
            client,
            user,
            origin_jti=origin_jti,
            auth_time=auth_time,
            device_key=device_key,
            scopes=scopes,
        )
        if user_sessions.tracking(pool):  # one dict lookup when tracking is off (the default)
            expires = ctx.now + validity_seconds(client, "RefreshToken")
            await user_sessions.start_token_session(
                ctx, pool, client["ClientId"], user.id, origin_jti, expires, origin_session_id
            )
    return result


async def new_refresh_token(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    user: User,
    *,
    origin_jti: str,
    auth_time: float,
    device_key: str | None,
    scopes: list[str] | None,
) -> str:
    """Stores (hashed) and returns a new refresh token of the family ``origin_jti``."""
    now = ctx.now
    token = base64.urlsafe_b64encode(ctx.random.token_bytes(REFRESH_TOKEN_BYTES)).decode().rstrip("=")
    record = StoredRefreshToken(
        pool_id=pool["Id"],
        user_id=user.id,
        client_id=client["ClientId"],
        origin_jti=origin_jti,
        device_key=device_key,
        scopes=list(scopes) if scopes is not None else [],
        auth_time=auth_time,
        created=now,
        expires=now + validity_seconds(client, "RefreshToken"),
        revoked=None,
        rotated_until=None,
    )
    repo = ctx.uow.refresh_tokens
    # Forgetting the user's long-expired tokens on about one issuance in 16 keeps their rows bounded
    # without a DELETE on every sign-in.
    if ctx.random.token_bytes(1)[0] < 256 // _PURGE_ONE_IN:
        await repo.purge_expired(user.id, now - _FORGET_AFTER)
    await repo.insert(refresh_token_hash(token), record)
    return token


async def mint(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    user: User,
    *,
    source: str,
    origin_jti: str,
    auth_time: float,
    device_key: str | None,
    scopes: list[str] | None,
    refresh_token: str | None,
    client_metadata: dict[str, str] | None = None,
    nonce: str | None = None,
) -> dict[str, Any]:
    """Signs the ID and access tokens of one authentication event (``source``: the PreTokenGeneration one)."""
    services = ctx.services
    groups = await ctx.uow.groups.groups_of_user(user.id, pool["Id"])
    iat = int(ctx.now)
    common = {
        "iss": issuer(ctx, pool["Id"]),
        "event_id": ctx.random.uuid4(),
        "auth_time": int(auth_time),
        "iat": iat,
        "origin_jti": origin_jti if revocation_enabled(client) else None,
    }
    access_validity = validity_seconds(client, "AccessToken")
    access = access_claims(user, client, groups, common, scopes, device_key)
    access.update(exp=iat + access_validity, jti=ctx.random.uuid4())
    id_claims = None
    if scopes is None or "openid" in scopes:
        id_claims = id_token_claims(user, client, groups, common)
        id_claims.update(exp=iat + validity_seconds(client, "IdToken"), jti=ctx.random.uuid4())
        if nonce:  # OIDC: the authorize request's nonce (PreTokenGeneration can't change it)
            id_claims["nonce"] = nonce
    await pre_token_generation(  # Lambda trigger: PreTokenGeneration may change both claim sets
        ctx, pool, user, source, client_id=client["ClientId"], access=access, id_claims=id_claims,
        client_metadata=client_metadata,
    )  # fmt: skip
    # After the trigger: a pool's first sign-in creates its keys, a write no slow function should hold.
    signers = await keyring.signers(ctx.uow, services.sealer, services.random, ctx.now, pool["Id"])
    jobs = [(access, signers["access"].key, signers["access"].kid)]
    if id_claims is not None:
        jobs.append((id_claims, signers["id"].key, signers["id"].kid))
    signed = await services.signing.sign(jobs)  # on the loop or a worker thread (auth/signing.py)
    result: dict[str, Any] = {"AccessToken": signed[0], "ExpiresIn": access_validity, "TokenType": "Bearer"}
    if id_claims is not None:
        result["IdToken"] = signed[1]
    if refresh_token is not None:
        result["RefreshToken"] = refresh_token
    return result


def _group_claims(groups: list[dict[str, Any]]) -> dict[str, Any]:
    """cognito:groups (precedence order), cognito:roles and cognito:preferred_role.

    The preferred role is the role of the best-ranked group that has one; when several groups share
    that best precedence with different roles there is none (developer guide, "Adding groups").
    """
    if not groups:
        return {}
    out: dict[str, Any] = {"cognito:groups": [g["GroupName"] for g in groups]}
    with_roles = [g for g in groups if g.get("RoleArn")]
    if with_roles:
        out["cognito:roles"] = list(dict.fromkeys(g["RoleArn"] for g in with_roles))
        best = with_roles[0].get("Precedence")
        tied = {g["RoleArn"] for g in with_roles if g.get("Precedence") == best}
        if len(tied) == 1:
            out["cognito:preferred_role"] = with_roles[0]["RoleArn"]
    return out


def _claim_value(name: str, value: str) -> Any:
    if name.endswith("_verified"):
        return value.lower() == "true"
    if name == "identities":  # the attribute's JSON, every value a string as in Cognito's ID tokens
        return token_claim(value)
    return value


def readable(client: dict[str, Any], names: Iterable[str]) -> list[str]:
    """The attributes of ``names`` the client may read (all of them when ReadAttributes is not set)."""
    allowed = client.get("ReadAttributes")
    return [n for n in names if not n.startswith("dev:") and (allowed is None or n in allowed)]


def id_token_claims(
    user: User, client: dict[str, Any], groups: list[dict[str, Any]], common: dict[str, Any]
) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": user.sub, **_group_claims(groups)}
    for name in readable(client, user.attributes):
        if name != "sub" and user.attributes[name] != "":
            claims[name] = _claim_value(name, user.attributes[name])
    claims.update(
        {
            "iss": common["iss"],
            "cognito:username": user.username,
            "origin_jti": common["origin_jti"],
            "aud": client["ClientId"],
            "event_id": common["event_id"],
            "token_use": "id",
            "auth_time": common["auth_time"],
            "iat": common["iat"],
        }
    )
    return {k: v for k, v in claims.items() if v is not None}


def access_claims(
    user: User,
    client: dict[str, Any],
    groups: list[dict[str, Any]],
    common: dict[str, Any],
    scopes: list[str] | None,
    device_key: str | None,
) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": user.sub, "device_key": device_key}
    if groups:
        claims["cognito:groups"] = [g["GroupName"] for g in groups]
    claims.update(
        {
            "iss": common["iss"],
            "client_id": client["ClientId"],
            "origin_jti": common["origin_jti"],
            "event_id": common["event_id"],
            "token_use": "access",
            "scope": " ".join(scopes) if scopes is not None else ADMIN_SCOPE,
            "auth_time": common["auth_time"],
            "iat": common["iat"],
            "username": user.username,
        }
    )
    if scopes is not None:
        claims["version"] = 2  # tokens of the OAuth 2.0 endpoints carry it (COGNITO-FACTS §4.3)
    return {k: v for k, v in claims.items() if v is not None}
