"""Hypothesis profiles for the hostile-input tests.

``ci`` (the default): a bounded number of examples per operation, derandomized so every run sends the
same requests. ``deep``: many more random examples, to hunt for new holes locally:
``HYPOTHESIS_PROFILE=deep .venv/bin/pytest tests/security/test_fuzz_operations.py``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,  # no .hypothesis directory in the tree; failures print their example
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
}
settings.register_profile("ci", max_examples=12, derandomize=True, **_COMMON)
settings.register_profile("deep", max_examples=300, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The hosted-page and userInfo tests reuse the OAuth test helpers (apps with a domain, a cookie-keeping
# browser); they live with the OAuth tests, whose directory pytest puts on sys.path only for those.
sys.path.insert(0, str(Path(__file__).parent.parent / "oauth2"))


@pytest.fixture(autouse=True)
def _close_browsers() -> Iterator[None]:
    from oauth_support import OPEN

    yield
    while OPEN:
        OPEN.pop().close()
