"""BrandingRepo and TermsRepo on both stores: unique keys a concurrent writer can hit, assets, cascades."""

from __future__ import annotations

from typing import Any

from userpools.store.database import Database

POOL = "us-east-1_Styles0001"
CLIENT = "styleclient0001"


def _style(style_id: str) -> dict[str, Any]:
    return {"id": style_id, "pool_id": POOL, "client_id": CLIENT, "use_cognito_provided_values": False,
            "settings": {"components": {}}, "created": 1.0, "modified": 1.0}  # fmt: skip


def _terms(terms_id: str, name: str) -> dict[str, Any]:
    return {"id": terms_id, "pool_id": POOL, "client_id": CLIENT, "name": name, "source": "LINK",
            "enforcement": "NONE", "links": {"cognito:default": "https://e.com"}, "created": 1.0,
            "modified": 1.0}  # fmt: skip


def _asset(category: str, data: bytes, version: str) -> dict[str, Any]:
    return {"category": category, "color_mode": "LIGHT", "extension": "PNG", "bytes": data,
            "resource_id": None, "version": version}  # fmt: skip


async def _setup(db: Database) -> None:
    async with db.unit_of_work(write=True) as uow:
        await uow.pools.insert(POOL, POOL, {}, 1.0)
        assert await uow.clients.insert(POOL, CLIENT, "web", {}, 1.0)


async def test_one_style_per_client_and_assets(database: Database) -> None:
    await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        assert await uow.brandings.insert(_style("a"))
        await uow.brandings.put_assets(
            "a", [_asset("FORM_LOGO", b"one", "v1"), _asset("PAGE_BACKGROUND", b"bg", "v1")]
        )
        await uow.brandings.put_assets("a", [_asset("FORM_LOGO", b"two", "v2")])  # replaces its category only
    async with database.unit_of_work(write=True) as uow:
        assert not await uow.brandings.insert(_style("b"))  # the client's style exists
    async with database.unit_of_work(write=False) as uow:
        style = await uow.brandings.of_client(POOL, CLIENT)
        assert style is not None and style["id"] == "a" and style["settings"] == {"components": {}}
        assets = {a["category"]: (bytes(a["bytes"]), a["version"]) for a in await uow.brandings.assets("a")}
        assert assets == {"FORM_LOGO": (b"two", "v2"), "PAGE_BACKGROUND": (b"bg", "v1")}
    async with database.unit_of_work(write=True) as uow:
        await uow.clients.delete(POOL, CLIENT)  # the style and its assets go with the client
    async with database.unit_of_work(write=False) as uow:
        assert await uow.brandings.get(POOL, "a") is None and await uow.brandings.assets("a") == []


async def test_one_terms_document_of_each_name(database: Database) -> None:
    await _setup(database)
    async with database.unit_of_work(write=True) as uow:
        assert await uow.terms.insert(_terms("t1", "terms-of-use"))
        assert await uow.terms.insert(_terms("t2", "privacy-policy"))
    async with database.unit_of_work(write=True) as uow:
        assert not await uow.terms.insert(_terms("t3", "terms-of-use"))
    async with database.unit_of_work(write=True) as uow:
        assert not await uow.terms.update("t2", {"name": "terms-of-use"})
    async with database.unit_of_work(write=False) as uow:
        assert [row["id"] for row in await uow.terms.page(POOL, None, 1)] == ["t1"]
        assert [row["id"] for row in await uow.terms.page(POOL, "t1", 5)] == ["t2"]
        privacy = await uow.terms.by_name(POOL, CLIENT, "privacy-policy")
        assert privacy is not None and privacy["id"] == "t2"
