"""Fixtures of the custom sender tests: a KMS on loopback (moto's server) and a server wired to it.

The sender functions (trigger_functions.send_code) decrypt codes like deployed ones: the AWS Encryption SDK
with a KMS master key provider for the key in ``KMS_KEY_ARN``, KMS found through ``AWS_ENDPOINT_URL_KMS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_triggers_support import arn

import trigger_functions
from trigger_server import environment, triggers_server
from userpools.testing import RunningServer


@pytest.fixture(scope="session")
def kms() -> Iterator[Any]:
    """moto's KMS on a free loopback port; yields a boto3 KMS client for it (``.meta.endpoint_url``)."""
    import boto3
    from moto.server import ThreadedMotoServer

    motos = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    motos.start()
    try:
        host, port = motos.get_host_and_port()
        yield boto3.client(
            "kms", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
            aws_access_key_id="AKIDKMS", aws_secret_access_key="kms-secret",
        )  # fmt: skip
    finally:
        motos.stop()


@pytest.fixture(scope="session")
def kms_key(kms: Any) -> str:
    """The ARN of a symmetric key of that KMS, the one the pools name in LambdaConfig.KMSKeyID."""
    return str(kms.create_key(Description="custom senders")["KeyMetadata"]["Arn"])


@pytest.fixture(scope="session")
def sender_live(kms: Any, kms_key: str) -> Iterator[RunningServer]:
    endpoint = kms.meta.endpoint_url
    with (
        environment(AWS_ENDPOINT_URL_KMS=endpoint, KMS_KEY_ARN=kms_key),
        triggers_server(kms_endpoint=endpoint) as srv,
    ):
        yield srv


@pytest.fixture(scope="session")
def sidp(sender_live: RunningServer) -> Any:
    return sender_live.client()


def senders(key_arn: str, backend: str = "py", function: str = "send_code", *, sms: bool = False,
            email: bool = True) -> dict[str, Any]:  # fmt: skip
    """A LambdaConfig with custom sender triggers (both channels by default) and the KMS key."""
    config: dict[str, Any] = {"KMSKeyID": key_arn}
    target = {"LambdaVersion": "V1_0", "LambdaArn": arn(backend, function)}
    if email:
        config["CustomEmailSender"] = target
    if sms:
        config["CustomSMSSender"] = target
    return config


def delivered(pool_id: str, source: str | None = None) -> list[dict[str, Any]]:
    """What the sender functions decrypted and delivered for ``pool_id`` (of one trigger source if given)."""
    return [
        d for d in trigger_functions.DELIVERED
        if d["pool"] == pool_id and (source is None or d["source"] == source)
    ]  # fmt: skip


def delivered_code(pool_id: str, source: str) -> str:
    found = delivered(pool_id, source)
    assert found, f"no {source} message was delivered"
    return str(found[-1]["code"])
