"""Repository for remembered devices (issue 4 §2) and their SRP verifiers.

A device is keyed by its DeviceKey (``<region>_<uuid4>``, unique across pools) and always looked up
together with its user, so one user's key never reaches another user's device. A user's devices are
keyset-paged by key on ``ix_devices_user_id_device_key``. The verifier lives in ``device_secrets`` and
is read only through ``secret_of``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, bindparam, delete, insert, select, update

from userpools.store.connection import Conn
from userpools.store.tables import device_secrets, devices


@dataclass(frozen=True)
class Device:
    key: str
    pool_id: str
    user_id: int
    group_key: str
    name: str | None
    status: str | None
    confirmed: bool
    last_ip: str | None
    created: float
    modified: float
    last_auth: float | None
    pending_until: float | None


def _device(row: Any) -> Device:
    m = row._mapping
    return Device(m["device_key"], m["pool_id"], m["user_id"], m["group_key"], m["name"], m["status"],
                  bool(m["confirmed"]), m["last_ip"], m["created"], m["modified"], m["last_auth"],
                  m["pending_until"])  # fmt: skip


# Read on every sign-in that presents a DEVICE_KEY.
_GET = select(devices).where(
    devices.c.device_key == bindparam("key"), devices.c.user_id == bindparam("user_id")
)
_SECRET = select(device_secrets.c.salt, device_secrets.c.verifier).where(
    device_secrets.c.device_key == bindparam("key")
)


class DeviceRepo:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def insert(self, key: str, pool_id: str, user_id: int, group_key: str, now: float) -> None:
        """Tracks a new, unconfirmed device of the user."""
        values = {"device_key": key, "pool_id": pool_id, "user_id": user_id, "group_key": group_key,
                  "confirmed": False, "created": now, "modified": now, "last_auth": now}  # fmt: skip
        await self.conn.execute(insert(devices).values(**values))

    async def get(self, user_id: int, key: str) -> Device | None:
        """The user's device of that key (confirmed or not), or None."""
        row = (await self.conn.execute(_GET, {"key": key, "user_id": user_id})).first()
        return None if row is None else _device(row)

    async def secret_of(self, key: str) -> tuple[str, str] | None:
        """Privileged: ``(salt hex, verifier hex)`` of a confirmed device."""
        row = (await self.conn.execute(_SECRET, {"key": key})).first()
        return None if row is None else (str(row.salt), str(row.verifier))

    async def confirm(
        self, key: str, name: str | None, status: str, salt: str, verifier: str, now: float
    ) -> None:
        """ConfirmDevice: stores the device verifier (replacing any earlier one), name and status."""
        await self.conn.execute(delete(device_secrets).where(device_secrets.c.device_key == key))
        await self.conn.execute(insert(device_secrets).values(device_key=key, salt=salt, verifier=verifier))
        await self._set(key, confirmed=True, name=name, status=status, modified=now)

    async def set_status(self, key: str, status: str, now: float) -> None:
        await self._set(key, status=status, modified=now)

    async def set_pending(self, key: str, until: float | None) -> None:
        await self._set(key, pending_until=until)

    async def authenticated(self, key: str, now: float) -> None:
        """A sign-in with the device completed."""
        await self._set(key, last_auth=now, pending_until=None)

    async def forget(self, key: str) -> None:
        await self.conn.execute(delete(device_secrets).where(device_secrets.c.device_key == key))
        await self.conn.execute(delete(devices).where(devices.c.device_key == key))

    async def page(self, user_id: int, after: str | None, limit: int) -> list[Device]:
        """The user's confirmed devices by key, after ``after``; at most ``limit``."""
        query = select(devices).where(devices.c.user_id == user_id, devices.c.confirmed.is_(True))
        if after is not None:
            query = query.where(devices.c.device_key > after)
        query = query.order_by(devices.c.device_key).limit(bindparam("limit", type_=Integer))
        return [_device(r) for r in await self.conn.execute(query, {"limit": limit})]

    async def _set(self, key: str, **values: Any) -> None:
        await self.conn.execute(update(devices).where(devices.c.device_key == key).values(**values))
