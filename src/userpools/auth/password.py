"""USER_PASSWORD_AUTH and ADMIN_USER_PASSWORD_AUTH (ADMIN_NO_SRP_AUTH): the password sent in the request.

https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
The password is checked against the stored SRP verifier (``v = g^x``), the only credential kept.
Lambda triggers: UserMigration_Authentication creates a user the name doesn't find (``triggers.migration``),
then PreAuthentication runs before the user's state and password are checked
(``triggers.authentication``); PostAuthentication runs in ``auth.outcome`` once the sign-in succeeds.
A migrated user that must reset its password (finalUserStatus RESET_REQUIRED) is kept, and the sign-in
answers PasswordResetRequiredException, as AWS documents.
"""

from __future__ import annotations

from typing import Any

from userpools.auth import lockout, risk, unknown_user
from userpools.auth.gate import (
    WRONG_PASSWORD,
    Caller,
    check_hash,
    check_user_state,
    required,
    user_not_found,
)
from userpools.auth.outcome import signed_in
from userpools.crypto import srp
from userpools.domain.user import RESET_REQUIRED, key_of
from userpools.errors import NotAuthorizedException, ServiceError
from userpools.operations.context import Context
from userpools.operations.users_core import find_user
from userpools.triggers.authentication import pre_authentication
from userpools.triggers.migration import migrate_user


async def sign_in(ctx: Context, who: Caller, params: dict[str, Any]) -> dict[str, Any]:
    username = required(params, "USERNAME")
    password = required(params, "PASSWORD")
    pool_id = who.rules.pool_id
    user = await find_user(ctx, who.rules, username, sign_in=True)
    await check_hash(ctx, who, params, username, user.username if user else "")
    migrated = False
    if user is None:  # Lambda trigger: UserMigration_Authentication
        user = await migrate_user(ctx, who.pool, who.client_id, username, password=password,
                                  client_metadata=who.client_metadata)  # fmt: skip
        migrated = user is not None
    # Lambda trigger: PreAuthentication
    await pre_authentication(ctx, who.pool, who.client, user, username=username,
                             client_metadata=who.client_metadata)  # fmt: skip
    if user is None:
        if who.prevents_existence_errors:
            # The same modular exponentiation a real check costs, so timing does not tell users apart.
            key = key_of(username, who.rules.case_sensitive)
            srp.verify_password(
                unknown_user.fake_salt(ctx, pool_id, key),
                unknown_user.fake_verifier(ctx, pool_id, key),
                pool_id,
                username,
                password,
            )
        raise user_not_found(who)
    try:
        check_user_state(who, user)
    except ServiceError as exc:
        if migrated and user.status == RESET_REQUIRED:
            raise ctx.fail_after_commit(exc) from None  # the migrated user stays, to reset its password
        raise
    secrets = await ctx.uow.auth.sign_in_secrets(user.id)
    if secrets is None:
        raise NotAuthorizedException(WRONG_PASSWORD)
    lockout.check_not_locked(ctx, secrets.failures, secrets.last_failure)
    if not srp.verify_password(secrets.salt, secrets.verifier, pool_id, user.username, password):
        error = await lockout.fail(ctx, user.id, NotAuthorizedException(WRONG_PASSWORD))
        raise await risk.failed(ctx, who, user, error)  # threat protection (issue 6)
    await lockout.succeeded(ctx, user.id, secrets.failures)
    verdict = await risk.check(ctx, who, user, password)  # threat protection (issue 6)
    return await signed_in(ctx, who, user, secrets, verdict=verdict)
