"""A user's MFA state: enabled factors, preference, and the sealed software-token (TOTP) secret.

https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html
Stored in ``user.settings`` in wire shape where AdminGetUser / GetUser show it (``UserMFASettingList``,
``PreferredMfaSetting``, legacy ``MFAOptions``, which counts as SMS MFA enabled). The TOTP secret is kept
under the private key ``SoftwareToken`` (``PendingSoftwareToken`` until verified), sealed with AES-GCM under
a purpose key and bound to the user's pool and sub, so it is never readable from the database nor returned
by any operation; ``SoftwareToken`` also records the last accepted time step (no code accepted twice).
"""

from __future__ import annotations

from typing import Any

from userpools.crypto import totp
from userpools.domain.user import User
from userpools.errors import InvalidParameterException
from userpools.operations.context import Context

SMS, TOTP, EMAIL = "SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"
FACTOR_OF_SETTING = {"SMSMfaSettings": SMS, "SoftwareTokenMfaSettings": TOTP, "EmailMfaSettings": EMAIL}
LIST, PREFERRED, OPTIONS = "UserMFASettingList", "PreferredMfaSetting", "MFAOptions"
TOKEN, PENDING = "SoftwareToken", "PendingSoftwareToken"
SECRET_PURPOSE = "totp-secret"
_ORDER = (SMS, TOTP, EMAIL)


def enabled(user: User) -> list[str]:
    """The factors the user turned on, legacy MFAOptions counting as SMS MFA."""
    out = set(user.settings.get(LIST) or [])
    if user.settings.get(OPTIONS):
        out.add(SMS)
    return [f for f in _ORDER if f in out]


def preferred(user: User) -> str | None:
    value = user.settings.get(PREFERRED)
    return str(value) if value else None


def reachable(user: User, factor: str) -> bool:
    """Whether a code for ``factor`` can reach the user (a phone, an email, a verified TOTP secret)."""
    if factor == SMS:
        return bool(user.attributes.get("phone_number"))
    if factor == EMAIL:
        return bool(user.attributes.get("email"))
    return TOKEN in user.settings


def associated(pool_id: str, sub: str) -> bytes:
    """What a user's sealed TOTP secret is bound to (auth/reseal.py re-seals it)."""
    return f"{pool_id}/{sub}".encode()


def _aad(user: User) -> bytes:
    return associated(user.pool_id, user.sub)


def set_pending_secret(ctx: Context, user: User, secret: str) -> None:
    """Keeps a new secret (AssociateSoftwareToken) until VerifySoftwareToken proves the app has it."""
    user.settings[PENDING] = ctx.services.sealer.seal(SECRET_PURPOSE, secret.encode(), _aad(user))


def _open(ctx: Context, user: User, sealed: Any) -> str | None:
    if not isinstance(sealed, str):
        return None
    raw = ctx.services.sealer.open(SECRET_PURPOSE, sealed, _aad(user))
    return raw.decode() if raw is not None else None


def pending_secret(ctx: Context, user: User) -> str | None:
    return _open(ctx, user, user.settings.get(PENDING))


def verify_pending(ctx: Context, user: User, code: str, device_name: str | None) -> bool:
    """Checks ``code`` against the pending secret; on success it becomes the user's software token."""
    secret = pending_secret(ctx, user)
    step = None if secret is None else totp.matching_step(secret, code, ctx.now)
    if step is None:
        return False
    token: dict[str, Any] = {"Secret": user.settings.pop(PENDING), "LastStep": step}
    if device_name:
        token["FriendlyDeviceName"] = device_name
    user.settings[TOKEN] = token
    return True


def accept_code(ctx: Context, user: User, code: str) -> bool:
    """A software-token MFA code: valid now (±1 step) and of a later step than any accepted before."""
    token = user.settings.get(TOKEN) or {}
    secret = _open(ctx, user, token.get("Secret"))
    if secret is None:
        return False
    step = totp.matching_step(secret, code, ctx.now, token.get("LastStep"))
    if step is None:
        return False
    user.settings[TOKEN] = {**token, "LastStep": step}
    return True


def enable(user: User, factor: str, *, prefer: bool) -> None:
    user.settings[LIST] = [f for f in _ORDER if f in {*(user.settings.get(LIST) or []), factor}]
    if prefer:
        user.settings[PREFERRED] = factor


def _disable(user: User, factor: str) -> None:
    remaining = [f for f in user.settings.get(LIST) or [] if f != factor]
    if remaining:
        user.settings[LIST] = remaining
    else:
        user.settings.pop(LIST, None)
    if factor == SMS:
        user.settings.pop(OPTIONS, None)  # legacy MFAOptions are the SMS factor
    if user.settings.get(PREFERRED) == factor:
        user.settings.pop(PREFERRED, None)


def delete_software_token(user: User) -> None:
    """AdminDeleteSoftwareToken: forgets the secret and turns TOTP MFA off."""
    user.settings.pop(TOKEN, None)
    user.settings.pop(PENDING, None)
    _disable(user, TOTP)


def apply_preference(user: User, req: dict[str, Any]) -> None:
    """(Admin)SetUserMFAPreference: turns factors on/off and sets or clears the preferred one."""
    if (req.get("WebAuthnMfaSettings") or {}).get("Enabled"):
        raise InvalidParameterException("WebAuthn MFA is not supported by this server.")
    for member, factor in FACTOR_OF_SETTING.items():
        settings = req.get(member)
        if settings is None:
            continue
        on, prefer = settings.get("Enabled"), bool(settings.get("PreferredMfa"))
        if prefer and on is False:
            raise InvalidParameterException(f"{factor} cannot be preferred while it is being disabled.")
        if on is False:
            _disable(user, factor)
            continue
        if on or prefer:
            _check_reachable(user, factor)
            enable(user, factor, prefer=prefer)
        if not prefer and user.settings.get(PREFERRED) == factor and "PreferredMfa" in settings:
            user.settings.pop(PREFERRED, None)


def _check_reachable(user: User, factor: str) -> None:
    if factor == TOTP and TOKEN not in user.settings:
        raise InvalidParameterException("User has not verified software token mfa")
    if not reachable(user, factor):
        raise InvalidParameterException(f"User does not have delivery config set to turn on {factor}")
