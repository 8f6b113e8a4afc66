"""Linking external identities to users: AdminLinkProviderForUser, AdminDisableProviderForUser.

API reference: API_AdminLinkProviderForUser.html and API_AdminDisableProviderForUser.html; developer
guide "Linking federated users to an existing user profile". A link makes the external identity sign in
as the destination user (federation/users.py) and adds it to that user's ``identities`` attribute.

- DestinationUser: ``ProviderName`` ``Cognito`` and the username (its ProviderAttributeName is ignored),
  or an IdP name and the user id of that provider's federated user.
- SourceUser: an IdP of the pool; social IdPs link by ``Cognito_Subject`` (their user id), OIDC and SAML
  ones also by a pool attribute their AttributeMapping fills. The identity must not have signed in yet.
- AdminDisableProviderForUser removes a link (``Cognito_Subject`` once the identity has signed in); for an
  identity that is not linked it disables the federated user, and for ``Cognito`` the local user.
Error messages follow what Cognito answers where it is known (the SourceUser ones); the others are ours.
"""

from __future__ import annotations

from typing import Any

from userpools.domain import identities
from userpools.domain.idp_details import SOCIAL
from userpools.domain.user import User, key_of
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import (
    AliasExistsException,
    InvalidParameterException,
    LimitExceededException,
    UserNotFoundException,
)
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.operations.users_core import find_user, rules_of, save_user
from userpools.store.user_links import SUBJECT, Link

COGNITO = "Cognito"
MAX_LINKS_PER_USER = 5


def _field(identifier: dict[str, str], name: str, role: str) -> str:
    value = identifier.get(name)
    if not value:
        raise InvalidParameterException(f"{role}.{name} is required.")
    return value


async def _provider(ctx: Context, pool_id: str, name: str, role: str) -> dict[str, Any]:
    provider = await ctx.uow.identity_providers.get(pool_id, name)
    if provider is None:
        raise InvalidParameterException(
            f"Invalid {role}: identity provider {name} does not exist in the user pool."
        )
    return provider


async def _federated_user(ctx: Context, rules: PoolRules, provider_name: str, user_id: str) -> User | None:
    """The user an identity (provider, user id) signs in as: the linked one, else ``<Provider>_<id>``."""
    link = await ctx.uow.user_links.find(rules.pool_id, provider_name, [(SUBJECT, user_id)])
    if link is not None:
        return await ctx.uow.users.by_id(link.user_id)
    name = f"{provider_name}_{user_id}"
    return await ctx.uow.users.by_username_key(rules.pool_id, key_of(name, rules.case_sensitive))


async def _destination(ctx: Context, rules: PoolRules, pool_id: str, target: dict[str, str]) -> User:
    name = _field(target, "ProviderName", "DestinationUser")
    value = _field(target, "ProviderAttributeValue", "DestinationUser")
    if name == COGNITO:
        user = await find_user(ctx, rules, value)
    else:
        await _provider(ctx, pool_id, name, "DestinationUser")
        user = await _federated_user(ctx, rules, name, value)
    if user is None:
        raise UserNotFoundException("User does not exist.")
    return user


def _check_source_attribute(provider: dict[str, Any], attribute: str) -> None:
    if attribute == SUBJECT:
        return
    if provider["ProviderType"] in SOCIAL:
        raise InvalidParameterException(
            f"Invalid SourceUser: ProviderAttributeName must be {SUBJECT} for {provider['ProviderType']}."
        )
    if attribute == "username" or attribute not in (provider.get("AttributeMapping") or {}):
        raise InvalidParameterException(
            f"Invalid SourceUser: {attribute} is not an attribute the provider "
            f"{provider['ProviderName']} maps; use {SUBJECT} or a mapped user pool attribute."
        )


def _check_destination(rules: PoolRules, user: User) -> None:
    """All attributes in the DestinationUser profile must be mutable (API reference)."""
    immutable = {a["Name"] for a in rules.schema if not a.get("Mutable", True)} - {"sub", "identities"}
    held = sorted(immutable & {k for k, v in user.attributes.items() if v})
    if held:
        raise InvalidParameterException(
            f"Invalid DestinationUser: the user has the immutable attribute {held[0]}; "
            "only users whose attributes are all mutable can be linked."
        )


@operation("AdminLinkProviderForUser", write=True)
async def admin_link_provider_for_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    rules = rules_of(pool)
    source = req["SourceUser"]
    source_name = _field(source, "ProviderName", "SourceUser")
    if source_name == COGNITO:
        raise InvalidParameterException(
            "Invalid SourceUser: Cognito users with a username/password may not be passed in as a "
            "SourceUser, only as a DestinationUser"
        )
    provider = await _provider(ctx, pool["Id"], source_name, "SourceUser")
    attribute = _field(source, "ProviderAttributeName", "SourceUser")
    value = _field(source, "ProviderAttributeValue", "SourceUser")
    _check_source_attribute(provider, attribute)
    user = await _destination(ctx, rules, pool["Id"], req["DestinationUser"])
    _check_destination(rules, user)
    existing = await ctx.uow.user_links.find(pool["Id"], source_name, [(attribute, value)])
    if existing is not None:
        if existing.user_id == user.id:
            return {}  # already linked to this very user
        raise AliasExistsException("The SourceUser is already linked to another user.")
    if attribute == SUBJECT:
        signed_in = await ctx.uow.users.by_username_key(
            pool["Id"], key_of(f"{source_name}_{value}", rules.case_sensitive)
        )
        if signed_in is not None and signed_in.id != user.id:
            raise InvalidParameterException(
                "Merging is not currently supported, provide a SourceUser that has not been signed up "
                "in order to link"
            )
    if await ctx.uow.user_links.count_of_user(user.id) >= MAX_LINKS_PER_USER:
        raise LimitExceededException(f"A user can be linked to at most {MAX_LINKS_PER_USER} identities.")
    if not await ctx.uow.user_links.insert(pool["Id"], Link(source_name, attribute, value, user.id, ctx.now)):
        raise AliasExistsException("The SourceUser is already linked to another user.")
    issuer = identities.issuer_of(provider)
    identities.add(user.attributes, provider, value, primary=False, issuer=issuer, now=ctx.now)
    await save_user(ctx, rules, user)
    return {}


@operation("AdminDisableProviderForUser", write=True)
async def admin_disable_provider_for_user(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    rules = rules_of(pool)
    target = req["User"]
    name = _field(target, "ProviderName", "User")
    attribute = _field(target, "ProviderAttributeName", "User")
    value = _field(target, "ProviderAttributeValue", "User")
    if name == COGNITO:
        if attribute != SUBJECT:
            raise InvalidParameterException(f"ProviderAttributeName must be {SUBJECT} for Cognito users.")
        user = await find_user(ctx, rules, value)
        if user is None:
            raise UserNotFoundException("User does not exist.")
        user.enabled = False
        await save_user(ctx, rules, user)
        return {}
    provider = await _provider(ctx, pool["Id"], name, "User")
    _check_source_attribute(provider, attribute)
    link = await ctx.uow.user_links.find(pool["Id"], name, [(attribute, value)])
    if link is not None:
        await ctx.uow.user_links.delete(pool["Id"], link)
        linked = await ctx.uow.users.by_id(link.user_id)
        if linked is not None:
            identities.remove(linked.attributes, name, value)
            await save_user(ctx, rules, linked)
        return {}
    user = None
    if attribute == SUBJECT:
        user = await ctx.uow.users.by_username_key(
            pool["Id"], key_of(f"{name}_{value}", rules.case_sensitive)
        )
    if user is None:
        raise UserNotFoundException("User does not exist.")
    user.enabled = False
    await save_user(ctx, rules, user)
    return {}
