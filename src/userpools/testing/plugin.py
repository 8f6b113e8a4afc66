"""pytest plugin: the ``userpools_server`` fixture (a fresh in-process server per test session)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from userpools.testing import RunningServer, server


@pytest.fixture(scope="session")
def userpools_server() -> Iterator[RunningServer]:
    """A live Userpools on a free port; ``.url`` is its endpoint, ``.client()`` a boto3 client."""
    with server() as srv:
        yield srv


@pytest.fixture
def cognito_idp(userpools_server: RunningServer) -> object:
    """A boto3 ``cognito-idp`` client pointed at ``userpools_server``."""
    return userpools_server.client()
