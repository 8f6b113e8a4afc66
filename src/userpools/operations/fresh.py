"""Running a unit of work again when it found a user changed under it (store/users.py ``StaleUser``).

A writing unit reads the user before its transaction begins and writes the whole profile back; the save
applies only if the row still holds what was read. Otherwise the unit rolled back, and running it again
reads the user afresh. A run fails only when another change of that user committed meanwhile, and that
change is then done: so up to STALE_ATTEMPTS concurrent changes of one user all succeed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from userpools.errors import TooManyRequestsException
from userpools.store.users import StaleUser

T = TypeVar("T")

STALE_ATTEMPTS = 10


async def until_fresh(unit: Callable[[], Awaitable[T]]) -> T:
    """``unit()``'s result, run up to STALE_ATTEMPTS times while it raises StaleUser."""
    for _ in range(STALE_ATTEMPTS - 1):
        try:
            return await unit()
        except StaleUser:
            continue
    try:
        return await unit()
    except StaleUser:  # in every operation's model, and retried by the SDKs
        raise TooManyRequestsException("Too many concurrent changes to this user.") from None
