"""Shared user logic the user operations (and other families) build on.

``load_user``, ``user_type``, ``create_user`` and ``User`` are a contract other families rely on;
``operations.users`` re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from userpools.crypto import srp
from userpools.domain.attributes import (
    check_writes,
    from_wire,
    looks_like_email,
    looks_like_phone,
    missing_required,
    to_wire,
)
from userpools.domain.password_policy import policy_violation
from userpools.domain.user import (
    ALIAS_COLUMNS,
    CONFIRMED,
    EXTERNAL_PROVIDER,
    FORCE_CHANGE_PASSWORD,
    RESET_REQUIRED,
    User,
    active_aliases,
    filter_columns,
    key_of,
)
from userpools.domain.user_pool_rules import PoolRules, pool_rules
from userpools.errors import (
    AliasExistsException,
    InvalidParameterException,
    InvalidPasswordException,
    UsernameExistsException,
    UserNotFoundException,
)
from userpools.operations.context import Context
from userpools.store.users import DuplicateUser

DAY = 86400.0
MAX_PASSWORD_HISTORY = 24  # the model's PasswordHistorySize maximum


def rules_of(pool: dict[str, Any]) -> PoolRules:
    """The settings of ``pool`` (a loaded UserPoolType document) that user operations obey."""
    return pool_rules(pool)


async def load_user(ctx: Context, pool: dict[str, Any], username: str) -> User:
    """The user a request names: by username, else by an active alias (COGNITO-FACTS §6.2)."""
    user = await find_user(ctx, rules_of(pool), username)
    if user is None:
        raise UserNotFoundException("User does not exist.")
    return user


async def find_user(ctx: Context, rules: PoolRules, username: str, *, sign_in: bool = False) -> User | None:
    """Like ``load_user`` but None when nobody matches. Aliases are tried only for values of their shape.

    ``sign_in``: the caller reads the user's sign-in secrets next, so a match by username reads them in
    the same query (``AuthStateRepo.user_for_sign_in``).
    """
    repo = ctx.uow.users
    key = key_of(username, rules.case_sensitive)
    if sign_in:
        user = await ctx.uow.auth.user_for_sign_in(rules.pool_id, key)
    else:
        user = await repo.by_username_key(rules.pool_id, key)
    if user is not None:
        return user
    for attribute in (*rules.username_attributes, *rules.alias_attributes):
        if attribute == "email" and not looks_like_email(username):
            continue
        if attribute == "phone_number" and not looks_like_phone(username):
            continue
        key = username if attribute == "phone_number" else key_of(username, rules.case_sensitive)
        user = await repo.by_alias(rules.pool_id, attribute, key)
        if user is not None:
            return user
    return None


def user_type(user: User, attributes_to_get: list[str] | None = None) -> dict[str, Any]:
    """The wire ``UserType`` (API_UserType.html); ``attributes_to_get`` restricts ``Attributes``."""
    attributes = user.attributes
    if attributes_to_get is not None:
        attributes = {name: attributes[name] for name in attributes if name in attributes_to_get}
    out: dict[str, Any] = {
        "Username": user.username,
        "Attributes": to_wire(attributes),
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": user.enabled,
        "UserStatus": user.status,
    }
    if user.settings.get("MFAOptions"):
        out["MFAOptions"] = user.settings["MFAOptions"]
    return out


def index_of(rules: PoolRules, user: User) -> dict[str, str | None]:
    """The derived search and alias columns of a profile (external users hold no sign-in alias)."""
    columns: dict[str, str | None] = {f"f_{k}": v for k, v in filter_columns(user.attributes).items()}
    columns.update({f"alias_{k}": v for k, v in aliases_of(rules, user).items()})
    return columns


def aliases_of(rules: PoolRules, user: User) -> dict[str, str | None]:
    """The sign-in aliases ``user`` holds. A federated (EXTERNAL_PROVIDER) user signs in only through its
    provider, so its email or phone number is no alias: the local user it is often linked to keeps it."""
    if user.status == EXTERNAL_PROVIDER:
        return dict.fromkeys(ALIAS_COLUMNS)
    return active_aliases(rules, user.attributes)


async def claim_aliases(ctx: Context, rules: PoolRules, user: User, *, move: bool, creating: bool) -> None:
    """Makes sure no other user holds one of ``user``'s active aliases.

    With ``move`` a verified email/phone alias moves: the previous holder's attribute becomes
    unverified, so it stops being a sign-in alias for them (ForceAliasCreation; verifying an attribute
    through AdminUpdateUserAttributes, as observed on Cognito, boto/boto3#3213). Otherwise a new user
    gets UsernameExistsException (the only conflict AdminCreateUser models) and an update
    AliasExistsException.
    """
    for attribute, key in aliases_of(rules, user).items():
        if key is None:
            continue
        holder = await ctx.uow.users.by_alias(rules.pool_id, attribute, key)
        if holder is None or holder.id == user.id:
            continue
        movable = attribute != "preferred_username" and attribute not in rules.username_attributes
        if not (move and movable):
            if creating:
                raise UsernameExistsException(f"An account with the given {attribute} already exists.")
            raise AliasExistsException(f"An account with the {attribute} already exists.")
        holder.attributes[f"{attribute}_verified"] = "false"
        holder.modified = ctx.now
        await ctx.uow.users.save(holder, index_of(rules, holder))


async def save_user(ctx: Context, rules: PoolRules, user: User, *, move_aliases: bool = False) -> None:
    """Writes a changed profile back, with its aliases claimed and its modification time set."""
    await claim_aliases(ctx, rules, user, move=move_aliases, creating=False)
    user.modified = ctx.now
    try:
        await ctx.uow.users.save(user, index_of(rules, user))
    except DuplicateUser:
        raise AliasExistsException("An account with the given alias already exists.") from None


def internal_username(rules: PoolRules, username: str, attributes: dict[str, str], sub: str) -> str:
    """Applies UsernameAttributes / AliasAttributes rules to a new username; returns the internal one.

    In UsernameAttributes pools the username must be an email or phone number, is stored into that
    attribute, and the internal username is the ``sub``.
    """
    if rules.username_attributes:
        for attribute, looks_like in (("email", looks_like_email), ("phone_number", looks_like_phone)):
            if attribute in rules.username_attributes and looks_like(username):
                given = attributes.get(attribute)
                if given and given != username:
                    raise InvalidParameterException(
                        f"The {attribute} attribute must match the username in this user pool."
                    )
                attributes[attribute] = username
                return sub
        if {"email", "phone_number"} <= set(rules.username_attributes):
            raise InvalidParameterException("Username should be either an email or a phone number.")
        if "email" in rules.username_attributes:
            raise InvalidParameterException("Username should be an email.")
        raise InvalidParameterException("Username should be a phone number.")
    if "email" in rules.alias_attributes and looks_like_email(username):
        raise InvalidParameterException(
            "Username cannot be of email format, since user pool is configured for email alias."
        )
    if "phone_number" in rules.alias_attributes and looks_like_phone(username):
        raise InvalidParameterException(
            "Username cannot be of phone number format, since user pool is configured for phone_number alias."
        )
    return username


async def insert_user(
    ctx: Context,
    rules: PoolRules,
    username: str,
    attributes: dict[str, str],
    status: str,
    *,
    force_alias: bool = False,
    exists: str = "User account already exists",
) -> User:
    """Validates and stores a new profile (no credential, no message); ``exists``: the message of the
    UsernameExistsException when the name is taken."""
    user = await new_user(ctx, rules, username, attributes, status, exists=exists)
    return await store_new_user(ctx, rules, user, force_alias=force_alias, exists=exists)


async def new_user(
    ctx: Context, rules: PoolRules, username: str, attributes: dict[str, str], status: str, *, exists: str
) -> User:
    """A validated new profile, not yet stored (``store_new_user``); UsernameExistsException when taken.

    Only reads: a PreSignUp trigger can run between the two without holding a write (docs/faults.md).
    """
    attributes = check_writes(rules.schema, attributes, creating=True)
    sub = ctx.random.uuid4()
    name = internal_username(rules, username, attributes, sub)
    missing_required(rules.schema, attributes)
    # In UsernameAttributes pools the name is a fresh sub; its email/phone is checked as an alias below.
    if name == username and await find_user(ctx, rules, name) is not None:
        raise UsernameExistsException(exists)
    now = ctx.now
    return User(0, rules.pool_id, name, sub, status, True, {"sub": sub, **attributes}, now, now)


async def store_new_user(
    ctx: Context, rules: PoolRules, user: User, *, force_alias: bool = False, exists: str
) -> User:
    """Claims ``user``'s aliases and inserts it (a name taken meanwhile: UsernameExistsException)."""
    await claim_aliases(ctx, rules, user, move=force_alias, creating=True)
    try:
        key = key_of(user.username, rules.case_sensitive)
        user.id = await ctx.uow.users.insert(user, key, index_of(rules, user))
    except DuplicateUser:
        raise UsernameExistsException(exists) from None
    return user


def check_password(rules: PoolRules, password: str) -> None:
    reason = policy_violation(rules.password_policy, password)
    if reason is not None:
        raise InvalidPasswordException(f"Password did not conform with policy: {reason}")


async def set_password(
    ctx: Context, rules: PoolRules, user: User, password: str, *, temporary: bool, new_user: bool = False
) -> None:
    """Stores the SRP verifier of ``password`` (never the password); temporary ones expire.

    ``new_user``: ``user`` was inserted by this request, so it has no earlier password to keep.
    """
    salt, verifier = srp.new_verifier(
        ctx.random.token_bytes(srp.SALT_BYTES), rules.pool_id, user.username, password
    )
    now = ctx.now
    expires = now + rules.temporary_password_days * DAY if temporary else None
    await ctx.uow.users.write_password_verifier(
        user.id,
        salt,
        verifier,
        temporary=temporary,
        expires=expires,
        now=now,
        keep_history=MAX_PASSWORD_HISTORY,
        first=new_user,
    )


async def password_reused(ctx: Context, rules: PoolRules, user: User, password: str) -> bool:
    """True when ``password`` matches one of the last PasswordHistorySize passwords (current included)."""
    size = rules.password_history_size
    stored = await ctx.uow.users.read_password_verifier(user.id)
    if size == 0 or stored is None:
        return False
    pairs = [[stored.salt, stored.verifier], *stored.history][:size]
    return any(srp.verify_password(s, v, rules.pool_id, user.username, password) for s, v in pairs)


async def create_user(
    ctx: Context,
    pool: dict[str, Any],
    username: str,
    attributes: Mapping[str, str] | list[dict[str, str]],
    password: str | None,
    permanent: bool,
) -> User:
    """Creates a user without sending anything (seeding). Without a password the user is RESET_REQUIRED.

    The password must satisfy the pool's policy; ``permanent`` makes the user CONFIRMED, otherwise
    FORCE_CHANGE_PASSWORD with a temporary password. ``attributes`` may also be a wire
    ``AttributeListType`` (a list of ``{"Name", "Value"}``).
    """
    rules = rules_of(pool)
    values = from_wire(attributes) if isinstance(attributes, list) else dict(attributes)
    if password is None:
        return await insert_user(ctx, rules, username, values, RESET_REQUIRED)
    check_password(rules, password)
    status = CONFIRMED if permanent else FORCE_CHANGE_PASSWORD
    user = await insert_user(ctx, rules, username, values, status)
    await set_password(ctx, rules, user, password, temporary=not permanent, new_user=True)
    return user
