"""``POST /``: the AWS JSON 1.1 endpoint of the cognito-idp API.

One server answers for a set of regions (``Settings.served_regions``). A signed caller's region is
the region of its SigV4 credential scope; an unsigned caller (InitiateAuth, SignUp, ...) carries no
region, so it gets the default one. Pools live in the region their id starts with: a pool id of a
region the caller is not in is answered as a pool that does not exist, as Cognito's regional
endpoints do, unless the pool has a replica in the caller's region (``operations.replicas.admit``).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import (
    InternalErrorException,
    InvalidSignatureException,
    SerializationException,
    ServiceError,
    UnknownOperationException,
)
from userpools.observability.metrics import Metrics
from userpools.observability.probes import STORE_UNAVAILABLE
from userpools.observability.requests import Observer, RequestInfo
from userpools.operations.pools import pool_not_found
from userpools.operations.registry import Operation
from userpools.operations.runner import Runner
from userpools.protocol import model
from userpools.protocol.sigv4 import SigV4Verifier
from userpools.protocol.validate import validate
from userpools.protocol.wire import CONTENT_TYPE, decode_body, encode, error_parts, operation_from_target
from userpools.store.connection import StoreUnavailable

log = logging.getLogger("userpools")

# Far above the largest legitimate request (branding assets), far below what would hurt a node.
MAX_BODY = 8 * 1024 * 1024


class ApiEndpoint:
    def __init__(
        self,
        table: Mapping[str, Operation],
        runner: Runner,
        verifier: SigV4Verifier,
        default_region: str,
        observer: Observer | None = None,
    ) -> None:
        self.table = table
        self.runner = runner
        self.verifier = verifier
        self.default_region = default_region
        self.observer = observer or Observer(Metrics(), log_requests=False)
        served = runner.services.settings.served_regions
        self.regions: tuple[str, ...] = (default_region, *(r for r in served if r != default_region))

    async def endpoint(self, request: Request) -> Response:
        """The endpoint as a Starlette route (the app itself uses the leaner ``web.asgi`` face)."""
        raw = await _read_body(request)
        client = request.client.host if request.client else ""
        status, headers, body = await self.respond(
            request.method, str(request.url), request.headers, raw, client
        )
        return Response(body, status_code=status, headers=headers, media_type=CONTENT_TYPE)

    async def respond(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        raw: bytes | SerializationException,
        source_ip: str = "",
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for one API request; never raises."""
        started = time.perf_counter()
        seen = RequestInfo(str(uuid.uuid4()))
        try:
            if isinstance(raw, SerializationException):
                raise raw
            body = await self._handle(method, url, headers, raw, seen, source_ip)
            answer = 200, {"content-type": CONTENT_TYPE, "x-amzn-requestid": seen.request_id}, body
            outcome = "ok"
        except ServiceError as error:
            answer, outcome = error_parts(error, seen.request_id), error.code
        except StoreUnavailable as error:
            # An outage, not a bug: one line, and Cognito's retryable 500 (SDKs retry it by themselves).
            log.warning("request %s: the database is unavailable: %s", seen.request_id, error)
            answer = error_parts(InternalErrorException(STORE_UNAVAILABLE), seen.request_id)
            outcome = "InternalErrorException"
        except Exception:
            log.exception("internal error in request %s", seen.request_id)
            answer, outcome = error_parts(InternalErrorException(), seen.request_id), "InternalErrorException"
        self.observer.done(seen, outcome, time.perf_counter() - started, answer[2])
        return answer

    async def _handle(
        self, method: str, url: str, headers: Mapping[str, str], raw: bytes, seen: RequestInfo, source_ip: str
    ) -> bytes:
        name = operation_from_target(headers.get("x-amz-target"))
        op = self.table.get(name)
        if op is None:
            raise UnknownOperationException()
        seen.operation = name
        region = self.default_region
        signed = not model.is_unsigned(name)
        if signed:
            auth = self.verifier.verify(method, url, headers, raw, dt.datetime.now(dt.UTC))
            region = self._served(auth.region) if auth else self.default_region
        params = validate(model.input_shape(name), decode_body(raw))
        seen.pool, seen.client = params.get("UserPoolId"), params.get("ClientId")
        replicated = self._check_pool_region(params, region, signed)
        return encode(
            await self.runner.run(op, params, seen.request_id, region, source_ip, replica_of=replicated)
        )

    def _served(self, region: str) -> str:
        if region not in self.regions:
            # What a regional AWS endpoint answers to a credential scoped to another region.
            raise InvalidSignatureException(
                f"Credential should be scoped to a valid region, not '{region}'. "
                f"This server serves: {', '.join(self.regions)}."
            )
        return region

    def _check_pool_region(self, params: dict[str, Any], region: str, signed: bool) -> str | None:
        """The pool id when a signed call reaches it through a replica in its own region (the runner
        checks that replica), None when the pool is the caller region's own or the call unsigned."""
        pool_id = params.get("UserPoolId")
        if not isinstance(pool_id, str):
            return None
        prefix = pool_id.partition("_")[0]
        if prefix not in self.regions:
            raise pool_not_found(pool_id)
        # A signed call reaches one regional endpoint; an unsigned one may name any served region.
        return pool_id if signed and prefix != region else None


async def _read_body(request: Request) -> bytes | SerializationException:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def too_large() -> SerializationException:
    return SerializationException(f"The request body is larger than {MAX_BODY // (1024 * 1024)} MiB.")
