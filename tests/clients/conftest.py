"""Fixtures of the client-library tests: the Node clients (skipped locally without Node, failed in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from clients_support import NodeClient, NodeFactory, node_problem

from userpools.testing import RunningServer


@pytest.fixture(scope="session")
def node_ready() -> None:
    """Node and the pinned packages (tests/clients/js) are needed; CI must have them, a laptop may not."""
    problem = node_problem()
    if not problem:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the JS client tests can't run: {problem}", pytrace=False)
    pytest.skip(f"JS client tests skipped: {problem}")


def _factory(script: str, live: RunningServer, tmp_path: Path) -> NodeFactory:
    def make(pool_id: str, client_id: str, name: str = "app") -> NodeClient:
        return NodeClient(script, live, pool_id, client_id, tmp_path / f"{name}-storage.json")

    return make


@pytest.fixture
def cij(node_ready: None, live: RunningServer, tmp_path: Path) -> NodeFactory:
    """``cij(pool_id, client_id)`` → amazon-cognito-identity-js bound to that app client."""
    return _factory("cij.js", live, tmp_path)


@pytest.fixture
def amplify(node_ready: None, live: RunningServer, tmp_path: Path) -> NodeFactory:
    """``amplify(pool_id, client_id)`` → aws-amplify v6 (Auth) bound to that app client."""
    return _factory("amplify.js", live, tmp_path)
