"""Sign-in lockout after repeated wrong passwords (COGNITO-FACTS §5.5).

https://docs.aws.amazon.com/cognito/latest/developerguide/authentication.html (lockout behavior)
After 5 consecutive failures the user is locked for 1 second, doubling with each further failure up to
15 minutes. Attempts while locked answer ``Password attempts exceeded`` without counting (so they do
not extend the lock); a successful sign-in clears the counter.
Difference: Cognito's exact thresholds are documented as approximate; the counter never decays by
itself (only a success clears it).
"""

from __future__ import annotations

from userpools.errors import NotAuthorizedException, ServiceError
from userpools.operations.context import Context

FREE_FAILURES = 5
MAX_LOCK_SECONDS = 900.0
LOCKED = "Password attempts exceeded"


def locked_until(failures: int, last_failure: float) -> float:
    """When the lock that ``failures`` consecutive failures impose ends (0 when there is none)."""
    if failures < FREE_FAILURES:
        return 0.0
    return last_failure + min(2.0 ** (failures - FREE_FAILURES), MAX_LOCK_SECONDS)


def check_not_locked(ctx: Context, failures: int, last_failure: float) -> None:
    if ctx.now < locked_until(failures, last_failure):
        raise NotAuthorizedException(LOCKED)


async def fail(ctx: Context, user_id: int, error: ServiceError) -> ServiceError:
    """Counts a failed password check; ``raise await fail(...)`` answers ``error``, count stored."""
    await ctx.uow.auth.count_failure(user_id, ctx.now)
    return ctx.fail_after_commit(error)


async def succeeded(ctx: Context, user_id: int, failures: int) -> None:
    if failures:
        await ctx.uow.auth.clear_failures(user_id)
