"""The user an external identity signs in as: the common step after an OIDC, social or SAML sign-in.

Follows the developer guide's "Mapping IdP attributes to profiles and tokens", "Linking federated users
to an existing user profile" and the federated rows of "Lambda triggers for federated users":

1. The provider's AttributeMapping turns its claims into pool attributes; ``username`` names the claim
   holding the provider's user id (``sub``, Facebook ``id``, Amazon ``user_id``, SAML ``NameID``).
2. An identity linked by AdminLinkProviderForUser (by ``Cognito_Subject`` or by a mapped attribute)
   signs in as the linked user, whose mapped attributes are updated; a link by attribute becomes a link
   by subject at that first sign-in (as AdminDisableProviderForUser then expects).
3. Otherwise the user ``<ProviderName>_<user id>`` (status EXTERNAL_PROVIDER, an ``identities``
   attribute) signs in, its mapped attributes updated at every sign-in, or is created: PreSignUp_
   ExternalProvider runs first (``autoVerifyEmail`` / ``autoVerifyPhone`` honoured), PostConfirmation_
   ConfirmSignUp after the commit.
4. A later sign-in (the user existed already) runs PreAuthentication_Authentication before anything is
   written and PostAuthentication_Authentication once the user is updated, when the sign-in comes through
   an app client (the hosted UI's); ``then`` (the hosted UI's authorization code) runs last, in the same
   transaction. PreTokenGeneration (TokenGeneration_HostedAuth) runs when the tokens are issued.

The trigger runs outside any write transaction, so a function may call AdminLinkProviderForUser back
(the usual way to merge a federated user into a local one); the identity then signs in as the user it
was just linked to. Difference: Cognito fails that first sign-in ("Already found an entry for
username") and only the next one uses the link.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from userpools.domain import identities
from userpools.domain.attributes import check_writes, missing_required
from userpools.domain.user import EXTERNAL_PROVIDER, User, key_of
from userpools.domain.user_pool_rules import PoolRules
from userpools.errors import NotAuthorizedException
from userpools.federation.errors import FederationError
from userpools.federation.upstream import UpstreamIdentity
from userpools.operations.context import Context, Services
from userpools.operations.fresh import until_fresh
from userpools.operations.pools import load_pool
from userpools.operations.users_core import index_of, rules_of, save_user
from userpools.store.database import Database
from userpools.store.user_links import SUBJECT, Link
from userpools.store.users import DuplicateUser
from userpools.triggers.authentication import post_authentication, pre_authentication
from userpools.triggers.confirmation import post_confirmation
from userpools.triggers.events import flag
from userpools.triggers.sign_up import pre_sign_up

SAML_SUBJECT = "NameID"
_VERIFIABLE = (("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number"))


@dataclass(frozen=True)
class FederatedSignIn:
    user: User
    created: bool  # a new EXTERNAL_PROVIDER user (first sign-in of this identity)
    answer: str | None = None  # what ``then`` returned (the hosted UI: the callback URL)


# Runs in the sign-in's write transaction once the user is settled (the hosted UI issues its code there).
Then = Callable[[Context, User], Awaitable[str]]


@dataclass(frozen=True)
class _Found:
    user: User
    link: Link | None


def subject_of(provider: dict[str, Any], claims: dict[str, Any]) -> str:
    """The provider's user id: the claim AttributeMapping maps to ``username`` (SAML: the NameID)."""
    claim = (provider.get("AttributeMapping") or {}).get("username") or SAML_SUBJECT
    value = claims.get(claim)
    if value is None or value == "" or isinstance(value, dict | list):
        raise FederationError(f"The identity provider sent no {claim} to identify the user")
    return _text(value)


def mapped_attributes(provider: dict[str, Any], claims: dict[str, Any]) -> dict[str, str]:
    """Pool attribute -> value for every mapping whose provider attribute came with the sign-in."""
    out: dict[str, str] = {}
    for attribute, claim in (provider.get("AttributeMapping") or {}).items():
        if attribute != "username" and claim in claims and claims[claim] is not None:
            out[attribute] = _text(claims[claim])
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):  # multi-valued SAML attributes
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


async def sign_in(
    services: Services,
    database: Database,
    identity: UpstreamIdentity,
    *,
    pool_id: str,
    region: str,
    client_id: str | None,
    client_metadata: dict[str, str] | None = None,
    request_id: str = "federation",
    then: Then | None = None,
) -> FederatedSignIn:
    """The user ``identity`` signs in as (created on its first sign-in); tokens are ``then``'s job."""
    req = {"ClientMetadata": client_metadata or {}}
    async with database.unit_of_work(False) as uow:
        ctx = Context(services, uow, request_id, region)
        pool, provider, rules = await _load(ctx, pool_id, identity.provider_name)
        client = await ctx.uow.clients.find(client_id) if client_id else None
        subject = subject_of(provider, identity.claims)
        attributes = mapped_attributes(provider, identity.claims)
        verified: set[str] = set()
        before = await _existing(ctx, rules, provider, subject, attributes)
        if before is not None and client is not None:  # a later sign-in; Lambda trigger, as below
            await pre_authentication(
                ctx, pool, client, before.user, username=before.user.username, client_metadata=client_metadata
            )
        if before is None:
            name = f"{provider['ProviderName']}_{subject}"
            now = ctx.now
            candidate = User(0, pool_id, name, "", EXTERNAL_PROVIDER, True, dict(attributes), now, now)
            response = await pre_sign_up(
                ctx, pool, candidate, "PreSignUp_ExternalProvider", req, client_id=client_id
            )  # Lambda trigger, outside the write transaction: it may call AdminLinkProviderForUser
            verified = _auto_verified(candidate, response or {})

    async def write() -> tuple[Context, FederatedSignIn]:
        async with database.unit_of_work(True) as uow:
            ctx = Context(services, uow, request_id, region)
            pool, provider, rules = await _load(ctx, pool_id, identity.provider_name)
            found = await _existing(ctx, rules, provider, subject, attributes)
            if found is not None:
                await _update(ctx, rules, provider, found, subject, attributes)
                user, created = found.user, False
                if before is not None and client is not None:
                    await post_authentication(
                        ctx, pool, client, user, new_device=False, client_metadata=client_metadata
                    )
            else:
                user = await _create(ctx, rules, provider, identity, subject, attributes, verified)
                created = True
                await post_confirmation(ctx, pool, user, "PostConfirmation_ConfirmSignUp", req, client_id)
            return ctx, FederatedSignIn(user, created, await then(ctx, user) if then is not None else None)

    ctx, result = await until_fresh(write)  # a concurrent sign-in of this user changed it: again
    for hook in ctx.after_commit:
        await hook()
    if ctx.committed_failure is not None:
        raise ctx.committed_failure
    return result


async def _load(ctx: Context, pool_id: str, name: str) -> tuple[dict[str, Any], dict[str, Any], PoolRules]:
    pool = await load_pool(ctx, pool_id)
    provider = await ctx.uow.identity_providers.get(pool_id, name)
    if provider is None:
        raise FederationError(f"The identity provider {name} does not exist in user pool {pool_id}")
    return pool, provider, rules_of(pool)


async def _existing(
    ctx: Context, rules: PoolRules, provider: dict[str, Any], subject: str, attributes: dict[str, str]
) -> _Found | None:
    keys = [(SUBJECT, subject), *attributes.items()]
    link = await ctx.uow.user_links.find(rules.pool_id, provider["ProviderName"], keys)
    user = await ctx.uow.users.by_id(link.user_id) if link is not None else None
    if user is None:
        link = None
        name = f"{provider['ProviderName']}_{subject}"
        user = await ctx.uow.users.by_username_key(rules.pool_id, key_of(name, rules.case_sensitive))
    return None if user is None else _Found(user, link)


def _auto_verified(candidate: User, response: dict[str, Any]) -> set[str]:
    """PreSignUp_ExternalProvider's autoVerify* flags (autoConfirmUser means nothing here)."""
    out = set()
    for field, attribute in _VERIFIABLE:
        if flag(response, field) and candidate.attributes.get(attribute):
            out.add(attribute)
    return out


async def _update(
    ctx: Context,
    rules: PoolRules,
    provider: dict[str, Any],
    found: _Found,
    subject: str,
    attributes: dict[str, str],
) -> None:
    user, link = found.user, found.link
    if not user.enabled:
        raise NotAuthorizedException("User is disabled.")
    if link is not None and link.attribute_name != SUBJECT:
        await ctx.uow.user_links.rekey(rules.pool_id, link, subject)
        identities.rename(user.attributes, provider["ProviderName"], link.attribute_value, subject)
    changes = _writable(rules, attributes, creating=False)
    for contact in ("email", "phone_number"):
        if contact in changes and changes[contact] != user.attributes.get(contact):
            changes.setdefault(f"{contact}_verified", "false")
    user.attributes.update(changes)
    await save_user(ctx, rules, user)


async def _create(
    ctx: Context,
    rules: PoolRules,
    provider: dict[str, Any],
    identity: UpstreamIdentity,
    subject: str,
    attributes: dict[str, str],
    verified: set[str],
) -> User:
    values = _writable(rules, attributes, creating=True)
    for attribute in verified:
        values[f"{attribute}_verified"] = "true"
    missing_required(rules.schema, values)
    sub = ctx.random.uuid4()
    name = f"{provider['ProviderName']}_{subject}"
    now = ctx.now
    user = User(0, rules.pool_id, name, sub, EXTERNAL_PROVIDER, True, {"sub": sub, **values}, now, now)
    issuer = identity.issuer or identities.issuer_of(provider)
    identities.add(user.attributes, provider, subject, primary=True, issuer=issuer, now=now)
    try:
        user.id = await ctx.uow.users.insert(user, key_of(name, rules.case_sensitive), index_of(rules, user))
    except DuplicateUser:  # the same identity's sign-in in parallel won the race
        raise FederationError("This identity is already signing in; try again", "server_error") from None
    return user


def _writable(rules: PoolRules, attributes: dict[str, str], *, creating: bool) -> dict[str, str]:
    """The mapped attributes a sign-in may write: checked against the schema; immutable ones only once."""
    if not creating:
        mutable = {a["Name"] for a in rules.schema if a.get("Mutable", True)}
        attributes = {k: v for k, v in attributes.items() if k in mutable}
    return check_writes(rules.schema, attributes, creating=creating)
