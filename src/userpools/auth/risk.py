"""Threat protection in the sign-in: risk assessment, its actions, and the auth events it records.

https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-adaptive-authentication.html
Nothing here runs for a pool whose UserPoolAddOns AdvancedSecurityMode is OFF (the default), so the sign-in
costs no more than before. AUDIT assesses and records; ENFORCED also acts (blocks, asks for MFA, notifies).
The deterministic rules are in docs/threat-protection.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from userpools.auth import mfa, mfa_user, risk_notify
from userpools.auth.breached import is_breached
from userpools.auth.gate import Caller
from userpools.auth.risk_signals import Signals, signals_of
from userpools.domain import risk_config
from userpools.domain.pool_mfa import enabled_factors
from userpools.domain.user import User
from userpools.errors import InvalidPasswordException, NotAuthorizedException, ServiceError
from userpools.operations.context import Context
from userpools.store.risk import POOL_WIDE, AuthEvent

OFF, AUDIT, ENFORCED = "OFF", "AUDIT", "ENFORCED"
BLOCKED = "Unable to login because of security reasons."
COMPROMISED = "The password was found in a list of breached passwords; choose another one."
HISTORY = 50  # earlier events a sign-in is compared with
FAILURE_WINDOW = 3600.0  # failed sign-ins in the last hour
FAILURES_THAT_COUNT = 3
MFA_ACTIONS = frozenset({"MFA_IF_CONFIGURED", "MFA_REQUIRED"})
PASSWORD_OK = {"ChallengeName": "Password", "ChallengeResponse": "Success"}
PASSWORD_WRONG = {"ChallengeName": "Password", "ChallengeResponse": "Failure"}


def mode(pool: dict[str, Any]) -> str:
    return str((pool.get("UserPoolAddOns") or {}).get("AdvancedSecurityMode") or OFF)


@dataclass
class Verdict:
    """A sign-in's assessment: the event to record and, in ENFORCED mode, the action to take."""

    event: AuthEvent
    config: dict[str, Any]
    signals: Signals
    action: str = "NO_ACTION"  # BLOCK, MFA_IF_CONFIGURED, MFA_REQUIRED, NO_ACTION
    notify: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


async def _config(ctx: Context, who: Caller) -> dict[str, Any]:
    found = await ctx.uow.risk.effective(who.rules.pool_id, who.client_id)
    return found[1] if found is not None else {}


def _level(history: list[AuthEvent], signals: Signals, now: float) -> str | None:
    """Low / Medium / High from the three signals, None (no risk) when none fires or there is no baseline."""
    known = [e for e in history if e.event_type == "SignIn" and e.response == "Pass"]
    if not known:
        return None  # a user's first sign-in has nothing to be compared with
    new_ip = bool(signals.ip) and signals.ip not in {e.ip for e in known}
    new_device = bool(signals.device) and signals.device not in {e.device for e in known}
    last_pass = max(e.created for e in known)
    failures = sum(
        1 for e in history if e.response == "Fail" and e.created > max(last_pass, now - FAILURE_WINDOW)
    )
    score = int(new_ip) + int(new_device) + int(failures >= FAILURES_THAT_COUNT)
    return (None, "Low", "Medium", "High")[score]


async def assess(
    ctx: Context, who: Caller, user: User, password: str | None, *, failed: bool = False
) -> Verdict | None:
    """The assessment of a sign-in of ``user`` (``password`` when the flow carries it); None when off."""
    current = mode(who.pool)
    if current == OFF:
        return None
    config = await _config(ctx, who)
    signals = signals_of(who.context_data, ctx.source_ip)
    history = await ctx.uow.risk.events(user.id, HISTORY)
    compromised = password is not None and is_breached(password)
    exception = risk_config.ip_exception(config, signals.ip)
    level = _level(history, signals, ctx.now) if exception is None else None
    decision = "Block" if exception == "blocked" else ("AccountTakeover" if level else "NoRisk")
    event = AuthEvent(
        event_id=ctx.random.uuid4(),
        user_id=user.id,
        created=ctx.now,
        event_type="SignIn",
        response="Fail" if failed else "InProgress",
        risk_decision=decision,
        risk_level="High" if exception == "blocked" else (level or "Low"),
        compromised=compromised,
        challenges=[PASSWORD_WRONG if failed else PASSWORD_OK],
        context=signals.event_context(),
        ip=signals.ip or None,
        device=signals.device or None,
    )
    verdict = Verdict(event, config, signals)
    if current != ENFORCED or failed:
        return verdict
    if exception == "blocked" or (
        compromised and risk_config.compromised_action(config, "SIGN_IN") == "BLOCK"
    ):
        verdict.action = "BLOCK"
    elif level is not None:
        chosen = risk_config.takeover_action(config, level)
        verdict.action, verdict.notify = str(chosen["EventAction"]), bool(chosen.get("Notify"))
    return verdict


async def refuse(ctx: Context, who: Caller, user: User, verdict: Verdict) -> ServiceError:
    """Records a blocked sign-in (and notifies); ``raise await refuse(...)``: the event still commits."""
    verdict.event.response = "Fail"
    await record(ctx, who, user, verdict)
    if verdict.notify:
        await risk_notify.notify(ctx, who, user, verdict.event, verdict.config, "BlockEmail")
    return ctx.fail_after_commit(NotAuthorizedException(BLOCKED))


async def check(ctx: Context, who: Caller, user: User, password: str | None) -> Verdict | None:
    """After a proven password: the verdict, or the refusal of a blocked sign-in."""
    verdict = await assess(ctx, who, user, password)
    if verdict is not None and verdict.action == "BLOCK":
        raise await refuse(ctx, who, user, verdict)
    return verdict


async def failed(ctx: Context, who: Caller, user: User, error: ServiceError) -> ServiceError:
    """A wrong password: records the failed event (when on) and returns ``error`` to raise."""
    verdict = await assess(ctx, who, user, None, failed=True)
    if verdict is not None:
        await record(ctx, who, user, verdict)
    return error


async def record(ctx: Context, who: Caller, user: User, verdict: Verdict) -> None:
    """Stores the event (one INSERT in the sign-in's transaction) and exports it to the pool's logs."""
    await ctx.uow.risk.add_event(verdict.event)
    risk_notify.export(ctx, who.pool, user, verdict.event)


async def finished(ctx: Context, who: Caller, user: User, verdict: Verdict, result: dict[str, Any]) -> None:
    """Records the sign-in's event once its next step is known: a challenge (InProgress) or tokens (Pass)."""
    verdict.event.response = "InProgress" if result.get("ChallengeName") else "Pass"
    await record(ctx, who, user, verdict)
    if verdict.notify:
        kind = "MfaEmail" if verdict.action.startswith("MFA") else "NoActionEmail"
        await risk_notify.notify(ctx, who, user, verdict.event, verdict.config, kind)


async def adaptive_mfa(ctx: Context, who: Caller, user: User, verdict: Verdict) -> dict[str, Any] | None:
    """Adaptive MFA for a user with no MFA turned on: a factor they have (a phone for SMS, a verified
    software token, an email address for EMAIL_OTP) among those the pool offers. None lets
    MFA_IF_CONFIGURED through; MFA_REQUIRED without any factor is refused."""
    offered = enabled_factors(who.pool)
    usable = [
        f
        for f in (mfa.SMS_MFA, mfa.SOFTWARE_TOKEN_MFA, mfa.EMAIL_OTP)
        if f in offered and mfa_user.reachable(user, f)
    ]
    if usable:
        preferred = mfa_user.preferred(user)
        return await mfa.issue(ctx, who, user, preferred if preferred in usable else usable[0])
    if verdict.action == "MFA_REQUIRED":
        raise await refuse(ctx, who, user, verdict)
    return None


async def second_factor(ctx: Context, who: Caller, user: User, passed: bool) -> None:
    """An MFA answer: completes the user's InProgress sign-in event (Pass, or Fail on a wrong code)."""
    if mode(who.pool) == OFF:
        return
    latest = await ctx.uow.risk.events(user.id, 1)
    if not latest or latest[0].response != "InProgress" or latest[0].event_type != "SignIn":
        return
    event = latest[0]
    event.challenges = [
        *event.challenges,
        {"ChallengeName": "Mfa", "ChallengeResponse": "Success" if passed else "Failure"},
    ]
    event.response = "Pass" if passed else "Fail"
    await ctx.uow.risk.finish_event(event)
    risk_notify.export(ctx, who.pool, user, event)


async def check_new_password(
    ctx: Context, pool: dict[str, Any], client_id: str | None, password: str, event: str
) -> None:
    """Compromised credentials at SIGN_UP / PASSWORD_CHANGE: a breached password is refused when the
    pool enforces threat protection and its configuration blocks that event."""
    if mode(pool) != ENFORCED or not is_breached(password):
        return
    found = await ctx.uow.risk.effective(str(pool["Id"]), client_id or POOL_WIDE)
    config = found[1] if found is not None else {}
    if risk_config.compromised_action(config, event) == "BLOCK":
        raise InvalidPasswordException(COMPROMISED)


async def record_event(
    ctx: Context,
    pool: dict[str, Any],
    user: User,
    event_type: str,
    response: str,
    context_data: dict[str, Any] | None = None,
    password: str | None = None,
) -> None:
    """An auth event other than a sign-in (SignUp, ForgotPassword, PasswordChange, ResendCode): recorded
    with no risk (their risk is the compromised password, refused earlier by ``check_new_password``)."""
    if mode(pool) == OFF:
        return
    signals = signals_of(context_data, ctx.source_ip)
    event = AuthEvent(
        event_id=ctx.random.uuid4(),
        user_id=user.id,
        created=ctx.now,
        event_type=event_type,
        response=response,
        risk_decision="NoRisk",
        risk_level="Low",
        compromised=password is not None and is_breached(password),
        context=signals.event_context(),
        ip=signals.ip or None,
        device=signals.device or None,
    )
    await ctx.uow.risk.add_event(event)
    risk_notify.export(ctx, pool, user, event)
