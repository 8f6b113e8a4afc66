"""Passkeys (WebAuthn): a pool's relying party, and the registration and authentication ceremonies.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_WebAuthnConfigurationType.html
The attestation and assertion checks are py_webauthn's (W3C WebAuthn level 2/3): client data type,
challenge, origin, RP id hash, user presence and verification, the signature and the signature counter.
- Relying party: the pool's WebAuthnConfiguration.RelyingPartyId (SetUserPoolMfaConfig), else its custom
  domain, else its prefix domain's host as this server reports it; none: WebAuthnConfigurationMissing.
  UserVerification ``required`` makes the UV flag mandatory (default ``preferred``).
- Origins: the client data's origin must be https (http only for localhost / loopback) on the RP id or a
  subdomain of it, as WebAuthn requires of browsers; else WebAuthnOriginNotAllowedException.
- Challenges are random (32 bytes) and sealed: the registration one in the challenge itself (the user, app
  client and expiry, answered once), the sign-in one inside the WEB_AUTHN Session.
Known difference: attestation statements are checked but not trusted to any root (``attestation: none``
is asked for), and FriendlyCredentialName is made up here from the authenticator attachment.
"""

from __future__ import annotations

import base64
import ipaddress
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import webauthn
from webauthn.helpers import exceptions as wa_errors
from webauthn.helpers import parse_client_data_json
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from userpools.domain.pool_mfa import MFA_KEY, WEBAUTHN
from userpools.errors import (
    InvalidParameterException,
    WebAuthnConfigurationMissingException,
    WebAuthnNotEnabledException,
    WebAuthnOriginNotAllowedException,
    WebAuthnRelyingPartyMismatchException,
)
from userpools.operations.context import Context
from userpools.store.passkeys import Passkey

TIMEOUT_MS = 180_000
CHALLENGE_BYTES = 32
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


@dataclass(frozen=True)
class RelyingParty:
    id: str
    name: str
    user_verification: str  # required | preferred

    @property
    def uv_required(self) -> bool:
        return self.user_verification == "required"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def allowed_first_factors(pool: dict[str, Any]) -> list[str]:
    policy = (pool.get("Policies") or {}).get("SignInPolicy") or {}
    return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])


def check_enabled(pool: dict[str, Any]) -> None:
    """Passkeys are on when the pool's SignInPolicy allows WEB_AUTHN as a first factor."""
    if "WEB_AUTHN" not in allowed_first_factors(pool):
        raise WebAuthnNotEnabledException(
            "Passkeys are not enabled for this user pool: add WEB_AUTHN to Policies.SignInPolicy."
            "AllowedFirstAuthFactors."
        )


async def relying_party(ctx: Context, pool: dict[str, Any]) -> RelyingParty:
    config = (pool.get(MFA_KEY) or {}).get(WEBAUTHN) or {}
    uv = str(config.get("UserVerification") or "preferred")
    name = str(pool.get("Name") or pool["Id"])
    if config.get("RelyingPartyId"):
        return RelyingParty(str(config["RelyingPartyId"]).lower(), name, uv)
    domains = await ctx.uow.domains.of_pool(pool["Id"])
    custom = [d["domain"] for d in domains if d["custom"]]
    if custom:
        return RelyingParty(custom[0].lower(), name, uv)
    if domains:
        settings = ctx.settings
        if settings.domains_by_host:
            region = str(pool["Id"]).partition("_")[0]
            host = f"{domains[0]['domain']}.auth.{region}.{settings.domain_base_host}"
        else:  # prefix domains are served path-style on this server's own host
            host = urlsplit(settings.base_url).hostname or "localhost"
        return RelyingParty(host.lower(), name, uv)
    raise WebAuthnConfigurationMissingException(
        "The user pool has no relying party id for passkeys: set WebAuthnConfiguration.RelyingPartyId "
        "with SetUserPoolMfaConfig, or add a domain to the user pool."
    )


def _uv(rp: RelyingParty) -> UserVerificationRequirement:
    return UserVerificationRequirement.REQUIRED if rp.uv_required else UserVerificationRequirement.PREFERRED


def _descriptors(keys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=unb64url(k.credential_id),
            transports=[AuthenticatorTransport(t) for t in k.transports if t in _TRANSPORTS],
        )
        for k in keys
    ]


def creation_options(
    rp: RelyingParty, user_handle: bytes, username: str, challenge: bytes, existing: list[Passkey]
) -> dict[str, Any]:
    """PublicKeyCredentialCreationOptionsJSON for StartWebAuthnRegistration (a discoverable credential)."""
    options = webauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_handle,
        user_name=username,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, require_resident_key=True, user_verification=_uv(rp)
        ),
        exclude_credentials=_descriptors(existing),
    )
    return dict(json.loads(webauthn.options_to_json(options)))


def request_options(rp: RelyingParty, challenge: bytes, keys: list[Passkey]) -> str:
    """PublicKeyCredentialRequestOptionsJSON (as a JSON string: CREDENTIAL_REQUEST_OPTIONS)."""
    options = webauthn.generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(keys),
        user_verification=_uv(rp),
    )
    return str(webauthn.options_to_json(options))


def client_data(credential: dict[str, Any]) -> Any:
    """The parsed clientDataJSON of a credential, or InvalidParameterException."""
    try:
        raw = unb64url(str(credential["response"]["clientDataJSON"]))
        return parse_client_data_json(raw)
    except (KeyError, TypeError, ValueError, wa_errors.WebAuthnException) as exc:
        raise InvalidParameterException(f"The credential's clientDataJSON is malformed: {exc}") from None


def check_origin(rp: RelyingParty, origin: str) -> None:
    """The origin must be the RP id or a subdomain of it, over https (http for local hosts)."""
    parts = urlsplit(origin)
    host = (parts.hostname or "").lower()
    local = host == "localhost" or host.endswith(".localhost") or _loopback(host)
    same_site = host == rp.id or host.endswith("." + rp.id)
    if not same_site or not (parts.scheme == "https" or (parts.scheme == "http" and local)):
        raise WebAuthnOriginNotAllowedException(
            f"The passkey's origin {origin!r} is not allowed for the relying party id {rp.id!r}."
        )


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_credential(value: Any) -> dict[str, Any]:
    """A credential given as a JSON document or a JSON string (CREDENTIAL), as an object."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict) or not isinstance(value.get("response"), dict) or not value.get("id"):
        raise InvalidParameterException("The credential must be a WebAuthn PublicKeyCredential JSON object.")
    return value


def verify_registration(rp: RelyingParty, credential: dict[str, Any], challenge: bytes, origin: str) -> Any:
    """py_webauthn's VerifiedRegistration; RP mismatches and other failures as Cognito's errors."""
    try:
        return webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=origin,
            require_user_verification=rp.uv_required,
        )
    except wa_errors.InvalidRegistrationResponse as exc:
        if "RP ID hash" in str(exc):
            raise WebAuthnRelyingPartyMismatchException(
                f"The passkey was created for another relying party than {rp.id!r}."
            ) from None
        raise InvalidParameterException(f"The passkey registration is not valid: {exc}") from None
    except (wa_errors.WebAuthnException, KeyError, TypeError, ValueError) as exc:
        raise InvalidParameterException(f"The passkey registration is not valid: {exc}") from None


def verify_assertion(
    rp: RelyingParty,
    credential: dict[str, Any],
    challenge: bytes,
    origin: str,
    key: Passkey,
    require_uv: bool,
) -> int | None:
    """The assertion's new signature counter, or None when it does not prove the passkey."""
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=origin,
            credential_public_key=key.public_key,
            credential_current_sign_count=key.sign_count,
            require_user_verification=require_uv,
        )
    except (wa_errors.WebAuthnException, KeyError, TypeError, ValueError):
        return None
    return int(verified.new_sign_count)


def attachment_of(credential: dict[str, Any]) -> str | None:
    value = credential.get("authenticatorAttachment")
    return str(value) if value in ("platform", "cross-platform") else None


def transports_of(credential: dict[str, Any]) -> list[str]:
    given = (credential.get("response") or {}).get("transports") or []
    return [str(t) for t in given if isinstance(t, str)][:10]
