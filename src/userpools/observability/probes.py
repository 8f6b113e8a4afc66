"""``/health`` (the process answers), ``/ready`` (the store answers and is migrated), ``/metrics``."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

log = logging.getLogger("userpools")
STORE_UNAVAILABLE = "The user pool database is temporarily unavailable; retry the request."
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


async def health(_request: Request) -> Response:
    """Liveness: the event loop runs and answers. Says nothing of the store, so a database outage
    does not make an orchestrator restart every node at once."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> Response:
    """Readiness: 503 with the reason while the store is unreachable or not at the latest migration."""
    problem = await request.app.state.database.readiness()
    if problem is not None:
        return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
    return JSONResponse({"status": "ready"})


async def store_unavailable(_request: Request, exc: Exception) -> Response:
    """The OAuth2, OIDC and hosted routes during a database outage: 503, retry shortly (RFC 6749's
    ``temporarily_unavailable``), instead of a bare 500; the API answers InternalErrorException."""
    log.warning("the database is unavailable: %s", exc)
    body = {"error": "temporarily_unavailable", "error_description": STORE_UNAVAILABLE}
    return JSONResponse(body, status_code=503, headers={"Retry-After": "1"})


async def metrics(request: Request) -> Response:
    token = request.app.state.services.settings.metrics_token
    given = request.headers.get("authorization", "")
    if token and not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return PlainTextResponse("metrics need the configured bearer token\n", status_code=401)
    return PlainTextResponse(request.app.state.metrics.render(), media_type=METRICS_CONTENT_TYPE)


routes = [
    Route("/health", health, methods=["GET"]),
    Route("/ready", ready, methods=["GET"]),
    Route("/metrics", metrics, methods=["GET"]),
]
