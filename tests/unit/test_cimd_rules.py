"""The CIMD rules of domain.cimd: client_id URLs, policy URL patterns, documents."""

from __future__ import annotations

from typing import Any

import pytest

from userpools.domain.cimd import MetadataError, check_document, check_pattern, check_url, matches

URL = "https://app.example.com/oauth/client.json"


@pytest.mark.parametrize(
    ("pattern", "url", "expected"),
    [
        ("https://app.example.com/oauth/*", URL, True),
        ("https://*.example.com/oauth/client.json", URL, True),
        ("https://app.example.com/*", URL, False),  # * stays within one path segment
        (
            "https://*.example.com/oauth/client.json",
            "https://evil.test/x.example.com/oauth/client.json",
            False,
        ),
        (
            "https://*.example.com/oauth/client.json",
            "https://evil.test@a.example.com/oauth/client.json",
            False,
        ),
        ("https://app.example.com/oauth/*", URL + "?v=1", False),
        ("https://app.example.com/oauth/client.json", URL, True),
        ("https://app.example.com/oauth/client.json", URL.upper(), False),
    ],
)
def test_matches(pattern: str, url: str, expected: bool) -> None:
    assert matches(pattern, url) is expected


@pytest.mark.parametrize(
    "url",
    [
        "http://app.example.com/client.json",
        "https://app.example.com",
        "https://app.example.com/",
        "https://app.example.com/a/../client.json",
        "https://app.example.com/./client.json",
        "https://me:pw@app.example.com/client.json",
        "https://app.example.com/client.json#frag",
        "https://app.example.com/" + "x" * 300,
    ],
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(MetadataError):
        check_url(url)


def test_check_url_accepts() -> None:
    check_url(URL)
    check_pattern("https://*.example.com/oauth/*")


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"client_id": URL + "x", "redirect_uris": ["https://a/cb"]},
        {"client_id": URL, "redirect_uris": []},
        {"client_id": URL, "redirect_uris": ["https://a/cb"], "client_secret": "x"},
        {
            "client_id": URL,
            "redirect_uris": ["https://a/cb"],
            "token_endpoint_auth_method": "client_secret_basic",
        },
        {"client_id": URL, "redirect_uris": ["https://a/cb"], "grant_types": "authorization_code"},
    ],
)
def test_check_document_refuses(doc: Any) -> None:
    with pytest.raises(MetadataError):
        check_document(doc, URL)


def test_check_document_accepts_a_public_client() -> None:
    check_document({"client_id": URL, "redirect_uris": ["https://a/cb"]}, URL)
    check_document(
        {"client_id": URL, "redirect_uris": ["https://a/cb"], "token_endpoint_auth_method": "none"}, URL
    )
