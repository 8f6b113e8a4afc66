"""The operation table: each handler registers itself under its model operation name.

An operation is either implemented here for real or not registered at all; an unregistered name
answers like an unknown operation (never a fake success).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from userpools.protocol import model

if TYPE_CHECKING:
    from userpools.operations.context import Context

Handler = Callable[["Context", dict[str, Any]], Awaitable[dict[str, Any]]]

# Modules that register operations; imported once when the table is first built.
FAMILIES = (
    "pools",
    "clients",
    "domains",
    "resource_servers",
    "identity_providers",
    "ui_customization",
    "branding",
    "terms",
    "groups",
    "users",
    "users_admin",
    "users_password",
    "users_list",
    "tags",
    "pool_mfa",
    "tokens",
    "signup",
    "recovery",
    "user_settings",
    "self_service",
    "auth",
    "mfa",
    "devices",
    "user_links",
    "webauthn",
    "risk",
    "log_delivery",
    "exchange",
    "sessions",
    "cimd",
    "replicas",
    "pitr",
    "quotas",
    "import_jobs",
    "signing_certificate",
)


@dataclass(frozen=True)
class Operation:
    name: str
    handler: Handler
    write: bool


_TABLE: dict[str, Operation] = {}


def operation(name: str, *, write: bool) -> Callable[[Handler], Handler]:
    """Registers ``handler`` for the model operation ``name``; ``write`` opens a writing transaction."""
    if name not in model.operation_names():
        raise ValueError(f"{name} is not an operation of the cognito-idp model")

    def register(handler: Handler) -> Handler:
        if name in _TABLE:
            raise ValueError(f"{name} registered twice")
        _TABLE[name] = Operation(name, handler, write)
        return handler

    return register


def table() -> Mapping[str, Operation]:
    for family in FAMILIES:
        importlib.import_module(f"userpools.operations.{family}")
    return _TABLE
