"""``userpools master-key rotate``: re-seals every stored sealed value under the current master key.

Run with the new key as USERPOOLS_MASTER_KEY and the old one in USERPOOLS_MASTER_KEY_PREVIOUS (see
docs/deployment.md). Everything happens in one transaction: when any stored value opens under none of
the configured keys, nothing is written and the error names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from userpools.auth import client_secrets, keyring, mfa_user
from userpools.crypto.sealing import Sealer
from userpools.store.sealed import SealedRepo
from userpools.store.uow import UnitOfWork


class ResealError(RuntimeError):
    """Stored values that no configured master key opens."""


@dataclass
class Resealed:
    signing_keys: int = 0  # re-sealed (the others were sealed under the current key already)
    client_secrets: int = 0
    totp_secrets: int = 0
    unopened: list[str] = field(default_factory=list)


async def reseal_all(uow: UnitOfWork, sealer: Sealer) -> Resealed:
    repo = SealedRepo(uow.conn, uow.journal)
    done = Resealed()
    for kid, pool_id, sealed in await repo.signing_keys():
        fresh = sealer.reseal(keyring.SEAL_PURPOSE, sealed, keyring.associated(pool_id, kid))
        if fresh is None:
            done.unopened.append(f"signing key {kid} of {pool_id}")
        elif fresh != sealed:
            await repo.set_signing_key(kid, fresh)
            done.signing_keys += 1
    for client_id, secret_id, sealed in await repo.client_secrets():
        fresh = sealer.reseal(client_secrets.PURPOSE, sealed, client_id.encode())
        if fresh is None:
            done.unopened.append(f"secret {secret_id} of app client {client_id}")
        elif fresh != sealed:
            await repo.set_client_secret(client_id, secret_id, fresh)
            done.client_secrets += 1
    for user_id, pool_id, sub, settings in await repo.users_with_totp():
        changed = 0
        aad = mfa_user.associated(pool_id, sub)
        token = settings.get(mfa_user.TOKEN)
        places: list[tuple[dict[str, Any], str]] = [(settings, mfa_user.PENDING)]
        if isinstance(token, dict):
            places.append((token, "Secret"))
        for holder, name in places:
            value = holder.get(name)
            if not isinstance(value, str):
                continue
            fresh = sealer.reseal(mfa_user.SECRET_PURPOSE, value, aad)
            if fresh is None:
                done.unopened.append(f"TOTP secret of user {sub} in {pool_id}")
            elif fresh != value:
                holder[name] = fresh
                changed += 1
        if changed:
            await repo.set_user_settings(user_id, pool_id, sub, settings)
            done.totp_secrets += changed
    if done.unopened:
        shown = ", ".join(done.unopened[:5]) + (" ..." if len(done.unopened) > 5 else "")
        raise ResealError(
            f"{len(done.unopened)} stored values open under none of the configured master keys "
            f"(USERPOOLS_MASTER_KEY, USERPOOLS_MASTER_KEY_PREVIOUS): {shown}; nothing was changed"
        )
    return done
