"""``POST /``: the AWS JSON 1.1 endpoint of the cognito-idp API."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from userpools.errors import InternalErrorException, ServiceError, UnknownOperationException
from userpools.operations.registry import Operation
from userpools.operations.runner import Runner
from userpools.protocol import model
from userpools.protocol.sigv4 import SigV4Verifier
from userpools.protocol.validate import validate
from userpools.protocol.wire import CONTENT_TYPE, decode_body, encode, error_parts, operation_from_target

log = logging.getLogger("userpools")


class ApiEndpoint:
    def __init__(
        self, table: Mapping[str, Operation], runner: Runner, verifier: SigV4Verifier, default_region: str
    ) -> None:
        self.table = table
        self.runner = runner
        self.verifier = verifier
        self.default_region = default_region

    async def endpoint(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        try:
            status, body = 200, await self._handle(request, request_id)
            headers = {"x-amzn-requestid": request_id}
        except ServiceError as error:
            status, headers, body = error_parts(error, request_id)
        except Exception:
            log.exception("internal error in request %s", request_id)
            status, headers, body = error_parts(InternalErrorException(), request_id)
        return Response(body, status_code=status, headers=headers, media_type=CONTENT_TYPE)

    async def _handle(self, request: Request, request_id: str) -> bytes:
        name = operation_from_target(request.headers.get("x-amz-target"))
        op = self.table.get(name)
        if op is None:
            raise UnknownOperationException()
        raw = await request.body()
        region = self.default_region
        if not model.is_unsigned(name):
            auth = self.verifier.verify(
                request.method, str(request.url), request.headers, raw, dt.datetime.now(dt.UTC)
            )
            region = auth.region
        params = validate(model.input_shape(name), decode_body(raw))
        return encode(await self.runner.run(op, params, request_id, region))
