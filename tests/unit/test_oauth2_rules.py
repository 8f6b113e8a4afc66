"""Pure parts of userpools.oauth2: Host matching, reported URLs, PKCE, the session seal, callbacks."""

from __future__ import annotations

import pytest

from userpools.config import Settings
from userpools.crypto.sealing import Sealer
from userpools.oauth2 import pkce, session
from userpools.oauth2.authorize import Callback
from userpools.oauth2.sites import HostMatch, domain_url, match_host
from userpools.ports import SystemRandom

SETTINGS = Settings(port=9229)
SEALER = Sealer(b"m" * 32, SystemRandom())


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("myapp.auth.us-east-1.amazoncognito.com", HostMatch("myapp", False, "us-east-1")),
        ("MyApp.Auth.us-east-1.amazoncognito.com:443", HostMatch("myapp", False, "us-east-1")),
        ("login.example.com", HostMatch("login.example.com", True)),
        ("login.example.com:8443", HostMatch("login.example.com", True)),
        ("a.b.auth.us-east-1.amazoncognito.com", None),
        ("amazoncognito.com.evil", HostMatch("amazoncognito.com.evil", True)),
        ("127.0.0.1:9229", None),
        ("[::1]:9229", None),
        ("localhost:9229", None),
        ("", None),
    ],
)
def test_match_host(host: str, expected: HostMatch | None) -> None:
    assert match_host(SETTINGS, host) == expected


def test_domain_urls() -> None:
    assert domain_url(SETTINGS, "myapp", False, "us-east-1") == "http://127.0.0.1:9229/domain/myapp"
    assert domain_url(SETTINGS, "login.example.com", True, "us-east-1") == "http://login.example.com:9229"
    public = Settings(public_url="https://id.example.com", domain_base_host="auth.example.com")
    assert domain_url(public, "myapp", False, "eu-west-1") == "https://myapp.auth.eu-west-1.auth.example.com"
    assert domain_url(public, "login.example.com", True, "eu-west-1") == "https://login.example.com"


def test_bad_base_host_is_refused() -> None:
    with pytest.raises(ValueError, match="DOMAIN_BASE_HOST"):
        Settings(domain_base_host="not a host").check()


def test_pkce() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 appendix B
    assert pkce.s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert pkce.verify("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256", verifier)
    assert pkce.verify(verifier, "plain", verifier)
    assert not pkce.verify(verifier, "S256", verifier)
    assert not pkce.verify("short", "plain", "short")


def test_session_is_bound_to_its_domain_and_expires() -> None:
    live = session.HostedSession("us-east-1_abc", 7, "sub-7", 1000.0, 4600.0)
    sealed = session.seal(SEALER, "myapp", live)
    assert session.open_session(SEALER, "myapp", sealed, 4599.0) == live
    assert session.open_session(SEALER, "myapp", sealed, 4600.0) is None
    assert session.open_session(SEALER, "other", sealed, 2000.0) is None
    assert session.open_session(SEALER, "myapp", sealed[:-2] + "AA", 2000.0) is None
    token = session.csrf_token(SEALER, "myapp", "cookie")
    assert session.csrf_ok(SEALER, "myapp", "cookie", token)
    assert not session.csrf_ok(SEALER, "other", "cookie", token)
    assert not session.csrf_ok(SEALER, "myapp", None, token)


def test_callback_urls_keep_the_registered_query() -> None:
    assert (
        Callback("https://app/cb?tenant=a", "s t").url({"code": "c"})
        == "https://app/cb?tenant=a&code=c&state=s+t"
    )
    assert Callback("myapp://cb", None, fragment=True).url({"access_token": "x", "id_token": None}) == (
        "myapp://cb#access_token=x"
    )
