"""The API's operations called from the hosted pages: the same model validation and handler as ``POST /``.

A page that signs a user up, confirms an account, resets a password or sets up a TOTP app sends the
operation's request (SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
ConfirmForgotPassword, AssociateSoftwareToken, VerifySoftwareToken) through ``call``: validated against
the botocore model like an API request, then the registered handler runs in one unit of work of the
domain's region (``place.run``: triggers, after-commit message delivery and counted failures behave as in
the API). For a client with a secret, the SecretHash is added on the user's behalf
(``oauth2.accounts.with_secret_hash``). Every rule, limit and error text is therefore the API's own.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from userpools.oauth2.accounts import with_secret_hash
from userpools.operations.context import Context
from userpools.operations.registry import table
from userpools.protocol import model
from userpools.protocol.validate import validate
from userpools.web.hosted.place import Place, run


async def call(request: Request, place: Place, name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The answer of operation ``name`` to ``params``; its errors are raised as ServiceErrors."""
    operation = table()[name]
    checked = validate(model.input_shape(name), params)

    async def work(ctx: Context) -> dict[str, Any]:
        return await operation.handler(ctx, await with_secret_hash(ctx, checked))

    return await run(request, place, work, write=operation.write)
