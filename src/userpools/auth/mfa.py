"""Which MFA challenge follows a proven first factor, and issuing it.

https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
The pool's MfaConfiguration (``domain.pool_mfa.enabled_factors``) and the user's factors decide:
- OFF: no challenge. OPTIONAL: a challenge only for users who turned a factor on (or have legacy MFAOptions).
- ON: users without a factor of their own get SMS_MFA when SMS MFA is on and they have a phone number (or
  EMAIL_OTP with an email address when email MFA is on), else MFA_SETUP when TOTP is on (MFAS_CAN_SETUP),
  else MFAMethodNotFoundException.
- One usable factor (or a preferred one) → that challenge; several and no preference → SELECT_MFA_TYPE.
SMS_MFA and EMAIL_OTP codes are six random digits sent with the pool's SmsAuthenticationMessage /
EmailMfaConfiguration (or through the pool's custom sender / CustomMessage_Authentication Lambda trigger);
only a keyed digest of the code travels, sealed inside the Session.
Answers are in ``auth.mfa_answer``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from userpools.auth import mfa_user
from userpools.auth.gate import Caller
from userpools.auth.sessions import ChallengeState, new_state, open_session, seal_session
from userpools.domain import codes, messages
from userpools.domain.pool_mfa import EMAIL, MFA_KEY, enabled_factors
from userpools.domain.user import User
from userpools.errors import MFAMethodNotFoundException, NotAuthorizedException
from userpools.operations.context import Context
from userpools.triggers.delivery import deliver

SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP = mfa_user.SMS, mfa_user.TOTP, mfa_user.EMAIL
SELECT_MFA_TYPE, MFA_SETUP = "SELECT_MFA_TYPE", "MFA_SETUP"
CHALLENGES = frozenset({SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP})
SMS_MESSAGE = "Your authentication code is {####}. "
EMAIL_SUBJECT = "Your sign-in code"
EMAIL_MESSAGE = "Your authentication code is {####}."
CODE_PURPOSE = "mfa-code"
SETUP_PURPOSE = "mfa-setup-session"
NO_METHOD = "No MFA method is available for the user: MFA is required but no factor can be used or set up."


async def challenge(ctx: Context, who: Caller, user: User) -> dict[str, Any] | None:
    """The MFA challenge ``user`` must answer after the first factor, or None when none applies."""
    offered = enabled_factors(who.pool)
    if not offered:
        return None
    usable = [f for f in mfa_user.enabled(user) if f in offered and mfa_user.reachable(user, f)]
    if not usable and who.pool.get("MfaConfiguration") == "ON":
        usable = [f for f in (SMS_MFA, EMAIL_OTP) if f in offered and mfa_user.reachable(user, f)][:1]
        if not usable:
            if SOFTWARE_TOKEN_MFA not in offered:
                raise MFAMethodNotFoundException(NO_METHOD)
            return setup_challenge(ctx, who, user)
    if not usable:
        return None
    choice = mfa_user.preferred(user)
    if choice not in usable:
        choice = usable[0] if len(usable) == 1 else None
    if choice is None:
        state = new_state(ctx, SELECT_MFA_TYPE, who.client, user.id, user.username, m=usable)
        parameters = {"MFAS_CAN_CHOOSE": json.dumps(usable), "USER_ID_FOR_SRP": user.username}
        return _answer(SELECT_MFA_TYPE, seal_session(ctx, state), parameters)
    return await issue(ctx, who, user, choice)


async def issue(
    ctx: Context, who: Caller, user: User, factor: str, name: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA challenge (a code is sent for the first two).

    The code's message goes through the pool's custom sender (CustomSMSSender_ / CustomEmailSender_
    Authentication) or CustomMessage_Authentication trigger when it has one, with the request's
    ClientMetadata. ``name`` and ``extra``: the challenge's name and further sealed state when the code is
    a first factor of USER_AUTH (SMS_OTP / EMAIL_OTP, ``auth.user_auth``).
    """
    if factor == SOFTWARE_TOKEN_MFA:
        state = new_state(ctx, factor, who.client, user.id, user.username)
        return _answer(factor, seal_session(ctx, state), {"USER_ID_FOR_SRP": user.username})
    code = codes.new_code(ctx.random)
    sid = ctx.random.token_bytes(16).hex()
    kind = name or factor
    state = new_state(
        ctx, kind, who.client, user.id, user.username, c=code_digest(ctx, sid, code), i=sid, **extra
    )
    attribute = "phone_number" if factor == SMS_MFA else "email"
    destination = user.attributes[attribute]
    if factor == SMS_MFA:
        subject, template = "", str(who.pool.get("SmsAuthenticationMessage") or SMS_MESSAGE)
    else:
        config = (who.pool.get(MFA_KEY) or {}).get(EMAIL) or {}
        subject, template = config.get("Subject") or EMAIL_SUBJECT, config.get("Message") or EMAIL_MESSAGE
    body = messages.render(template, code=code, username=user.username)
    await deliver(  # Lambda triggers: a custom sender, or CustomMessage_Authentication
        ctx, who.rules, user, codes.channel_of(attribute), destination, "mfa", (subject, body),
        source="CustomMessage_Authentication", code=code, client_metadata=who.client_metadata,
        client_id=who.client_id,
    )  # fmt: skip
    parameters = {
        "CODE_DELIVERY_DELIVERY_MEDIUM": "SMS" if factor == SMS_MFA else "EMAIL",
        "CODE_DELIVERY_DESTINATION": codes.mask(attribute, destination),
    }
    return _answer(kind, seal_session(ctx, state), parameters)


def code_digest(ctx: Context, sid: str, code: str, key: bytes | None = None) -> str:
    """A keyed digest of an SMS / email MFA code, bound to its challenge."""
    key = key or ctx.services.sealer.derive(CODE_PURPOSE)
    return hmac.new(key, f"{sid}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(ctx: Context, sid: str, code: str, digest: str) -> bool:
    """Whether ``code`` is the one of ``digest``, made under the current or a previous master key."""
    return any(
        hmac.compare_digest(code_digest(ctx, sid, code, key), digest)
        for key in ctx.services.sealer.derive_all(CODE_PURPOSE)
    )


def setup_challenge(ctx: Context, who: Caller, user: User) -> dict[str, Any]:
    """MFA_SETUP: the user must associate and verify a software token before getting tokens."""
    state = new_state(ctx, MFA_SETUP, who.client, user.id, user.username)
    parameters = {"MFAS_CAN_SETUP": json.dumps([SOFTWARE_TOKEN_MFA]), "USER_ID_FOR_SRP": user.username}
    return _answer(MFA_SETUP, seal_setup(ctx, state), parameters)


def seal_setup(ctx: Context, state: ChallengeState) -> str:
    """An MFA_SETUP Session. AssociateSoftwareToken / VerifySoftwareToken get no ClientId, so the session
    (sealed, bound to its client) is sealed once more together with the client id."""
    inner = seal_session(ctx, state)
    doc = json.dumps({"c": state.client_id, "s": inner}, separators=(",", ":")).encode()
    return ctx.services.sealer.seal(SETUP_PURPOSE, doc)


def open_setup(ctx: Context, token: str | None, client_id: str | None = None) -> ChallengeState:
    """The live MFA_SETUP state of ``token`` (for ``client_id`` when given), or NotAuthorizedException."""
    raw = ctx.services.sealer.open(SETUP_PURPOSE, token or "")
    try:
        doc = json.loads(raw) if raw is not None else None
        owner, inner = str(doc["c"]), str(doc["s"])  # type: ignore[index]
    except (ValueError, KeyError, TypeError):
        raise NotAuthorizedException("Invalid session for the user.") from None
    if client_id is not None and owner != client_id:
        raise NotAuthorizedException("Invalid session for the user.")
    return open_session(ctx, inner, owner, MFA_SETUP)


def _answer(name: str, session: str, parameters: dict[str, str]) -> dict[str, Any]:
    return {"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}
