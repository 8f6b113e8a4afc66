"""The API endpoint in isolation: every model operation registered to a handler that echoes its input.

This tests the protocol layer (dispatch, SigV4, validation, error framing) independently of which
operations are implemented. Requests go through httpx's ASGI transport (real HTTP framing, no
socket); a few tests use the live server where the whole app (CORS) matters.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from userpools.config import AccessKey, Settings
from userpools.operations.pools import pool_not_found
from userpools.operations.registry import Operation
from userpools.protocol import model
from userpools.protocol.sigv4 import SigV4Verifier
from userpools.web.api import ApiEndpoint

PREFIX = "AWSCognitoIdentityProviderService."
# Well-formed enough for local mode: local mode checks the shape, not the signature.
LOCAL_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)


@dataclass
class EchoRunner:
    """Stands in for the database-backed runner: records the call and returns the cleaned input."""

    settings: Settings
    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    fail_with: BaseException | None = None

    @property
    def services(self) -> Any:
        return SimpleNamespace(settings=self.settings)

    async def run(
        self,
        op: Operation,
        params: dict[str, Any],
        request_id: str,
        region: str,
        source_ip: str = "",
        replica_of: str | None = None,
    ) -> Any:
        if replica_of is not None:  # no pool has replicas here: the real runner's answer then
            raise pool_not_found(replica_of)
        self.calls.append((op.name, params, region))
        if self.fail_with is not None:
            raise self.fail_with
        return {"Echo": params, "Region": region}


async def _never(_ctx: Any, _req: dict[str, Any]) -> dict[str, Any]:
    raise AssertionError("the EchoRunner never calls handlers")


def echo_table(skip: tuple[str, ...] = ()) -> dict[str, Operation]:
    return {n: Operation(n, _never, write=True) for n in model.operation_names() if n not in skip}


@dataclass
class Endpoint:
    app: Starlette
    runner: EchoRunner

    def call(
        self,
        operation: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
        auth: str | None = LOCAL_AUTH,
    ) -> httpx.Response:
        sent = {"content-type": "application/x-amz-json-1.1", "x-amz-target": PREFIX + operation}
        if auth is not None:
            sent["authorization"] = auth
        sent.update(headers or {})
        content = raw if raw is not None else httpx.Request("POST", "/", json=body or {}).content
        return asyncio.run(self._post(content, sent))

    async def _post(self, content: bytes, headers: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9229") as client:
            return await client.post("/", content=content, headers=headers)


MakeEndpoint = Callable[..., Endpoint]


@pytest.fixture
def make_endpoint() -> MakeEndpoint:
    def make(skip: tuple[str, ...] = (), **settings: Any) -> Endpoint:
        s = Settings(**settings)
        runner = EchoRunner(s)
        api = ApiEndpoint(echo_table(skip), runner, SigV4Verifier(s.auth_mode, s.access_keys), s.region)  # type: ignore[arg-type]
        return Endpoint(Starlette(routes=[Route("/", api.endpoint, methods=["POST"])]), runner)

    return make


@pytest.fixture
def endpoint(make_endpoint: MakeEndpoint) -> Endpoint:
    return make_endpoint()


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["__type"], body["message"]


STRICT_KEY = AccessKey("AKIDSTRICTTEST", "strict-secret-value")
