"""Passkey management of the signed-in user: StartWebAuthnRegistration, CompleteWebAuthnRegistration,
ListWebAuthnCredentials, DeleteWebAuthnCredential; and the sign-in options of a user: GetUserAuthFactors,
AdminGetUserAuthFactors.

Implements the API reference pages of the same names; the ceremonies are in ``auth.passkeys``, the sign-in
with a passkey in ``auth.user_auth``. Registration needs WEB_AUTHN among the pool's
SignInPolicy.AllowedFirstAuthFactors (WebAuthnNotEnabledException) and a relying party id
(WebAuthnConfigurationMissingException). The registration challenge is sealed with the user, the app client
of the access token and its expiry (``TIMEOUT_MS``), and can be completed once: completing with a token of
another app client is WebAuthnClientMismatchException, a challenge that is unknown, expired, of another user
or already used is WebAuthnChallengeNotFoundException. A user has at most ``MAX_PASSKEYS`` passkeys
(LimitExceededException).
"""

from __future__ import annotations

import json
from typing import Any

from userpools.auth import passkeys
from userpools.auth.mfa_user import enabled as mfa_enabled
from userpools.auth.mfa_user import preferred as mfa_preferred
from userpools.auth.user_auth import configured_factors
from userpools.domain.user import User
from userpools.errors import (
    InvalidParameterException,
    LimitExceededException,
    ResourceNotFoundException,
    WebAuthnChallengeNotFoundException,
    WebAuthnClientMismatchException,
)
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.self_service import signed_in
from userpools.operations.users_core import load_user
from userpools.protocol.pagination import decode_token, encode_token
from userpools.store.passkeys import Passkey

CHALLENGE_PURPOSE = "webauthn-registration"
MAX_PASSKEYS = 20
DEFAULT_RESULTS = 20  # the model's maximum MaxResults
NO_CHALLENGE = (
    "The passkey registration challenge was not found or has expired: call StartWebAuthnRegistration."
)


@operation("StartWebAuthnRegistration", write=False)
async def start_webauthn_registration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """CredentialCreationOptions for the signed-in user's new passkey (its challenge sealed in itself)."""
    me = await signed_in(ctx, req["AccessToken"])
    passkeys.check_enabled(me.pool)
    rp = await passkeys.relying_party(ctx, me.pool)
    existing = await ctx.uow.passkeys.of_user(me.user.id)
    if len(existing) >= MAX_PASSKEYS:
        raise LimitExceededException(f"A user can register at most {MAX_PASSKEYS} passkeys.")
    sid = ctx.random.token_bytes(16).hex()
    expires = ctx.now + passkeys.TIMEOUT_MS / 1000
    doc = {"u": me.user.id, "c": str(me.client["ClientId"]), "r": rp.id, "e": expires, "s": sid}
    sealed = ctx.services.sealer.seal(CHALLENGE_PURPOSE, json.dumps(doc).encode(), me.pool["Id"].encode())
    options = passkeys.creation_options(
        rp, me.user.sub.encode(), me.user.username, passkeys.unb64url(sealed), existing
    )
    return {"CredentialCreationOptions": options}


@operation("CompleteWebAuthnRegistration", write=True)
async def complete_webauthn_registration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Verifies the RegistrationResponseJSON against its challenge and stores the passkey."""
    me = await signed_in(ctx, req["AccessToken"])
    passkeys.check_enabled(me.pool)
    credential = passkeys.parse_credential(req["Credential"])
    client_data = passkeys.client_data(credential)
    raw = ctx.services.sealer.open(
        CHALLENGE_PURPOSE, passkeys.b64url(client_data.challenge), me.pool["Id"].encode()
    )
    try:
        doc = json.loads(raw) if raw is not None else None
        user_id, client_id, rp_id, expires, sid = doc["u"], doc["c"], doc["r"], float(doc["e"]), str(doc["s"])  # type: ignore[index]
    except (ValueError, KeyError, TypeError):
        raise WebAuthnChallengeNotFoundException(NO_CHALLENGE) from None
    if user_id != me.user.id or ctx.now >= expires:
        raise WebAuthnChallengeNotFoundException(NO_CHALLENGE)
    if client_id != me.client["ClientId"]:
        raise WebAuthnClientMismatchException(
            "The access token is of another app client than the one that started this passkey registration."
        )
    rp = await passkeys.relying_party(ctx, me.pool)
    if rp.id != rp_id:
        raise WebAuthnChallengeNotFoundException(NO_CHALLENGE)  # the pool's relying party changed since
    passkeys.check_origin(rp, str(client_data.origin))
    verified = passkeys.verify_registration(rp, credential, client_data.challenge, str(client_data.origin))
    if not await ctx.uow.auth.use_once(sid, expires):
        raise WebAuthnChallengeNotFoundException(NO_CHALLENGE)
    if await ctx.uow.passkeys.count(me.user.id) >= MAX_PASSKEYS:
        raise LimitExceededException(f"A user can register at most {MAX_PASSKEYS} passkeys.")
    attachment = passkeys.attachment_of(credential)
    credential_id = passkeys.b64url(verified.credential_id)
    key = Passkey(
        credential_id=credential_id,
        pool_id=me.pool["Id"],
        user_id=me.user.id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        friendly_name=_friendly_name(attachment, credential_id),
        relying_party_id=rp.id,
        transports=passkeys.transports_of(credential),
        attachment=attachment,
        created=ctx.now,
    )
    if not await ctx.uow.passkeys.insert(key):
        raise InvalidParameterException("This passkey is already registered in the user pool.")
    return {}


def _friendly_name(attachment: str | None, credential_id: str) -> str:
    kind = {"platform": "Platform passkey", "cross-platform": "Security key"}.get(attachment or "", "Passkey")
    return f"{kind} {credential_id[:8]}"


def _description(key: Passkey) -> dict[str, Any]:
    out: dict[str, Any] = {
        "CredentialId": key.credential_id,
        "FriendlyCredentialName": key.friendly_name,
        "RelyingPartyId": key.relying_party_id,
        "AuthenticatorTransports": key.transports,
        "CreatedAt": key.created,
    }
    if key.attachment:
        out["AuthenticatorAttachment"] = key.attachment
    return out


@operation("ListWebAuthnCredentials", write=False)
async def list_webauthn_credentials(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    me = await signed_in(ctx, req["AccessToken"], pool_doc=False)
    limit = int(req.get("MaxResults") or DEFAULT_RESULTS)
    after = decode_token(req.get("NextToken"))
    if after is not None:
        if not (isinstance(after, list) and len(after) == 2 and isinstance(after[1], str)):
            raise InvalidParameterException("Invalid pagination token.")
        after = (float(after[0]), after[1])
    page = await ctx.uow.passkeys.page(me.user.id, after, limit + 1)
    out: dict[str, Any] = {"Credentials": [_description(k) for k in page[:limit]]}
    if len(page) > limit:
        last = page[limit - 1]
        out["NextToken"] = encode_token([last.created, last.credential_id])
    return out


@operation("DeleteWebAuthnCredential", write=True)
async def delete_webauthn_credential(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    me = await signed_in(ctx, req["AccessToken"], pool_doc=False)
    if not await ctx.uow.passkeys.delete(me.user.id, str(req["CredentialId"])):
        raise ResourceNotFoundException("The passkey credential was not found.")
    return {}


@operation("GetUserAuthFactors", write=False)
async def get_user_auth_factors(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    me = await signed_in(ctx, req["AccessToken"])
    return await _auth_factors(ctx, me.pool, me.user)


@operation("AdminGetUserAuthFactors", write=False)
async def admin_get_user_auth_factors(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    return await _auth_factors(ctx, pool, await load_user(ctx, pool, req["Username"]))


async def _auth_factors(ctx: Context, pool: dict[str, Any], user: User) -> dict[str, Any]:
    out: dict[str, Any] = {"Username": user.username}
    factors = mfa_enabled(user)
    if factors:
        out["UserMFASettingList"] = factors
    preferred = mfa_preferred(user)
    if preferred:
        out["PreferredMfaSetting"] = preferred
    out["ConfiguredUserAuthFactors"] = await configured_factors(ctx, pool, user)
    return out
