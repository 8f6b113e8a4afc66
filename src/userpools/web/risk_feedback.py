"""``GET /risk/feedback``: the one-click links of threat protection's notification emails.

The links (``auth.risk_notify``) carry the user pool, username, event id, FeedbackToken and the answer
(Valid / Invalid); following one runs UpdateAuthEventFeedback with them, as Cognito's links do, and
answers with a short page.
"""

from __future__ import annotations

import html
import uuid

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from userpools.errors import ServiceError
from userpools.operations.registry import table
from userpools.protocol import model
from userpools.protocol.validate import validate

PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
    "<body><p>{text}</p></body></html>"
)
FIELDS = {
    "UserPoolId": "user_pool_id",
    "Username": "username",
    "EventId": "event_id",
    "FeedbackToken": "feedback_token",
    "FeedbackValue": "feedback_value",
}


def _page(title: str, text: str, status: int) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=html.escape(title), text=html.escape(text)), status_code=status)


async def feedback(request: Request) -> HTMLResponse:
    name = "UpdateAuthEventFeedback"
    raw = {member: request.query_params.get(param) for member, param in FIELDS.items()}
    try:
        params = validate(model.input_shape(name), {k: v for k, v in raw.items() if v is not None})
        region = str(params["UserPoolId"]).partition("_")[0]
        await request.app.state.runner.run(table()[name], params, str(uuid.uuid4()), region)
    except ServiceError as error:
        return _page("Feedback not recorded", error.message, error.status)
    return _page("Thank you", "Thank you: your feedback on this sign-in has been recorded.", 200)


routes = [Route("/risk/feedback", feedback, methods=["GET"])]
