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
from dataclasses import dataclass
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
    pending = Pending(me.user.id, str(me.client["ClientId"]), rp.id, ctx.now + passkeys.TIMEOUT_MS / 1000,
                      ctx.random.token_bytes(16).hex())  # fmt: skip
    challenge = passkeys.unb64url(pending.seal(ctx, me.pool["Id"]))
    options = passkeys.creation_options(rp, me.user.sub.encode(), me.user.username, challenge, existing)
    return {"CredentialCreationOptions": options}


@dataclass(frozen=True)
class Pending:
    """A registration started: sealed (bound to the pool) into the challenge itself."""

    user_id: int
    client_id: str
    rp_id: str
    expires: float
    sid: str  # random id, recorded once completed

    def seal(self, ctx: Context, pool_id: str) -> str:
        doc = json.dumps([self.user_id, self.client_id, self.rp_id, self.expires, self.sid]).encode()
        return ctx.services.sealer.seal(CHALLENGE_PURPOSE, doc, pool_id.encode())

    @staticmethod
    def open(ctx: Context, pool_id: str, challenge: bytes) -> Pending:
        raw = ctx.services.sealer.open(CHALLENGE_PURPOSE, passkeys.b64url(challenge), pool_id.encode())
        try:
            user_id, client_id, rp_id, expires, sid = json.loads(raw or b"")
            return Pending(int(user_id), str(client_id), str(rp_id), float(expires), str(sid))
        except (ValueError, TypeError):
            raise WebAuthnChallengeNotFoundException(NO_CHALLENGE) from None


@operation("CompleteWebAuthnRegistration", write=True)
async def complete_webauthn_registration(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Verifies the RegistrationResponseJSON against its challenge and stores the passkey."""
    me = await signed_in(ctx, req["AccessToken"])
    passkeys.check_enabled(me.pool)
    credential = passkeys.parse_credential(req["Credential"])
    client_data = passkeys.client_data(credential)
    pending = Pending.open(ctx, me.pool["Id"], client_data.challenge)
    if pending.user_id != me.user.id or ctx.now >= pending.expires:
        raise WebAuthnChallengeNotFoundException(NO_CHALLENGE)
    if pending.client_id != me.client["ClientId"]:
        raise WebAuthnClientMismatchException(
            "The access token is of another app client than the one that started this passkey registration."
        )
    rp = await passkeys.relying_party(ctx, me.pool)
    if rp.id != pending.rp_id:
        raise WebAuthnChallengeNotFoundException(NO_CHALLENGE)  # the pool's relying party changed since
    passkeys.check_origin(rp, str(client_data.origin))
    verified = passkeys.verify_registration(rp, credential, client_data.challenge, str(client_data.origin))
    if not await ctx.uow.auth.use_once(pending.sid, pending.expires):
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
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
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
