"""A handler's bug is a 500 InternalErrorException; any failure rolls the whole request back.

Uses the real runner and a real SQLite database with test handlers registered in a private table.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from protocol_support import LOCAL_AUTH, PREFIX
from starlette.applications import Starlette
from starlette.routing import Route

from userpools.app import create_app
from userpools.config import Settings
from userpools.errors import UserNotFoundException
from userpools.operations.context import Context
from userpools.operations.registry import Operation
from userpools.protocol.sigv4 import SigV4Verifier
from userpools.web.api import ApiEndpoint

POOL = "us-east-1_Rollback1"


async def _write_then(ctx: Context, error: Exception) -> dict[str, Any]:
    await ctx.uow.pools.insert(POOL, "written", {"Id": POOL, "Name": "written"}, ctx.now)
    raise error


async def buggy(ctx: Context, _req: dict[str, Any]) -> dict[str, Any]:
    return await _write_then(ctx, KeyError("a bug"))


async def refusing(ctx: Context, _req: dict[str, Any]) -> dict[str, Any]:
    return await _write_then(ctx, UserNotFoundException("User does not exist."))


@pytest.mark.parametrize(
    ("handler", "status", "code", "message"),
    [
        (buggy, 500, "InternalErrorException", "An internal error occurred."),
        (refusing, 400, "UserNotFoundException", "User does not exist."),
    ],
)
def test_failures_roll_back_and_are_framed(
    tmp_path: Path, handler: Any, status: int, code: str, message: str
) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    table = {"ListUserPools": Operation("ListUserPools", handler, write=True)}
    api = ApiEndpoint(table, app.state.runner, SigV4Verifier("local", ()), "us-east-1")
    web = Starlette(routes=[Route("/", api.endpoint, methods=["POST"])])

    async def scenario() -> tuple[httpx.Response, bool]:
        database = app.state.database
        await database.start()
        try:
            transport = httpx.ASGITransport(app=web)
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                response = await client.post(
                    "/",
                    content=b'{"MaxResults": 1}',
                    headers={"x-amz-target": PREFIX + "ListUserPools", "authorization": LOCAL_AUTH},
                )
            async with database.unit_of_work(write=False) as uow:
                written = await uow.pools.exists(POOL)
        finally:
            await database.close()
        return response, written

    response, written = asyncio.run(scenario())
    assert response.status_code == status
    assert response.json() == {"__type": code, "message": message}
    assert response.headers["x-amzn-errortype"] == f"{code}:"
    assert not written, "the failed request's write was rolled back"
