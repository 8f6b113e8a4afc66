"""ListClientMetadataURLs and UpdateClientMetadataURLState through boto3, with documents fetched from a
loopback web server (tests/cimd_support.py) when a client presents its URL at /oauth2/authorize."""

from __future__ import annotations

import itertools
import os
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from cimd_support import MetadataHost, authorize_url, cimd_live, client_of, hosting
from userpools.testing import RunningServer

CALLBACK = "https://cimd-app.example.net/callback"
_names = itertools.count()


live = pytest.fixture(scope="module", name="live")(cimd_live)
idp = pytest.fixture(scope="module", name="idp")(client_of)
host = pytest.fixture(scope="module", name="host")(hosting)


@pytest.fixture
def setup(idp: Any, host: MetadataHost) -> dict[str, str]:
    """A pool with a domain, an OAuth app client and a policy for https://127.0.0.1:<port>/<n>/*."""
    n = next(_names)
    pool_id = idp.create_user_pool(PoolName=f"cimd{n}")["UserPool"]["Id"]
    domain = f"cimdurls{os.getpid()}x{n}"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="partners", AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["code"], AllowedOAuthScopes=["openid", "email"], CallbackURLs=["https://x.example/cb"],
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    policy_id = idp.create_cimd_policy(
        UserPoolId=pool_id, ClientId=client_id, PolicyName="partners", URLPatterns=[host.url(f"/{n}/*")]
    )["CIMDPolicy"]["CIMDPolicyId"]
    return {"pool_id": pool_id, "domain": domain, "policy_id": policy_id, "prefix": f"/{n}"}


def _present(live: RunningServer, setup: dict[str, str], url: str) -> httpx.Response:
    """The client presents ``url`` at /oauth2/authorize (no redirects followed)."""
    return httpx.get(
        authorize_url(live.url, setup["domain"], url, CALLBACK), follow_redirects=False, timeout=30
    )


def _urls(idp: Any, setup: dict[str, str], **extra: Any) -> dict[str, Any]:
    return dict(
        idp.list_client_metadata_urls(UserPoolId=setup["pool_id"], CIMDPolicyId=setup["policy_id"], **extra)
    )


def _error(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def test_received_urls_are_listed_with_their_cache_dates(
    live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]
) -> None:
    assert _urls(idp, setup)["ClientMetadataURLs"] == []
    url = host.document(setup["prefix"] + "/a.json", [CALLBACK])
    answer = _present(live, setup, url)
    assert answer.status_code == 302 and "/login" in answer.headers["location"], answer.text
    (listed,) = _urls(idp, setup)["ClientMetadataURLs"]
    assert listed["URL"] == url
    expiry = listed["ExpirationDate"] - listed["CachedDate"]
    assert expiry.total_seconds() == 86_400  # the policy's default CacheDuration
    _present(live, setup, url)
    assert host.hits[setup["prefix"] + "/a.json"] == 1  # served from the cache


def test_cache_control_max_age_within_bounds_wins(
    live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]
) -> None:
    long_url = host.document(setup["prefix"] + "/long.json", [CALLBACK])
    host.answers[setup["prefix"] + "/long.json"].headers["cache-control"] = "public, max-age=604800"
    short_url = host.document(setup["prefix"] + "/short.json", [CALLBACK])
    host.answers[setup["prefix"] + "/short.json"].headers["cache-control"] = "max-age=60"  # below a day
    for url in (long_url, short_url):
        assert _present(live, setup, url).status_code == 302
    listed = {u["URL"]: u for u in _urls(idp, setup)["ClientMetadataURLs"]}
    durations = {url: (u["ExpirationDate"] - u["CachedDate"]).total_seconds() for url, u in listed.items()}
    assert durations == {long_url: 604_800, short_url: 86_400}


def test_list_pages(live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]) -> None:
    urls = sorted(host.document(setup["prefix"] + f"/{i}.json", [CALLBACK]) for i in range(3))
    for url in urls:
        _present(live, setup, url)
    first = _urls(idp, setup, MaxResults=2)
    assert [u["URL"] for u in first["ClientMetadataURLs"]] == urls[:2]
    rest = _urls(idp, setup, MaxResults=2, NextToken=first["NextToken"])
    assert [u["URL"] for u in rest["ClientMetadataURLs"]] == urls[2:] and "NextToken" not in rest


def test_invalidate_then_the_next_use_fetches_again(
    live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]
) -> None:
    path = setup["prefix"] + "/inv.json"
    url = host.document(path, [CALLBACK])
    _present(live, setup, url)
    idp.update_client_metadata_url_state(
        UserPoolId=setup["pool_id"], CIMDPolicyId=setup["policy_id"], URL=url, Action="INVALIDATE"
    )
    (listed,) = _urls(idp, setup)["ClientMetadataURLs"]
    assert listed == {"URL": url}  # still received, nothing cached
    assert _present(live, setup, url).status_code == 302
    assert host.hits[path] == 2
    assert "CachedDate" in _urls(idp, setup)["ClientMetadataURLs"][0]


def test_refresh_fetches_the_document_now(
    live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]
) -> None:
    path = setup["prefix"] + "/ref.json"
    url = host.document(path, [CALLBACK])
    _present(live, setup, url)
    host.document(path, ["https://moved.example.net/cb"])  # the client changed its redirect URIs
    assert _present(live, setup, url).status_code == 302  # still the cached document
    idp.update_client_metadata_url_state(
        UserPoolId=setup["pool_id"], CIMDPolicyId=setup["policy_id"], URL=url, Action="REFRESH"
    )
    assert host.hits[path] == 2
    refused = _present(live, setup, url)  # CALLBACK is no longer one of its redirect URIs
    assert refused.status_code == 400 and "redirect_uri" in refused.text


def test_refresh_of_a_broken_document_is_refused(
    live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]
) -> None:
    path = setup["prefix"] + "/broken.json"
    url = host.document(path, [CALLBACK])
    _present(live, setup, url)
    host.serve(path, {"client_id": "https://elsewhere.example/c.json", "redirect_uris": [CALLBACK]})
    with pytest.raises(ClientError) as exc:
        idp.update_client_metadata_url_state(
            UserPoolId=setup["pool_id"], CIMDPolicyId=setup["policy_id"], URL=url, Action="REFRESH"
        )
    assert _error(exc) == "InvalidParameterException"
    assert "CachedDate" in _urls(idp, setup)["ClientMetadataURLs"][0]  # the good copy stays


def test_unknown_url_policy_and_pool(idp: Any, host: MetadataHost, setup: dict[str, str]) -> None:
    args = {"UserPoolId": setup["pool_id"], "CIMDPolicyId": setup["policy_id"], "Action": "REFRESH"}
    with pytest.raises(ClientError) as exc:
        idp.update_client_metadata_url_state(**args, URL=host.url(setup["prefix"] + "/never.json"))
    assert _error(exc) == "CachedCIMDURLDoesNotExistException"
    with pytest.raises(ClientError) as exc:
        idp.update_client_metadata_url_state(**{**args, "CIMDPolicyId": "nosuch"}, URL=host.url("/x/y.json"))
    assert _error(exc) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as exc:
        idp.list_client_metadata_urls(UserPoolId=setup["pool_id"], CIMDPolicyId="nosuch")
    assert _error(exc) == "ResourceNotFoundException"


def test_pattern_change_forgets_urls_it_no_longer_matches(
    live: RunningServer, idp: Any, host: MetadataHost, setup: dict[str, str]
) -> None:
    kept = host.document(setup["prefix"] + "/keep.json", [CALLBACK])
    dropped = host.document(setup["prefix"] + "/drop.json", [CALLBACK])
    for url in (kept, dropped):
        _present(live, setup, url)
    policy = idp.describe_cimd_policy(UserPoolId=setup["pool_id"], CIMDPolicyId=setup["policy_id"])[
        "CIMDPolicy"
    ]
    idp.update_cimd_policy(
        UserPoolId=setup["pool_id"], CIMDPolicyId=setup["policy_id"], ClientId=policy["ClientId"],
        URLPatterns=[host.url(setup["prefix"] + "/keep.json")],
    )  # fmt: skip
    assert [u["URL"] for u in _urls(idp, setup)["ClientMetadataURLs"]] == [kept]
    assert _present(live, setup, dropped).status_code == 400
