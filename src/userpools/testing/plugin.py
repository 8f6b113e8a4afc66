"""pytest plugin (registered by entry point, so installing userpools is enough).

Fixtures:

``userpools_settings``
    Session-scoped dict of ``Settings`` overrides (``region``, ``seed``, ``email_sender`` ...) for the
    server; override it in your ``conftest.py``.
``userpools_server``
    A live Userpools on a free loopback port with a fresh database, once per test session:
    ``.url`` is its endpoint, ``.client()`` a boto3 client, ``.outbox`` the file of sent messages.
``cognito_idp``
    A boto3 ``cognito-idp`` client pointed at ``userpools_server``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from userpools.testing import RunningServer, server


@pytest.fixture(scope="session")
def userpools_settings() -> dict[str, Any]:
    """Overrides for the session's server; empty means the defaults."""
    return {}


@pytest.fixture(scope="session")
def userpools_server(userpools_settings: dict[str, Any]) -> Iterator[RunningServer]:
    """A live Userpools for the test session."""
    with server(**userpools_settings) as srv:
        yield srv


@pytest.fixture
def cognito_idp(userpools_server: RunningServer) -> Any:
    """A boto3 ``cognito-idp`` client pointed at ``userpools_server``."""
    return userpools_server.client()
