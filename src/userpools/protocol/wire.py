"""AWS JSON 1.1 framing: the target header, body decoding and the one place errors are serialized."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from userpools.errors import SerializationException, ServiceError, UnknownOperationException
from userpools.protocol.model import target_prefix

CONTENT_TYPE = "application/x-amz-json-1.1"


def operation_from_target(target: str | None) -> str:
    prefix, _, name = (target or "").partition(".")
    if prefix != target_prefix() or not name:
        raise UnknownOperationException()
    return name


def decode_body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise SerializationException("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise SerializationException("The request body must be a JSON object.")
    return body


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        import base64

        return base64.b64encode(value).decode()
    raise TypeError(f"cannot serialize {type(value).__name__}")


def encode(payload: Mapping[str, Any]) -> bytes:
    return orjson.dumps(payload, default=_default)


def error_parts(error: ServiceError, request_id: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of an error response; the header form is what Amplify reads first."""
    headers = {
        "content-type": CONTENT_TYPE,
        "x-amzn-requestid": request_id,
        "x-amzn-errortype": f"{error.code}:",
        "x-amzn-errormessage": _header_safe(error.message),
    }
    return error.status, headers, encode(error.body())


# HTTP forbids control characters in a header value; the message may echo them from the request.
_CONTROLS = {i: " " for i in (*range(0x20), 0x7F)}


def _header_safe(text: str) -> str:
    return text.encode("ascii", "replace").decode().translate(_CONTROLS)[:1024]
