"""Terms documents of app clients: CreateTerms, DescribeTerms, DescribeTermsByClient, ListTerms,
UpdateTerms, DeleteTerms.

API reference: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateTerms.html
An app client has at most one document of each TermsName (``terms-of-use``, ``privacy-policy``); a
second one is TermsExistsException. Links map a managed login language (``cognito:english`` ...) to a
URL, ``cognito:default`` serving every language without its own. Once a client has both documents, the
sign-up page of a managed login (version 2) domain links them (``web.hosted.managed_login``).
TermsSource (LINK) and Enforcement (NONE) each have one value in the model, reserved for future use.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from userpools.errors import InvalidParameterException, ResourceNotFoundException, TermsExistsException
from userpools.operations.clients import load_client, page_after
from userpools.operations.context import Context
from userpools.operations.pools import load_pool
from userpools.operations.registry import operation
from userpools.protocol.pagination import encode_token


def _check_links(links: dict[str, str]) -> dict[str, str]:
    for language, url in links.items():
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise InvalidParameterException(f"Links[{language}] must be an absolute http or https URL.")
    return links


def _wire(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "TermsId": row["id"],
        "UserPoolId": row["pool_id"],
        "ClientId": row["client_id"],
        "TermsName": row["name"],
        "TermsSource": row["source"],
        "Enforcement": row["enforcement"],
        "Links": row["links"],
        "CreationDate": row["created"],
        "LastModifiedDate": row["modified"],
    }


def _exists(name: str, client_id: str) -> TermsExistsException:
    return TermsExistsException(f"App client {client_id} already has {name} terms.")


async def _load(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    row = await ctx.uow.terms.get(req["UserPoolId"], req["TermsId"])
    if row is None:
        raise ResourceNotFoundException(f"Terms {req['TermsId']} do not exist.")
    return row


@operation("CreateTerms", write=True)
async def create_terms(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    if "Links" not in req:
        raise InvalidParameterException("Links is required: a URL for at least one language.")
    links = _check_links(req["Links"])
    if await ctx.uow.terms.by_name(pool["Id"], client["ClientId"], req["TermsName"]) is not None:
        raise _exists(req["TermsName"], client["ClientId"])
    now = ctx.now
    row = {
        "id": ctx.random.uuid4(),
        "pool_id": pool["Id"],
        "client_id": client["ClientId"],
        "name": req["TermsName"],
        "source": req["TermsSource"],
        "enforcement": req["Enforcement"],
        "links": links,
        "created": now,
        "modified": now,
    }
    if not await ctx.uow.terms.insert(row):
        raise _exists(row["name"], row["client_id"])
    return {"Terms": _wire(row)}


@operation("DescribeTerms", write=False)
async def describe_terms(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    return {"Terms": _wire(await _load(ctx, req))}


@operation("DescribeTermsByClient", write=False)
async def describe_terms_by_client(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    pool = await load_pool(ctx, req["UserPoolId"])
    client = await load_client(ctx, pool["Id"], req["ClientId"])
    row = await ctx.uow.terms.by_name(pool["Id"], client["ClientId"], req["TermsName"])
    if row is None:
        raise ResourceNotFoundException(f"App client {client['ClientId']} has no {req['TermsName']} terms.")
    return {"Terms": _wire(row)}


@operation("ListTerms", write=False)
async def list_terms(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    await load_pool(ctx, req["UserPoolId"])
    limit = req.get("MaxResults", 60)
    page = await ctx.uow.terms.page(req["UserPoolId"], page_after(req.get("NextToken")), limit + 1)
    out: dict[str, Any] = {
        "Terms": [
            {
                "TermsId": row["id"],
                "TermsName": row["name"],
                "Enforcement": row["enforcement"],
                "CreationDate": row["created"],
                "LastModifiedDate": row["modified"],
            }
            for row in page[:limit]
        ]
    }
    if len(page) > limit:
        out["NextToken"] = encode_token(page[limit - 1]["id"])
    return out


@operation("UpdateTerms", write=True)
async def update_terms(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    """Members left out keep their values; a new TermsName must be free on the client."""
    row = await _load(ctx, req)
    name = req.get("TermsName", row["name"])
    if name != row["name"] and await ctx.uow.terms.by_name(row["pool_id"], row["client_id"], name):
        raise _exists(name, row["client_id"])
    values = {
        "name": name,
        "source": req.get("TermsSource", row["source"]),
        "enforcement": req.get("Enforcement", row["enforcement"]),
        "links": _check_links(req["Links"]) if "Links" in req else row["links"],
        "modified": ctx.now,
    }
    if not await ctx.uow.terms.update(row["id"], values):
        raise _exists(name, row["client_id"])
    return {"Terms": _wire({**row, **values})}


@operation("DeleteTerms", write=True)
async def delete_terms(ctx: Context, req: dict[str, Any]) -> dict[str, Any]:
    row = await _load(ctx, req)
    await ctx.uow.terms.delete(row["id"])
    return {}
