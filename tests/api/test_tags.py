"""TagResource, UntagResource and ListTagsForResource on user pool ARNs through boto3."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from botocore.exceptions import ClientError


def fails(call: Callable[[], Any], code: str, text: str = "") -> None:
    with pytest.raises(ClientError) as err:
        call()
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert text in err.value.response["Error"]["Message"], err.value.response["Error"]["Message"]


def tags(idp: Any, arn: str) -> dict[str, str]:
    return dict(idp.list_tags_for_resource(ResourceArn=arn)["Tags"])


def test_tag_untag_and_list(idp: Any, pool: dict[str, Any]) -> None:
    arn = pool["Arn"]
    assert tags(idp, arn) == {}
    idp.tag_resource(ResourceArn=arn, Tags={"env": "test", "team": "auth"})
    idp.tag_resource(ResourceArn=arn, Tags={"env": "prod", "cost": ""})
    assert tags(idp, arn) == {"env": "prod", "team": "auth", "cost": ""}
    described = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["UserPoolTags"] == {"env": "prod", "team": "auth", "cost": ""}
    assert described["LastModifiedDate"] == pool["LastModifiedDate"]
    idp.untag_resource(ResourceArn=arn, TagKeys=["team", "never-set"])
    assert tags(idp, arn) == {"env": "prod", "cost": ""}
    idp.untag_resource(ResourceArn=arn, TagKeys=["absent"])
    assert tags(idp, arn) == {"env": "prod", "cost": ""}


def test_tags_given_at_creation_are_listed(idp: Any) -> None:
    arn = idp.create_user_pool(PoolName="tagged", UserPoolTags={"a": "1"})["UserPool"]["Arn"]
    assert tags(idp, arn) == {"a": "1"}


def test_unknown_pool_arn_is_not_found(idp: Any, pool: dict[str, Any]) -> None:
    missing = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_Nope12345"
    other_account = pool["Arn"].replace(":000000000000:", ":111111111111:")
    for arn in (missing, other_account):
        fails(partial(idp.list_tags_for_resource, ResourceArn=arn), "ResourceNotFoundException")
        fails(partial(idp.tag_resource, ResourceArn=arn, Tags={"k": "v"}), "ResourceNotFoundException")
        fails(partial(idp.untag_resource, ResourceArn=arn, TagKeys=["k"]), "ResourceNotFoundException")
    assert tags(idp, pool["Arn"]) == {}


def test_malformed_arn_is_a_bad_parameter(idp: Any) -> None:
    arn = "arn:aws:s3:us-east-1:000000000000:bucket/whatever"
    fails(
        lambda: idp.tag_resource(ResourceArn=arn, Tags={"k": "v"}),
        "InvalidParameterException",
        "user pool ARN",
    )


def test_bad_tags_change_nothing(idp: Any, pool: dict[str, Any]) -> None:
    arn = pool["Arn"]
    idp.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(49)})
    fails(
        lambda: idp.tag_resource(ResourceArn=arn, Tags={"x": "1", "y": "2"}),
        "InvalidParameterException",
        "50",
    )
    fails(
        lambda: idp.tag_resource(ResourceArn=arn, Tags={"aws:thing": "1"}),
        "InvalidParameterException",
        "reserved",
    )
    assert len(tags(idp, arn)) == 49
    idp.tag_resource(ResourceArn=arn, Tags={"k0": "replaced", "x": "1"})
    assert len(tags(idp, arn)) == 50
