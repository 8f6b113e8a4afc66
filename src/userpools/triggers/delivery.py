"""The one way out for a message that carries a code or a temporary password.

Per channel, in Cognito's order: a custom sender trigger (CustomEmailSender / CustomSMSSender) when the pool
has one: it gets the encrypted code and delivers the message itself; otherwise the CustomMessage trigger
may rewrite the pool's message, which then goes to the mailer or SMS sender once the operation commits.
See triggers/senders.py, triggers/messages.py and the developer guide's user-pool-lambda-custom-message.html.
"""

from __future__ import annotations

from userpools.domain import messages
from userpools.domain.log_delivery import NOTIFICATION, configs_for
from userpools.domain.user import User
from userpools.domain.user_pool_rules import PoolRules
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.triggers.messages import custom_message
from userpools.triggers.senders import custom_sender, sender_of


async def deliver(
    ctx: Context,
    rules: PoolRules,
    user: User,
    channel: str,
    destination: str,
    kind: str,
    default: tuple[str, str],
    *,
    source: str,
    code: str,
    client_metadata: dict[str, str] | None = None,
    client_id: str | None = None,
    username: str | None = None,
    link: dict[str, str] | None = None,
) -> None:
    """Sends ``default`` (subject, rendered body) carrying ``code`` to ``destination`` over ``channel``.

    ``source`` is the CustomMessage trigger source (``CustomMessage_SignUp`` ...; the senders' are named
    after it), ``kind`` the outbox's message kind; ``username`` and ``link`` are CustomMessage's (an
    invitation's username, a sign-up code's ``/confirmUser`` link).
    """
    pool = await load_pool(ctx, user.pool_id)
    if sender_of(pool, channel) is not None:  # Lambda trigger: CustomEmailSender / CustomSMSSender
        await custom_sender(
            ctx, pool, user, channel, source, code=code, destination=destination,
            client_metadata=client_metadata, client_id=client_id,
        )  # fmt: skip
        return
    subject, body = await custom_message(  # Lambda trigger: CustomMessage may rewrite the message
        ctx, pool, rules, user, source, channel, default, code=code, client_metadata=client_metadata,
        client_id=client_id, username=username, link=link,
    )  # fmt: skip
    message = messages.outbound(rules, channel, user.username, destination, body, subject, kind)
    ctx.send_later(message, configs_for(pool, NOTIFICATION))  # log delivery (issue 6)
