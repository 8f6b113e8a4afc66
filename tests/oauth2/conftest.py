"""The hosted UI tests use the shared live server (tests/conftest.py); browsers close after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from oauth_support import OPEN


@pytest.fixture(autouse=True)
def _close_browsers() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()
