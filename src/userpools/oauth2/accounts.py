"""Self-service accounts on the hosted pages: what the sign-up and password-reset pages need around the API.

Developer guide, "User-interactive managed login and classic hosted UI endpoints" (``/signup``,
``/confirmUser``, ``/forgotPassword``, ``/confirmForgotPassword``). The pages call the API's own
operations (SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword, ConfirmForgotPassword); this
module holds the rules around them:

- ``check_accounts`` / ``allows_sign_up`` / ``allows_reset``: the pages serve user pool accounts, so the
  client must list ``COGNITO``; AllowAdminCreateUserOnly hides sign-up and an ``admin_only`` recovery
  setting hides the password reset (the operations refuse them too).
- ``with_secret_hash``: the pages act for the app client, so for a client with a secret they add the
  SecretHash the operation checks (Cognito's own pages need none either).
- ``sign_up_fields`` / ``password_hint``: the pool's required attributes (less the one the username
  fills) as form fields, and the password policy in words.
- The sign-up ticket: proof, sealed for the browser that signed up (domain and its CSRF cookie as
  associated data, one hour), that the user chose the password a moment ago, so confirming the account
  goes on to the callback without asking for it again (``signin.after_sign_up``), as Cognito's hosted UI
  does.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from userpools.auth import client_secrets
from userpools.auth.secret_hash import secret_hash
from userpools.crypto.sealing import Sealer
from userpools.domain.user_pool_rules import pool_rules
from userpools.oauth2 import providers
from userpools.oauth2.errors import PageError
from userpools.operations.context import Context
from userpools.operations.recovery import admin_only

TICKET_SECONDS = 3600.0
_TICKET_PURPOSE = "hosted-sign-up"
NO_ACCOUNTS = (
    "This app client does not allow user pool accounts (COGNITO is not one of its identity providers)."
)
NO_SIGN_UP = "SignUp is not permitted for this user pool"
NO_RESET = "Password reset is only possible by an administrator in this user pool."

# Labels and browser autofill hints of the standard attributes (OIDC claim names).
_LABELS = {
    "email": ("Email", "email", "email"),
    "phone_number": ("Phone number", "tel", "tel"),
    "name": ("Name", "text", "name"),
    "given_name": ("Given name", "text", "given-name"),
    "family_name": ("Family name", "text", "family-name"),
    "middle_name": ("Middle name", "text", "additional-name"),
    "nickname": ("Nickname", "text", "nickname"),
    "preferred_username": ("Preferred username", "text", "off"),
    "birthdate": ("Birthdate", "date", "bday"),
    "gender": ("Gender", "text", "sex"),
    "address": ("Address", "text", "street-address"),
    "locale": ("Locale", "text", "language"),
    "zoneinfo": ("Time zone", "text", "off"),
    "website": ("Website", "url", "url"),
    "profile": ("Profile page", "url", "url"),
    "picture": ("Picture URL", "url", "photo"),
    "updated_at": ("Updated at", "number", "off"),
}
_HINTS = {
    "phone_number": "International format, for example +15555550123.",
    "birthdate": "YYYY-MM-DD.",
}


@dataclass(frozen=True)
class Field:
    """A sign-up form field for one attribute."""

    attribute: str
    label: str
    input_type: str
    autocomplete: str
    hint: str = ""


@dataclass(frozen=True)
class Ticket:
    pool_id: str
    client_id: str
    sub: str
    expires: float


def check_accounts(client: dict[str, Any]) -> None:
    if providers.COGNITO not in providers.supported(client):
        raise PageError("invalid_request", NO_ACCOUNTS)


def allows_sign_up(pool: dict[str, Any]) -> bool:
    return not (pool.get("AdminCreateUserConfig") or {}).get("AllowAdminCreateUserOnly")


def allows_reset(pool: dict[str, Any]) -> bool:
    return not admin_only(pool_rules(pool))


def username_label(pool: dict[str, Any]) -> str:
    names = tuple(pool.get("UsernameAttributes") or ())
    if {"email", "phone_number"} <= set(names):
        return "Email or phone number"
    return _LABELS[names[0]][0] if names else "Username"


def sign_up_fields(pool: dict[str, Any]) -> list[Field]:
    """The pool's required attributes, in schema order, except ``sub`` and the one the username fills."""
    username_attributes = tuple(pool.get("UsernameAttributes") or ())
    out = []
    for item in pool.get("SchemaAttributes") or []:
        name = str(item["Name"])
        if not item.get("Required") or name == "sub" or username_attributes == (name,):
            continue
        label, input_type, autocomplete = _LABELS.get(name, (name.removeprefix("custom:"), "text", "off"))
        if item.get("AttributeDataType") == "Number":
            input_type = "number"
        out.append(Field(name, label, input_type, autocomplete, _HINTS.get(name, "")))
    return out


def password_hint(pool: dict[str, Any]) -> str:
    """The pool's password policy in words, e.g. "At least 8 characters, with a number and a symbol."."""
    policy = pool_rules(pool).password_policy
    needs = [
        text
        for key, text in (
            ("RequireUppercase", "an uppercase letter"),
            ("RequireLowercase", "a lowercase letter"),
            ("RequireNumbers", "a number"),
            ("RequireSymbols", "a symbol"),
        )
        if policy.get(key)
    ]
    hint = f"At least {int(policy.get('MinimumLength') or 8)} characters"
    if needs:
        hint += ", with " + (", ".join(needs[:-1]) + " and " + needs[-1] if len(needs) > 1 else needs[0])
    return hint + "."


async def with_secret_hash(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """``params`` of a ClientId + Username operation, with the SecretHash a secret client needs."""
    client_id, username = params.get("ClientId"), params.get("Username")
    if not client_id or not username:
        return params
    secrets = await client_secrets.secrets_of(ctx, str(client_id))
    if not secrets:
        return params
    return {**params, "SecretHash": secret_hash(secrets[0], str(username), str(client_id))}


def _aad(domain: str, csrf_cookie: str) -> bytes:
    return f"{domain}\0{csrf_cookie}".encode()


def seal_ticket(sealer: Sealer, domain: str, csrf_cookie: str, ticket: Ticket) -> str:
    raw = json.dumps(asdict(ticket), separators=(",", ":")).encode()
    return sealer.seal(_TICKET_PURPOSE, raw, _aad(domain, csrf_cookie))


def open_ticket(
    sealer: Sealer, domain: str, csrf_cookie: str | None, value: str | None, now: float
) -> Ticket | None:
    """The live ticket of a form value (for this browser and domain), or None."""
    raw = sealer.open(_TICKET_PURPOSE, value, _aad(domain, csrf_cookie)) if value and csrf_cookie else None
    if raw is None:
        return None
    try:
        ticket = Ticket(**json.loads(raw))
    except (ValueError, TypeError):
        return None
    return ticket if ticket.expires > now else None
