"""GetDerivedToken: OAuth 2.0 Token Exchange (RFC 8693) for tokens this pool issued.

API_GetDerivedToken (model documentation): the SubjectToken (an ID or access token of the requesting
client's pool) is exchanged for a new token with the intersection of the requested scopes, the subject's
scopes and the client's AllowedOAuthScopes (the subject's own scopes when none are requested), bound to
one audience or resource server (``aud``). With an ActorToken the new token carries an ``act`` claim
naming the intermediary (RFC 8693 §4.1): ``sub`` and, for app-client tokens, ``client_id``. The new token
keeps the subject's ``origin_jti`` and ``auth_time``, so revoking the subject's session or signing its
user out revokes it too.

Known differences: SAML 2.0 assertions and third-party tokens (``*TokenProviderName``) are refused; an
ID token's scopes are ``openid`` only; the issued token never outlives its subject token; no
PreTokenGeneration trigger runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from userpools.auth.access import grant_of, verified_pool_token
from userpools.auth.keyring import signers
from userpools.auth.tokens import access_claims, id_token_claims, issuer
from userpools.crypto import jwt
from userpools.domain.client_config import validity_seconds
from userpools.domain.user import User
from userpools.errors import InvalidParameterException, NotAuthorizedException
from userpools.operations.context import Context

USES = {"ACCESS_TOKEN": "access", "ID_TOKEN": "id"}
_WORDS = {"ACCESS_TOKEN": "Access Token", "ID_TOKEN": "ID Token"}


@dataclass(frozen=True)
class Presented:
    """A verified subject or actor token: its claims and, for a user's token, the user."""

    claims: dict[str, Any]
    user: User | None
    scopes: list[str]


async def presented_token(
    ctx: Context, pool_id: str, token: str, token_type: str, role: str, *, user_required: bool
) -> Presented:
    """The verified ``role`` ("subject" / "actor") token of ``pool_id``; NotAuthorizedException otherwise."""
    use = USES.get(token_type)
    if use is None:
        raise InvalidParameterException(f"{token_type} {role} tokens are not supported by this server.")
    found = await verified_pool_token(ctx, token, use)
    if found is None or found[0] != pool_id:
        raise NotAuthorizedException(f"Invalid {role} token.")
    claims = found[1]
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or exp <= ctx.now:
        raise NotAuthorizedException(f"The {role} token has expired.")
    scopes = str(claims.get("scope", "")).split() if use == "access" else ["openid"]
    if use == "access" and "username" not in claims:  # a machine (client_credentials) token
        if user_required:
            raise NotAuthorizedException(f"Invalid {role} token: it was not issued to a user.")
        return Presented(claims, None, scopes)
    grant = await grant_of(ctx, pool_id, claims, pool_doc=False, token=_WORDS[token_type])
    return Presented(claims, grant.user, scopes)


def granted_scopes(subject: Presented, client: dict[str, Any], requested: list[str] | None) -> list[str]:
    """Requested ∩ subject ∩ client-allowed; the subject's scopes when none are requested."""
    if not requested:
        return subject.scopes
    allowed = set(client.get("AllowedOAuthScopes") or [])
    granted = [s for s in dict.fromkeys(requested) if s in subject.scopes and s in allowed]
    if not granted:
        raise InvalidParameterException(
            "None of the requested scopes is both in the subject token and allowed for this app client."
        )
    return granted


def actor_claim(actor: Presented) -> dict[str, Any]:
    """RFC 8693 §4.1 ``act``: who acts for the subject (nested when the actor itself was delegated)."""
    claims = actor.claims
    act: dict[str, Any] = {"sub": claims["sub"]}
    client_id = claims.get("client_id") or claims.get("aud")
    if client_id:
        act["client_id"] = client_id
    if isinstance(claims.get("act"), dict):
        act["act"] = claims["act"]
    return act


async def derived_token(
    ctx: Context,
    pool: dict[str, Any],
    client: dict[str, Any],
    subject: Presented,
    *,
    requested_type: str,
    scopes: list[str],
    audience: str | None,
    actor: Presented | None,
) -> dict[str, Any]:
    """The GetDerivedToken response: the new token signed with the pool's key for its kind."""
    assert subject.user is not None  # presented_token(user_required=True)
    user = subject.user
    groups = await ctx.uow.groups.groups_of_user(user.id, pool["Id"])
    iat = int(ctx.now)
    common = {
        "iss": issuer(ctx, pool["Id"]),
        "event_id": ctx.random.uuid4(),
        "auth_time": int(subject.claims.get("auth_time") or iat),
        "iat": iat,
        "origin_jti": subject.claims.get("origin_jti"),
    }
    use = USES[requested_type]
    if use == "access":
        claims = access_claims(user, client, groups, common, scopes, None)
        if audience is not None:
            claims["aud"] = audience
    else:
        claims = id_token_claims(user, client, groups, common)
        if audience is not None:
            claims["aud"] = audience
    validity = validity_seconds(client, "AccessToken" if use == "access" else "IdToken")
    exp = min(iat + validity, int(subject.claims["exp"]))
    claims.update(exp=exp, jti=ctx.random.uuid4())
    if actor is not None:
        claims["act"] = actor_claim(actor)
    keys = await signers(ctx.uow, ctx.services.sealer, ctx.random, ctx.now, pool["Id"])
    result: dict[str, Any] = {
        "IssuedToken": jwt.sign(claims, keys[use].key, keys[use].kid),
        "IssuedTokenType": requested_type,
        "TokenType": "Bearer" if use == "access" else "N_A",
        "ExpiresIn": exp - iat,
    }
    if use == "access":
        result["Scopes"] = scopes
    return result
