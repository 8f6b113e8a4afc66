"""Remembered devices in sign-in: NewDeviceMetadata, the DEVICE_SRP_AUTH challenge, MFA bypass, refresh.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html
COGNITO-FACTS §3.5. Device tracking needs the pool's DeviceConfiguration and USER_SRP_AUTH (the
password and admin flows never track devices, as in Cognito). After the password (and MFA, if any):

- a DEVICE_KEY of a confirmed device of the user → ``DEVICE_SRP_AUTH`` (the device proves its secret,
  ``auth.device_srp``) and then tokens carrying ``device_key``;
- otherwise a new device is tracked and the AuthenticationResult gets ``NewDeviceMetadata``.

The DEVICE_KEY a PASSWORD_VERIFIER (or MFA) answer carries reaches the outcome code through
``offered`` (a context variable set by ``auth.flows`` around the call, for RespondToAuthChallenge
only), because the answer paths do not pass request parameters on. ``remembered`` tells the MFA code
whether the device lets the user skip MFA (``remembered(ctx, user, offered_key())``).

Known difference: the MFA session does not record which flow started the sign-in, so an MFA answer
of a USER_PASSWORD_AUTH sign-in also tracks a device (Cognito tracks devices for SRP only).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from userpools.auth.gate import Caller
from userpools.auth.sessions import new_state, seal_session, validity_seconds
from userpools.domain.user import User
from userpools.errors import ResourceNotFoundException
from userpools.operations.context import Context
from userpools.store.devices import Device

NOT_FOUND = "Device does not exist."
CHALLENGE = "DEVICE_SRP_AUTH"
VERIFIER_CHALLENGE = "DEVICE_PASSWORD_VERIFIER"
REMEMBERED, NOT_REMEMBERED = "remembered", "not_remembered"
_GROUP_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class _Offer:
    device_key: str | None


# Set only while an SRP answer runs: None outside an SRP sign-in (no device tracking then).
_OFFERED: ContextVar[_Offer | None] = ContextVar("userpools_device_offer", default=None)


@contextlib.contextmanager
def offered(device_key: Any, *, tracked: bool = True) -> Iterator[None]:
    """Marks the enclosed sign-in step as device-tracked (``tracked``), presenting ``device_key`` or none."""
    token = _OFFERED.set(_Offer(str(device_key) if device_key else None) if tracked else None)
    try:
        yield
    finally:
        _OFFERED.reset(token)


def offered_key() -> str | None:
    """The DEVICE_KEY presented with the current SRP sign-in, if any."""
    offer = _OFFERED.get()
    return None if offer is None else offer.device_key


def not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException(NOT_FOUND)


def configuration(pool: dict[str, Any]) -> dict[str, Any] | None:
    config = pool.get("DeviceConfiguration")
    return config if isinstance(config, dict) else None


async def remembered(ctx: Context, user: User, device_key: str | None) -> bool:
    """True when ``device_key`` is a remembered device of ``user`` that replaces MFA.

    That is when the pool's DeviceConfiguration.ChallengeRequiredOnNewDevice is true and the device is
    confirmed and remembered. The device still proves itself (DEVICE_SRP_AUTH) before any token.
    """
    if not device_key:
        return False
    pool = await ctx.uow.pools.get(user.pool_id)
    config = configuration(pool or {})
    if not config or not config.get("ChallengeRequiredOnNewDevice"):
        return False
    device = await ctx.uow.devices.get(user.id, device_key)
    return device is not None and device.confirmed and device.status == REMEMBERED


@dataclass(frozen=True)
class DeviceStep:
    """What the device rules add to a proven sign-in: a challenge instead of tokens, or token extras."""

    challenge: dict[str, Any] | None = None
    device_key: str | None = None  # the access token's device_key claim
    new_metadata: dict[str, str] | None = None


async def before_tokens(ctx: Context, who: Caller, user: User) -> DeviceStep:
    """Called by the outcome code once the user's password (and MFA) is proven, before tokens."""
    offer = _OFFERED.get()
    if offer is None or configuration(who.pool) is None:
        return DeviceStep()
    if offer.device_key:
        device = await ctx.uow.devices.get(user.id, offer.device_key)
        if device is not None and device.confirmed and device.pool_id == who.rules.pool_id:
            return DeviceStep(challenge=await _device_challenge(ctx, who, user, device))
    region = who.rules.pool_id.split("_", 1)[0]
    key = f"{region}_{ctx.random.uuid4()}"
    group_key = "-" + "".join(ctx.random.choice(_GROUP_ALPHABET) for _ in range(9))
    await ctx.uow.devices.insert(key, who.rules.pool_id, user.id, group_key, ctx.now)
    return DeviceStep(device_key=key, new_metadata={"DeviceKey": key, "DeviceGroupKey": group_key})


def add_metadata(result: dict[str, Any], step: DeviceStep) -> dict[str, Any]:
    """The AuthenticationResult with NewDeviceMetadata when a new device was tracked."""
    if step.new_metadata is not None:
        result["NewDeviceMetadata"] = step.new_metadata
    return result


async def _device_challenge(ctx: Context, who: Caller, user: User, device: Device) -> dict[str, Any]:
    state = new_state(ctx, CHALLENGE, who.client, user.id, user.username, device=device.key)
    await ctx.uow.devices.set_pending(device.key, ctx.now + validity_seconds(who.client))
    return {
        "ChallengeName": CHALLENGE,
        "Session": seal_session(ctx, state),
        "ChallengeParameters": {},
    }


async def check_refresh_device(
    ctx: Context, pool: dict[str, Any], user_id: int, device_key: str | None
) -> None:
    """REFRESH_TOKEN_AUTH / GetTokensFromRefreshToken with a DEVICE_KEY: it must be the user's device.

    A pool without DeviceConfiguration tracks no device, and the key is ignored there.
    """
    if not device_key or configuration(pool) is None:
        return
    if await ctx.uow.devices.get(user_id, device_key) is None:
        raise not_found()
