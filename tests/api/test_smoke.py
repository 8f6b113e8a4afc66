from typing import Any

import pytest
from botocore.exceptions import ClientError


def test_create_and_describe_pool(idp: Any) -> None:
    created = idp.create_user_pool(PoolName="smoke")["UserPool"]
    region, _, suffix = created["Id"].partition("_")
    assert region == "us-east-1" and len(suffix) == 9 and suffix.isalnum()
    described = idp.describe_user_pool(UserPoolId=created["Id"])["UserPool"]
    assert described["Name"] == "smoke"
    assert described["Arn"].endswith(f":userpool/{created['Id']}")


def test_unknown_pool_is_resource_not_found(idp: Any) -> None:
    with pytest.raises(ClientError) as err:
        idp.describe_user_pool(UserPoolId="us-east-1_nonexist0")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
