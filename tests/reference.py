"""The independent Cognito SRP client of the benchmark harness (../shared/bench/cognito_srp.py).

Our SRP math is checked against it so that it is not only checked against itself. It lives beside
the repository (``../shared``), or where USERPOOLS_BENCH_DIR points. Missing locally: those tests
skip; missing in CI (CI=true): they fail.
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def bench_dir() -> Path:
    configured = os.environ.get("USERPOOLS_BENCH_DIR")
    return Path(configured) if configured else REPO.parent / "shared" / "bench"


@cache
def _load() -> Any:
    path = bench_dir() / "cognito_srp.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("cognito_srp", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_srp() -> Any:
    module = _load()
    if module is None:
        message = f"reference SRP client not found at {bench_dir()}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return module
