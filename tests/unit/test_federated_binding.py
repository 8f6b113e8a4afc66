"""The browser binding of a federated sign-in (userpools.oauth2.federated_state.bound_to)."""

from __future__ import annotations

import pytest

from userpools.crypto.sealing import Sealer
from userpools.oauth2.federated_state import (
    PendingFederation,
    binding_hash,
    bound_to,
    new_binding,
    open_pending,
    seal,
)
from userpools.ports import SystemRandom

RANDOM = SystemRandom()
VALUE = new_binding(RANDOM)


def pending(*, cross_site_post: bool = False, browser: str = binding_hash(VALUE)) -> PendingFederation:
    return PendingFederation("0" * 32, "Corp", {}, 1.0, browser=browser, cross_site_post=cross_site_post)


@pytest.mark.parametrize("cross_site_post", [False, True])
@pytest.mark.parametrize("secure", [False, True])
def test_the_browser_that_started_it_is_bound(cross_site_post: bool, secure: bool) -> None:
    started = pending(cross_site_post=cross_site_post)
    assert bound_to(started, VALUE, secure=secure)
    assert not bound_to(started, new_binding(RANDOM), secure=secure)  # another browser's cookie
    assert not bound_to(started, VALUE + "x", secure=secure)


def test_without_the_cookie_only_a_cross_site_post_on_plain_http_passes() -> None:
    assert not bound_to(pending(), None, secure=False)  # OIDC: a GET redirect carries Lax cookies
    assert not bound_to(pending(), None, secure=True)
    assert not bound_to(pending(cross_site_post=True), None, secure=True)  # SameSite=None; Secure is sent
    assert bound_to(pending(cross_site_post=True), None, secure=False)  # no browser sends it: unchecked
    assert not bound_to(pending(browser=""), VALUE, secure=False)  # a state without a binding


def test_the_binding_travels_sealed_in_the_state() -> None:
    sealer = Sealer(b"f" * 32, RANDOM)
    opened = open_pending(sealer, "login", seal(sealer, "login", pending(cross_site_post=True)))
    assert opened is not None and opened.cross_site_post and bound_to(opened, VALUE, secure=True)
    assert len(VALUE) >= 32 and new_binding(RANDOM) != VALUE
