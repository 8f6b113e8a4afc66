"""``PUT /import-upload/<job id>``: the pre-signed URL a CreateUserImportJob returns, for its CSV file.

Like S3's pre-signed PUT that Cognito hands out, the URL itself is the credential: its HMAC signature
(``operations.import_jobs.upload_signature``) binds the pool, the job and the expiry, so it can't be
guessed, extended or used for another job. Unlike S3 it takes exactly one upload, while the job is Created.
Errors answer as S3 does: an XML ``<Error>`` with a code, 403 for a refused URL.
"""

from __future__ import annotations

import hmac
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from userpools.domain.user_import import MAX_FILE_BYTES
from userpools.operations.import_jobs import UPLOAD_PATH, upload_signature


def _error(status: int, code: str, message: str) -> Response:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
    )
    return Response(body, status_code=status, media_type="application/xml")


async def upload(request: Request) -> Response:
    services = request.app.state.services
    database = request.app.state.database
    job_id = request.path_params["job_id"]
    pool_id = request.query_params.get("pool", "")
    expires = request.query_params.get("expires", "")
    signature = request.query_params.get("signature", "")
    if not expires.isdigit() or not pool_id:
        return _error(403, "AccessDenied", "The URL is not a pre-signed upload URL.")
    expected = upload_signature(services.sealer, pool_id, job_id, int(expires))
    if not hmac.compare_digest(expected, signature):
        return _error(403, "SignatureDoesNotMatch", "The request signature does not match.")
    if services.clock.now() > int(expires):
        return _error(403, "AccessDenied", "Request has expired.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FILE_BYTES:
        return _error(400, "EntityTooLarge", f"The CSV file is larger than {MAX_FILE_BYTES} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            return _error(400, "EntityTooLarge", f"The CSV file is larger than {MAX_FILE_BYTES} bytes.")
        chunks.append(chunk)
    async with database.unit_of_work(True) as uow:
        job = await uow.import_jobs.get(pool_id, job_id)
        stored = job is not None and await uow.import_jobs.store_upload(job_id, b"".join(chunks))
    if job is None:
        return _error(404, "NoSuchKey", f"Import job {job_id} does not exist.")
    if not stored:
        return _error(
            403,
            "AccessDenied",
            "This upload URL has been used already, or its job is no longer in the Created status.",
        )
    return Response(status_code=200)


route = Route(UPLOAD_PATH + "{job_id}", upload, methods=["PUT"])
