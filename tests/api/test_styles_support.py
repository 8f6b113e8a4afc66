"""Helpers for the managed login branding and terms tests (no tests here)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError


def code_of(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


@pytest.fixture
def client_id(idp: Any, pool_id: str) -> str:
    """An app client of the test's pool."""
    created = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web")
    return str(created["UserPoolClient"]["ClientId"])
