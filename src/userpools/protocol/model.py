"""botocore's ``cognito-idp`` service model, loaded once from the installed botocore.

The model is the single source of truth for operation names, shapes and constraints; nothing here
copies it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session

SERVICE = "cognito-idp"
API_VERSION = "2016-04-18"


@cache
def service_model() -> Any:
    session = botocore.session.get_session()
    model = session.get_service_model(SERVICE, api_version=API_VERSION)
    if model.metadata.get("targetPrefix") != "AWSCognitoIdentityProviderService":
        raise RuntimeError("unexpected cognito-idp model: wrong targetPrefix")
    return model


def target_prefix() -> str:
    return str(service_model().metadata["targetPrefix"])


@cache
def operation_names() -> tuple[str, ...]:
    return tuple(service_model().operation_names)


@cache
def is_unsigned(operation: str) -> bool:
    """True when the model says the operation takes no SigV4 (``authtype: none`` / ``smithy.api#noAuth``)."""
    raw = service_model().operation_model(operation)._operation_model
    return raw.get("authtype") == "none" or "smithy.api#noAuth" in (raw.get("auth") or [])


@cache
def input_shape(operation: str) -> Any:
    return service_model().operation_model(operation).input_shape
