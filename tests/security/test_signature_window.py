"""SigV4 in strict mode on a live server: a request signed outside the clock-skew window is refused.

botocore signs with a shifted clock (as a replayed or pre-signed request would carry); past five minutes
either way the answer is InvalidSignatureException "Signature expired" and nothing is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from pg_support import store_server
from userpools.config import AccessKey
from userpools.testing import RunningServer

KEY = AccessKey("AKIDHOSTILETEST", "hostile-secret-value")


@pytest.fixture(scope="module")
def strict() -> Iterator[RunningServer]:
    with store_server(auth="strict", access_keys=(KEY,)) as srv:
        yield srv


def signed_at(skew: dt.timedelta) -> Any:
    """Signs every request in the block as if the client's clock were ``skew`` off."""
    return mock.patch(
        "botocore.auth.get_current_datetime", lambda: dt.datetime.now(dt.UTC).replace(tzinfo=None) + skew
    )


def pools(idp: Any) -> set[str]:
    return {p["Name"] for p in idp.list_user_pools(MaxResults=60)["UserPools"]}


@pytest.mark.parametrize(
    "skew",
    [dt.timedelta(minutes=6), -dt.timedelta(minutes=6), dt.timedelta(hours=1), -dt.timedelta(days=1)],
    ids=["6min-ahead", "6min-behind", "1h-ahead", "1d-behind"],
)
def test_outside_the_window_is_refused_and_does_nothing(strict: RunningServer, skew: dt.timedelta) -> None:
    idp = strict.client()
    before = pools(idp)
    with signed_at(skew), pytest.raises(idp.exceptions.ClientError) as refused:
        idp.create_user_pool(PoolName="skewed")
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidSignatureException"
    assert "Signature expired" in error["Message"]
    assert pools(idp) == before


def test_inside_the_window_is_accepted(strict: RunningServer) -> None:
    idp = strict.client()
    for skew in (dt.timedelta(minutes=4), -dt.timedelta(minutes=4)):
        with signed_at(skew):
            assert idp.create_user_pool(PoolName="in-window")["UserPool"]["Id"]


def test_a_wrong_secret_is_refused(strict: RunningServer) -> None:
    idp = strict.client(aws_secret_access_key="not-the-secret")
    with pytest.raises(idp.exceptions.ClientError) as refused:
        idp.list_user_pools(MaxResults=1)
    assert refused.value.response["Error"]["Code"] in (
        "InvalidSignatureException",
        "UnrecognizedClientException",
    )
