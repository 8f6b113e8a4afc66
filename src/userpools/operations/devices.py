"""Remembered devices: ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus, ForgetDevice and the
Admin* forms (AdminGetDevice, AdminListDevices, AdminUpdateDeviceStatus, AdminForgetDevice).

Implements the API reference pages of the same names; the sign-in side is ``auth.devices`` and
``auth.device_srp``. An unknown key, or one of another user, is ResourceNotFoundException "Device does
not exist." (CIJ and Amplify retry on exactly that text). Devices appear once ConfirmDevice has run.
Known differences: ``last_ip_used`` is not recorded (the server does not see client addresses
reliably behind proxies); ConfirmDevice on an already confirmed device replaces its verifier.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from userpools.auth.devices import NOT_REMEMBERED, REMEMBERED, configuration, not_found
from userpools.crypto import srp
from userpools.domain.user import User
from userpools.errors import InvalidParameterException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.self_service import signed_in
from userpools.operations.users_core import load_user
from userpools.protocol.pagination import decode_token, encode_token
from userpools.store.devices import Device

DEFAULT_LIMIT = 60  # the model's maximum Limit


def device_type(device: Device) -> dict[str, Any]:
    """The wire DeviceType (never the verifier)."""
    attributes = [{"Name": "device_status", "Value": "valid"}]
    if device.name:
        attributes.append({"Name": "device_name", "Value": device.name})
    if device.status:
        attributes.append({"Name": "dev:device_remembered_status", "Value": device.status})
    if device.last_ip:
        attributes.append({"Name": "last_ip_used", "Value": device.last_ip})
    out: dict[str, Any] = {
        "DeviceKey": device.key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.modified,
    }
    if device.last_auth is not None:
        out["DeviceLastAuthenticatedDate"] = device.last_auth
    return out


async def _own(ctx: Context, req: dict[str, Any]) -> User:
    """The user behind AccessToken (optional in the model, needed here)."""
    token = req.get("AccessToken")
    if not token:
        raise InvalidParameterException("Missing required parameter AccessToken")
    return (await signed_in(ctx, str(token))).user


async def _admin(ctx: Context, req: dict[str, Any]) -> User:
    pool = await load_pool(ctx, req["UserPoolId"], req["Username"])
    return await load_user(ctx, pool, req["Username"])


async def _device(ctx: Context, user: User, key: str, *, unconfirmed: bool = False) -> Device:
    device = await ctx.uow.devices.get(user.id, key)
    if device is None or (not device.confirmed and not unconfirmed):
        raise not_found()
    return device


def _decoded(value: Any, name: str) -> bytes:
    try:
        raw = base64.b64decode(str(value or ""), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if not raw:
        raise InvalidParameterException(f"DeviceSecretVerifierConfig.{name} must be non-empty base64.")
    return raw


@operation("ConfirmDevice", write=True)
async def confirm_device(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ConfirmDevice: stores the device's SRP verifier; UserConfirmationNecessary per the pool."""
    caller = await signed_in(ctx, req["AccessToken"])
    device = await _device(ctx, caller.user, req["DeviceKey"], unconfirmed=True)
    config = req.get("DeviceSecretVerifierConfig")
    if not config:
        raise InvalidParameterException("Missing required parameter DeviceSecretVerifierConfig")
    verifier = int.from_bytes(_decoded(config.get("PasswordVerifier"), "PasswordVerifier"), "big")
    salt = _decoded(config.get("Salt"), "Salt").hex()
    if verifier % srp.N == 0:
        raise InvalidParameterException(
            "DeviceSecretVerifierConfig.PasswordVerifier is not a valid verifier."
        )
    on_prompt = bool((configuration(caller.pool) or {}).get("DeviceOnlyRememberedOnUserPrompt"))
    status = NOT_REMEMBERED if on_prompt else REMEMBERED
    name = req.get("DeviceName")
    await ctx.uow.devices.confirm(device.key, name, status, salt, format(verifier, "x"), ctx.now)
    return {"UserConfirmationNecessary": on_prompt}


async def _list(ctx: Context, user: User, req: dict[str, Any]) -> dict[str, Any]:
    limit = int(req.get("Limit") or DEFAULT_LIMIT)
    after = decode_token(req.get("PaginationToken"))
    if after is not None and not isinstance(after, str):
        raise InvalidParameterException("Invalid pagination token.")
    found = await ctx.uow.devices.page(user.id, after, limit + 1)
    out: dict[str, Any] = {"Devices": [device_type(d) for d in found[:limit]]}
    if len(found) > limit:
        out["PaginationToken"] = encode_token(found[limit - 1].key)
    return out


async def _update(ctx: Context, user: User, req: dict[str, Any]) -> dict[str, Any]:
    device = await _device(ctx, user, req["DeviceKey"])
    status = req.get("DeviceRememberedStatus")
    if not status:
        raise InvalidParameterException("Missing required parameter DeviceRememberedStatus")
    await ctx.uow.devices.set_status(device.key, str(status), ctx.now)
    return {}


async def _forget(ctx: Context, user: User, key: str) -> dict[str, Any]:
    device = await _device(ctx, user, key)
    await ctx.uow.devices.forget(device.key)
    return {}


@operation("GetDevice", write=False)
async def get_device(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_GetDevice: one of the signed-in user's devices."""
    user = await _own(ctx, req)
    return {"Device": device_type(await _device(ctx, user, req["DeviceKey"]))}


@operation("AdminGetDevice", write=False)
async def admin_get_device(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminGetDevice."""
    user = await _admin(ctx, req)
    return {"Device": device_type(await _device(ctx, user, req["DeviceKey"]))}


@operation("ListDevices", write=False)
async def list_devices(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ListDevices: the signed-in user's devices by key, Limit (default 60) and PaginationToken."""
    return await _list(ctx, await _own(ctx, req), req)


@operation("AdminListDevices", write=False)
async def admin_list_devices(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminListDevices."""
    return await _list(ctx, await _admin(ctx, req), req)


@operation("UpdateDeviceStatus", write=True)
async def update_device_status(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_UpdateDeviceStatus: remembered / not_remembered."""
    return await _update(ctx, await _own(ctx, req), req)


@operation("AdminUpdateDeviceStatus", write=True)
async def admin_update_device_status(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminUpdateDeviceStatus."""
    return await _update(ctx, await _admin(ctx, req), req)


@operation("ForgetDevice", write=True)
async def forget_device(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_ForgetDevice: the device is removed and can no longer answer DEVICE_SRP_AUTH."""
    return await _forget(ctx, await _own(ctx, req), req["DeviceKey"])


@operation("AdminForgetDevice", write=True)
async def admin_forget_device(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """API_AdminForgetDevice."""
    return await _forget(ctx, await _admin(ctx, req), req["DeviceKey"])
