"""User pool domain operations: CreateUserPoolDomain, DescribeUserPoolDomain, UpdateUserPoolDomain,
DeleteUserPoolDomain.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolDomain.html
A pool has at most one prefix domain and one custom domain; a domain belongs to one pool on the whole
server. Known difference: nothing is provisioned in CloudFront or ACM; the CloudFront names are
generated, the certificate ARN is stored as given, and the domain is ``ACTIVE`` at once.
"""

from __future__ import annotations

import re
import string
import time
from typing import Any

from userpools.errors import FeatureUnavailableInTierException, InvalidParameterException
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation

_RESERVED_WORDS = ("aws", "amazon", "cognito")
_LABEL = set(string.ascii_lowercase + string.digits + "-")
_CLOUDFRONT = string.ascii_lowercase + string.digits


def _version(ctx: Context) -> str:
    return time.strftime("%Y%m%d%H%M%S", time.gmtime(ctx.now))


def _cloudfront(ctx: Context) -> str:
    return "d" + "".join(ctx.random.choice(_CLOUDFRONT) for _ in range(13)) + ".cloudfront.net"


_PREFIX = re.compile(r"^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$")


def _check_custom(domain: str) -> None:
    labels = domain.split(".")
    bad = (
        len(labels) < 2
        or len(domain) > 253
        or any(
            not label or len(label) > 63 or not set(label) <= _LABEL or label[0] == "-" or label[-1] == "-"
            for label in labels
        )
    )
    if bad:
        raise InvalidParameterException(f"Custom domain is not a valid subdomain: {domain}")


def _check_prefix(domain: str) -> None:
    # The model's DomainType pattern: validation lets dotted names through for custom domains only.
    if not _PREFIX.fullmatch(domain):
        raise InvalidParameterException(
            "1 validation error detected: Value '" + domain + "' at 'domain' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: " + _PREFIX.pattern
        )
    for word in _RESERVED_WORDS:
        if word in domain:
            raise InvalidParameterException(f"Domain cannot contain reserved word: {word}")


def _managed_login_version(pool: dict[str, Any], value: int | None) -> int:
    """1 = hosted UI (classic), 2 = managed login, which the Lite feature plan lacks."""
    if value is None:
        return 1
    if value not in (1, 2):
        raise InvalidParameterException(
            "ManagedLoginVersion must be 1 (hosted UI classic) or 2 (managed login)."
        )
    if value == 2 and pool.get("UserPoolTier") == "LITE":
        raise FeatureUnavailableInTierException("Managed login requires the Essentials or Plus feature plan.")
    return value


async def create_domain(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Creates a domain from a CreateUserPoolDomain body; returns the operation's response."""
    pool = await load_pool(ctx, req["UserPoolId"])
    domain, custom = req["Domain"], "CustomDomainConfig" in req
    if custom:
        _check_custom(domain)
    else:
        _check_prefix(domain)
    if await ctx.uow.domains.get(domain) is not None:
        raise InvalidParameterException("Domain already associated with another user pool.")
    if any(d["custom"] == custom for d in await ctx.uow.domains.of_pool(pool["Id"])):
        kind = "custom domain" if custom else "domain"
        raise InvalidParameterException(f"User pool {pool['Id']} already has a {kind} configured.")
    doc: dict[str, Any] = {
        "ManagedLoginVersion": _managed_login_version(pool, req.get("ManagedLoginVersion")),
        "CloudFrontDistribution": _cloudfront(ctx),
        "Version": _version(ctx),
    }
    for member in ("CustomDomainConfig", "Routing"):
        if member in req:
            doc[member] = req[member]
    if not await ctx.uow.domains.insert(domain, pool["Id"], custom, doc, ctx.now):
        raise InvalidParameterException("Domain already associated with another user pool.")
    return _response(doc, custom)


def _response(doc: dict[str, Any], custom: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"ManagedLoginVersion": doc["ManagedLoginVersion"]}
    if custom:
        out["CloudFrontDomain"] = doc["CloudFrontDistribution"]
    if "Routing" in doc:
        out["Routing"] = doc["Routing"]
    return out


@operation("CreateUserPoolDomain", write=True)
async def create_user_pool_domain(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return await create_domain(ctx, req)


@operation("DescribeUserPoolDomain", write=False)
async def describe_user_pool_domain(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """An unknown domain yields an empty DomainDescription, as Cognito answers."""
    row = await ctx.uow.domains.get(req["Domain"])
    if row is None:
        return {"DomainDescription": {}}
    doc = row["doc"]
    description = {
        "UserPoolId": row["pool_id"],
        "AWSAccountId": ctx.settings.account_id,
        "Domain": row["domain"],
        "CloudFrontDistribution": doc["CloudFrontDistribution"],
        "Version": doc["Version"],
        "Status": "ACTIVE",
        "ManagedLoginVersion": doc["ManagedLoginVersion"],
    }
    for member in ("CustomDomainConfig", "Routing"):
        if member in doc:
            description[member] = doc[member]
    return {"DomainDescription": description}


async def _owned(ctx: Context, req: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pool and its domain row named in the request."""
    pool = await load_pool(ctx, req["UserPoolId"])
    row = await ctx.uow.domains.get(req["Domain"])
    if row is None or row["pool_id"] != req["UserPoolId"]:
        raise InvalidParameterException("No such domain or user pool exists.")
    return pool, row


@operation("UpdateUserPoolDomain", write=True)
async def update_user_pool_domain(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Changes a custom domain's certificate and/or the domain's ManagedLoginVersion."""
    pool, row = await _owned(ctx, req)
    doc = dict(row["doc"])
    if "CustomDomainConfig" in req:
        if not row["custom"]:
            raise InvalidParameterException("CustomDomainConfig can only be updated for a custom domain.")
        doc["CustomDomainConfig"] = req["CustomDomainConfig"]
    if "ManagedLoginVersion" in req:
        doc["ManagedLoginVersion"] = _managed_login_version(pool, req["ManagedLoginVersion"])
    if "Routing" in req:
        doc["Routing"] = req["Routing"]
    doc["Version"] = _version(ctx)
    await ctx.uow.domains.update_doc(row["domain"], doc)
    return _response(doc, row["custom"])


@operation("DeleteUserPoolDomain", write=True)
async def delete_user_pool_domain(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    _pool, row = await _owned(ctx, req)
    await ctx.uow.domains.delete(row["domain"])
    return {}
