"""Issuing, sending and checking one-time codes, and the per-user hourly limits around them.

Shared by sign-up, password recovery, attribute verification and AdminResetUserPassword so every code takes
one path: six random digits, a keyed digest in ``user_codes`` (never the code), single use, counted wrong
submissions. Limits follow the developer guide's per-user quotas (limits.html): 5 code requests an hour per
kind (ResendConfirmationCode, ForgotPassword, GetUserAttributeVerificationCode), 5 wrong submissions per code.
Exceeding either answers ``LimitExceededException: Attempt limit exceeded, please try after some time.``
(the message Cognito users report); Cognito does not publish its exact thresholds.
"""

from __future__ import annotations

from userpools.crypto import code_digest, code_matches
from userpools.domain import codes
from userpools.domain.user import User
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import CodeMismatchException, ExpiredCodeException, LimitExceededException
from userpools.operations.context import Context
from userpools.triggers.delivery import deliver

WRONG_CODE = "Invalid verification code provided, please try again."
EXPIRED_CODE = "Invalid code provided, please request a code again."
ATTEMPT_LIMIT = "Attempt limit exceeded, please try after some time."
REQUESTS_PER_HOUR = 5
# Counter rows share ``user_codes`` with the codes (purpose ``n:<action>``, an empty digest).
_COUNTER_PREFIX = "n:"
# The CustomMessage trigger source of each message kind that has only one.
CUSTOM_MESSAGE_SOURCES = {
    "sign_up": "CustomMessage_SignUp",
    "resend_code": "CustomMessage_ResendCode",
    "forgot_password": "CustomMessage_ForgotPassword",
}


def _key(ctx: Context) -> bytes:
    return ctx.services.sealer.derive("codes")


async def issue(ctx: Context, user: User, purpose: str) -> str:
    """A fresh code for ``purpose``; it replaces the user's earlier one of that purpose."""
    code = codes.new_code(ctx.random)
    now = ctx.now
    digest = code_digest(_key(ctx), purpose, user.sub, code)
    await ctx.uow.users.put_code(user.id, purpose, digest, now + codes.lifetime(purpose), now)
    return code


async def redeem(ctx: Context, user: User, purpose: str, code: str) -> None:
    """Accepts ``code`` once; otherwise raises ExpiredCode / CodeMismatch / LimitExceeded.

    A wrong code is counted and that count is committed even though the request fails
    (``ctx.fail_after_commit``), so the caller must not have written anything else before.
    """
    stored = await ctx.uow.users.read_code(user.id, purpose)
    if stored is None or stored.expires <= ctx.now:
        raise ExpiredCodeException(EXPIRED_CODE)
    if stored.attempts >= codes.MAX_WRONG_SUBMISSIONS:
        raise LimitExceededException(ATTEMPT_LIMIT)
    keys = ctx.services.sealer.derive_all("codes")  # a code sent before a master key rotation still counts
    if not any(code_matches(key, stored.code_hash, purpose, user.sub, code) for key in keys):
        await ctx.uow.users.count_code_attempt(user.id, purpose)
        raise ctx.fail_after_commit(CodeMismatchException(WRONG_CODE))
    await ctx.uow.users.delete_code(user.id, purpose)


async def limit_requests(ctx: Context, user: User, action: str, limit: int = REQUESTS_PER_HOUR) -> None:
    """Counts one ``action`` request in the user's current hour; past ``limit`` raises LimitExceeded."""
    purpose = _COUNTER_PREFIX + action
    repo = ctx.uow.users
    now = ctx.now
    counter = await repo.read_code(user.id, purpose)
    if counter is None or counter.expires <= now:
        await repo.put_code(user.id, purpose, "", now + codes.HOUR, now)
    elif counter.attempts >= limit:
        raise LimitExceededException(ATTEMPT_LIMIT)
    await repo.count_code_attempt(user.id, purpose)


async def count_failure(ctx: Context, user: User, action: str, limit: int = REQUESTS_PER_HOUR) -> None:
    """Records one failed ``action`` (e.g. a wrong previous password) in the user's current hour."""
    await limit_requests(ctx, user, action, limit)


async def over_limit(ctx: Context, user: User, action: str, limit: int = REQUESTS_PER_HOUR) -> bool:
    """True while the user's ``action`` counter for this hour has reached ``limit``."""
    counter = await ctx.uow.users.read_code(user.id, _COUNTER_PREFIX + action)
    return counter is not None and counter.expires > ctx.now and counter.attempts >= limit


async def send(
    ctx: Context,
    rules: PoolRules,
    user: User,
    attribute: str,
    purpose: str,
    kind: str,
    *,
    client_id: str | None = None,
    destination: str | None = None,
    trigger: str | None = None,
    client_metadata: dict[str, str] | None = None,
    caller: str | None = None,
) -> dict[str, str]:
    """Issues a code for ``purpose``, queues its message to ``attribute`` and returns CodeDeliveryDetails.

    ``client_id`` (sign-up confirmation) lets a CONFIRM_WITH_LINK pool mail a ``/confirmUser`` link;
    ``destination`` overrides the attribute's current value (a new value awaiting verification).
    ``trigger`` is the CustomMessage trigger source (default: by ``kind``, see ``CUSTOM_MESSAGE_SOURCES``;
    "verification" codes must name theirs, it depends on the operation), which also names the custom
    sender's; ``client_metadata`` is the triggers' input and ``caller`` the app client they name (default
    ``client_id``).
    """
    destination = destination or user.attributes[attribute]
    code = await issue(ctx, user, purpose)
    link = None
    if client_id is not None:
        link = {
            "base": await _link_base(ctx, rules),
            "client_id": client_id,
            "user_name": user.username,
            "confirmation_code": code,
        }
    default = codes.compose(rules, attribute, code, user.username, link=dict(link) if link else None)
    await deliver(  # Lambda triggers: a custom sender, or CustomMessage rewriting the message
        ctx, rules, user, codes.channel_of(attribute), destination, kind, default,
        source=trigger or CUSTOM_MESSAGE_SOURCES[kind], code=code, client_metadata=client_metadata,
        client_id=caller or client_id, link=link,
    )  # fmt: skip
    return codes.delivery_details(attribute, destination)


async def _link_base(ctx: Context, rules: PoolRules) -> str:
    """Where a CONFIRM_WITH_LINK email's ``/confirmUser`` link points: the pool's domain (path style on the
    public URL, which always reaches this server; ``oauth2.sites.PATH_PREFIX``), else the public URL."""
    base = ctx.settings.base_url
    if rules.verification_template.get("DefaultEmailOption") != "CONFIRM_WITH_LINK":
        return base  # the link is not used: no query for it
    domains = await ctx.uow.domains.of_pool(rules.pool_id)
    return f"{base}/domain/{domains[0]['domain']}" if domains else base


def simulated(ctx: Context, rules: PoolRules, username: str) -> dict[str, str]:
    """CodeDeliveryDetails for a user who doesn't exist, stable per username (PreventUserExistenceErrors)."""
    return codes.simulated_details(rules, username, ctx.services.sealer.derive("simulated-delivery"))
