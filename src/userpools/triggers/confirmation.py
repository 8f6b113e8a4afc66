"""The PostConfirmation trigger (PostConfirmation_ConfirmSignUp, PostConfirmation_ConfirmForgotPassword).

Implements user-pool-lambda-post-confirmation.html: the function sees the confirmed user's attributes and
the request's clientMetadata; no response field is read. It runs once the confirmation is committed, so, as
in Cognito, a failing function does not undo the confirmation (or new password): the caller still gets the
function's error (UserLambdaValidationException, ...). Difference: AdminConfirmSignUp does not run it yet.
"""

from __future__ import annotations

from typing import Any

from userpools.domain.user import User
from userpools.errors import ServiceError
from userpools.operations.context import Context
from userpools.triggers.invoke import configured, run_trigger


async def post_confirmation(
    ctx: Context, pool: dict[str, Any], user: User, source: str, req: dict[str, Any], client_id: str | None
) -> None:
    """Queues PostConfirmation to run once the confirmation is committed (``source``: PostConfirmation_*).

    After the commit, so the function may call back into this server (AdminAddUserToGroup is the classic
    use) without waiting on the confirming transaction's locks.
    """
    if configured(pool, "PostConfirmation") is None:
        return
    request = {
        "userAttributes": dict(user.attributes) | {"cognito:user_status": user.status},
        "clientMetadata": req.get("ClientMetadata") or {},
    }
    name = user.username

    async def run() -> None:
        try:
            await run_trigger(
                ctx, pool, "PostConfirmation", source, user_name=name, request=request, client_id=client_id
            )
        except ServiceError as exc:
            ctx.committed_failure = exc  # the runner answers with it once the hooks have run

    ctx.after_commit.append(run)
