"""CreateUserPool, DescribeUserPool, UpdateUserPool, DeleteUserPool and ListUserPools through boto3."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from userpools.domain.schema import STANDARD_ATTRIBUTES
from userpools.operations.user_count import MAX_AGE
from userpools.ports import FakeClock
from userpools.protocol.pagination import encode_token
from userpools.testing import server

_n = itertools.count()
ROLE = "arn:aws:iam::123456789012:role/sns-caller"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:hook"


def name() -> str:
    return f"p{os.getpid()}n{next(_n)}"


def fails(call: Callable[[], Any], code: str, text: str = "") -> str:
    with pytest.raises(ClientError) as err:
        call()
    error = err.value.response["Error"]
    assert error["Code"] == code, error
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert text in error["Message"], error["Message"]
    return str(error["Message"])


def pool_ids(idp: Any) -> set[str]:
    return {
        p["Id"]
        for p in idp.get_paginator("list_user_pools").paginate(MaxResults=60).build_full_result()["UserPools"]
    }


def test_create_minimal_pool_has_cognito_defaults(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName="defaults")["UserPool"]
    region, _, suffix = pool["Id"].partition("_")
    assert region == "us-east-1" and len(suffix) == 9 and suffix.isalnum()
    assert pool["Arn"] == f"arn:aws:cognito-idp:us-east-1:000000000000:userpool/{pool['Id']}"
    assert pool["Policies"]["PasswordPolicy"] == {
        "MinimumLength": 8,
        "RequireUppercase": True,
        "RequireLowercase": True,
        "RequireNumbers": True,
        "RequireSymbols": True,
        "TemporaryPasswordValidityDays": 7,
    }
    assert pool["Policies"]["SignInPolicy"] == {"AllowedFirstAuthFactors": ["PASSWORD"]}
    assert pool["LambdaConfig"] == {}
    assert pool["MfaConfiguration"] == "OFF"
    assert pool["DeletionProtection"] == "INACTIVE"
    assert pool["EstimatedNumberOfUsers"] == 0
    assert pool["UsernameConfiguration"] == {"CaseSensitive": True}
    assert pool["UserPoolTier"] == "ESSENTIALS"
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is False
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 7
    assert "{####}" in pool["AdminCreateUserConfig"]["InviteMessageTemplate"]["EmailMessage"]
    template = pool["VerificationMessageTemplate"]
    assert template["DefaultEmailOption"] == "CONFIRM_WITH_CODE"
    assert (
        template["EmailMessage"] == pool["EmailVerificationMessage"] == "Your verification code is {####}. "
    )
    assert template["SmsMessage"] == pool["SmsVerificationMessage"]
    assert template["EmailSubject"] == pool["EmailVerificationSubject"]
    assert pool["UserPoolTags"] == {}
    assert "AliasAttributes" not in pool and "UsernameAttributes" not in pool and "Status" not in pool
    assert pool["CreationDate"] == pool["LastModifiedDate"]
    assert [a["Name"] for a in pool["SchemaAttributes"]] == [a["Name"] for a in STANDARD_ATTRIBUTES]
    assert pool == idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]


FULL = {
    "Policies": {
        "PasswordPolicy": {
            "MinimumLength": 12,
            "RequireUppercase": False,
            "RequireLowercase": True,
            "RequireNumbers": True,
            "RequireSymbols": False,
            "PasswordHistorySize": 5,
            "TemporaryPasswordValidityDays": 3,
        },
        "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]},
    },
    "DeletionProtection": "ACTIVE",
    "LambdaConfig": {"PreSignUp": LAMBDA, "PreTokenGeneration": LAMBDA},
    "AutoVerifiedAttributes": ["email"],
    "UsernameAttributes": ["email"],
    "UsernameConfiguration": {"CaseSensitive": False},
    "VerificationMessageTemplate": {
        "DefaultEmailOption": "CONFIRM_WITH_LINK",
        "EmailMessageByLink": "Click {##here##} please",
        "EmailSubjectByLink": "Verify",
        "SmsMessage": "Code {####}",
    },
    "SmsAuthenticationMessage": "Auth {####}",
    "MfaConfiguration": "OPTIONAL",
    "SmsConfiguration": {"SnsCallerArn": ROLE, "ExternalId": "x", "SnsRegion": "us-east-1"},
    "DeviceConfiguration": {"ChallengeRequiredOnNewDevice": True},
    "EmailConfiguration": {
        "EmailSendingAccount": "DEVELOPER",
        "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/me@example.com",
        "From": "Me <me@example.com>",
    },
    "UserPoolTags": {"team": "auth"},
    "AdminCreateUserConfig": {
        "AllowAdminCreateUserOnly": True,
        "InviteMessageTemplate": {"EmailMessage": "Hi {username}, {####}", "EmailSubject": "Welcome"},
    },
    "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
    "AccountRecoverySetting": {
        "RecoveryMechanisms": [
            {"Name": "verified_phone_number", "Priority": 2},
            {"Name": "verified_email", "Priority": 1},
        ]
    },
    "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"},
    "UserPoolTier": "PLUS",
    "AcrConfiguration": {"Level2": {"AcrValue": "urn:example:two"}},
    "DcrConfiguration": {"OpenDcrEnabled": True},
    "KeyConfiguration": {"KeyType": "AWS_OWNED_KEY"},
    "IssuerConfiguration": {"Type": "ORIGINAL"},
}


def test_create_with_every_setting_stores_and_describes_them(idp: Any) -> None:
    pool = idp.create_user_pool(PoolName=name(), **FULL)["UserPool"]
    assert pool["Policies"] == FULL["Policies"]
    assert pool["DeletionProtection"] == "ACTIVE"
    assert pool["LambdaConfig"] == {
        "PreSignUp": LAMBDA,
        "PreTokenGeneration": LAMBDA,
        "PreTokenGenerationConfig": {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA},
    }
    assert pool["AutoVerifiedAttributes"] == ["email"] and pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"] == {"CaseSensitive": False}
    template = pool["VerificationMessageTemplate"]
    assert template["DefaultEmailOption"] == "CONFIRM_WITH_LINK"
    assert (
        template["EmailMessageByLink"] == "Click {##here##} please"
        and template["SmsMessage"] == "Code {####}"
    )
    assert pool["SmsVerificationMessage"] == "Code {####}"
    assert pool["SmsAuthenticationMessage"] == "Auth {####}"
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["SmsConfiguration"] == FULL["SmsConfiguration"]
    assert pool["DeviceConfiguration"] == {
        "ChallengeRequiredOnNewDevice": True,
        "DeviceOnlyRememberedOnUserPrompt": False,
    }
    assert pool["EmailConfiguration"] == FULL["EmailConfiguration"]
    assert pool["UserPoolTags"] == {"team": "auth"}
    admin = pool["AdminCreateUserConfig"]
    assert admin["AllowAdminCreateUserOnly"] is True and admin["UnusedAccountValidityDays"] == 3
    assert admin["InviteMessageTemplate"]["EmailSubject"] == "Welcome"
    assert "SMSMessage" in admin["InviteMessageTemplate"]
    assert pool["UserAttributeUpdateSettings"] == {"AttributesRequireVerificationBeforeUpdate": ["email"]}
    assert [m["Name"] for m in pool["AccountRecoverySetting"]["RecoveryMechanisms"]] == [
        "verified_email",
        "verified_phone_number",
    ]
    assert pool["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}
    assert pool["UserPoolTier"] == "PLUS"
    assert pool["AcrConfiguration"]["Level2"] == {"AcrValue": "urn:example:two"}
    assert pool["AcrConfiguration"]["Level1"] == {"AcrValue": "urn:cognito:loa:1"}
    assert pool["DcrConfiguration"] == {"OpenDcrEnabled": True, "EnableStatus": "Enabled"}
    assert pool["KeyConfiguration"] == {"KeyType": "AWS_OWNED_KEY"}
    assert pool["IssuerConfiguration"] == {"Type": "ORIGINAL"}
    assert idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"] == pool
    idp.update_user_pool(UserPoolId=pool["Id"], DeletionProtection="INACTIVE")


def test_partial_password_policy_and_legacy_validity_days(idp: Any) -> None:
    pool = idp.create_user_pool(
        PoolName=name(),
        Policies={"PasswordPolicy": {"MinimumLength": 6, "TemporaryPasswordValidityDays": 0}},
        AdminCreateUserConfig={"UnusedAccountValidityDays": 9},
    )["UserPool"]
    policy = pool["Policies"]["PasswordPolicy"]
    assert policy["MinimumLength"] == 6 and policy["RequireUppercase"] is False
    assert policy["TemporaryPasswordValidityDays"] == 9
    assert pool["AdminCreateUserConfig"]["UnusedAccountValidityDays"] == 9


def test_legacy_verification_members_fill_the_template(idp: Any) -> None:
    pool = idp.create_user_pool(
        PoolName=name(), EmailVerificationMessage="Code: {####}", EmailVerificationSubject="Your code"
    )["UserPool"]
    assert pool["VerificationMessageTemplate"]["EmailMessage"] == "Code: {####}"
    assert pool["VerificationMessageTemplate"]["EmailSubject"] == "Your code"
    assert pool["EmailVerificationMessage"] == "Code: {####}"


BAD_CREATES: list[tuple[dict[str, Any], str, str]] = [
    (
        {"AliasAttributes": ["email"], "UsernameAttributes": ["email"]},
        "InvalidParameterException",
        "Only one of the aliasAttributes or usernameAttributes",
    ),
    ({"MfaConfiguration": "ON"}, "InvalidParameterException", "SmsConfiguration"),
    (
        {"EmailVerificationMessage": "A {####}", "VerificationMessageTemplate": {"EmailMessage": "B {####}"}},
        "InvalidParameterException",
        "EmailVerificationMessage",
    ),
    (
        {
            "Policies": {"PasswordPolicy": {"TemporaryPasswordValidityDays": 3}},
            "AdminCreateUserConfig": {"UnusedAccountValidityDays": 5},
        },
        "InvalidParameterException",
        "Please use TemporaryPasswordValidityDays in PasswordPolicy instead of UnusedAccountValidityDays",
    ),
    (
        {"UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]}},
        "InvalidParameterException",
        "auto-verified",
    ),
    ({"EmailConfiguration": {"EmailSendingAccount": "DEVELOPER"}}, "InvalidParameterException", "SourceArn"),
    (
        {"LambdaConfig": {"CustomEmailSender": {"LambdaVersion": "V1_0", "LambdaArn": LAMBDA}}},
        "InvalidParameterException",
        "KMSKeyID",
    ),
    (
        {
            "LambdaConfig": {
                "PreTokenGeneration": LAMBDA,
                "PreTokenGenerationConfig": {"LambdaVersion": "V2_0", "LambdaArn": LAMBDA + "2"},
            }
        },
        "InvalidParameterException",
        "same function",
    ),
    (
        {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["EMAIL_OTP"]}}},
        "InvalidParameterException",
        "PASSWORD",
    ),
    (
        {"Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "SOFTWARE_TOKEN"]}}},
        "InvalidParameterException",
        "SOFTWARE_TOKEN",
    ),
    (
        {
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [
                    {"Name": "verified_email", "Priority": 1},
                    {"Name": "admin_only", "Priority": 2},
                ]
            }
        },
        "InvalidParameterException",
        "admin_only",
    ),
    (
        {
            "AccountRecoverySetting": {
                "RecoveryMechanisms": [
                    {"Name": "verified_email", "Priority": 1},
                    {"Name": "verified_phone_number", "Priority": 1},
                ]
            }
        },
        "InvalidParameterException",
        "Priority",
    ),
    (
        {"AcrConfiguration": {"Level2": {"AcrValue": "urn:cognito:loa:1"}}},
        "InvalidParameterException",
        "unique",
    ),
    ({"UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"}}, "FeatureUnavailableInTierException", "PLUS"),
    (
        {
            "UserPoolTier": "LITE",
            "Policies": {"SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP"]}},
        },
        "FeatureUnavailableInTierException",
        "LITE",
    ),
    ({"UserPoolTags": {"aws:owner": "me"}}, "UserPoolTaggingException", "reserved"),
    ({"UserPoolTags": {f"k{i}": "v" for i in range(51)}}, "UserPoolTaggingException", "50"),
    (
        {
            "AliasAttributes": ["preferred_username"],
            "Schema": [{"Name": "preferred_username", "Required": True}],
        },
        "InvalidParameterException",
        "preferred_username",
    ),
    ({"MfaConfiguration": "SOMETIMES"}, "InvalidParameterException", "mfaConfiguration"),
]


@pytest.mark.parametrize(("extra", "code", "text"), BAD_CREATES)
def test_bad_create_is_refused_and_creates_nothing(
    idp: Any, extra: dict[str, Any], code: str, text: str
) -> None:
    before = pool_ids(idp)
    fails(lambda: idp.create_user_pool(PoolName=name(), **extra), code, text)
    assert pool_ids(idp) == before


def test_model_validation_errors_create_nothing(live: Any, idp: Any) -> None:
    raw = live.client(config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    before = pool_ids(idp)
    policies = {"PasswordPolicy": {"MinimumLength": 5}}
    fails(
        lambda: raw.create_user_pool(PoolName=name(), Policies=policies),
        "InvalidParameterException",
        "minimumLength",
    )
    fails(lambda: raw.create_user_pool(PoolName="bad/name"), "InvalidParameterException", "poolName")
    assert pool_ids(idp) == before


def test_describe_unknown_pool(idp: Any) -> None:
    fails(lambda: idp.describe_user_pool(UserPoolId="us-east-1_Nope12345"), "ResourceNotFoundException",
          "User pool us-east-1_Nope12345 does not exist.")  # fmt: skip


def test_update_resets_omitted_settings_and_keeps_immutable_ones(idp: Any) -> None:
    created = idp.create_user_pool(
        PoolName=name(),
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        Schema=[{"Name": "tier", "AttributeDataType": "String"}],
        LambdaConfig={"PreSignUp": LAMBDA},
        AutoVerifiedAttributes=["email"],
        DeletionProtection="ACTIVE",
        UserPoolTags={"keep": "me"},
        Policies={"PasswordPolicy": {"MinimumLength": 20}},
    )["UserPool"]
    pool_id = created["Id"]
    idp.update_user_pool(UserPoolId=pool_id, PoolName="renamed", SmsAuthenticationMessage="New {####}")
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["Name"] == "renamed"
    assert pool["SmsAuthenticationMessage"] == "New {####}"
    assert pool["LambdaConfig"] == {} and pool["DeletionProtection"] == "INACTIVE"
    assert "AutoVerifiedAttributes" not in pool
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    assert pool["UsernameAttributes"] == ["email"] and pool["UsernameConfiguration"] == {
        "CaseSensitive": False
    }
    assert pool["SchemaAttributes"] == created["SchemaAttributes"]
    assert pool["UserPoolTags"] == {"keep": "me"} and pool["Arn"] == created["Arn"]
    assert pool["CreationDate"] == created["CreationDate"]
    assert pool["LastModifiedDate"] >= created["LastModifiedDate"]


@pytest.mark.parametrize(
    "settings", [{}, {**FULL, "DeletionProtection": "INACTIVE"}], ids=["default", "full"]
)
def test_update_round_trips_a_described_pool(idp: Any, settings: dict[str, Any]) -> None:
    """DescribeUserPool's answer sent back to UpdateUserPool changes nothing (the documented way)."""
    pool = idp.create_user_pool(PoolName=name(), **settings)["UserPool"]
    writable = idp.meta.service_model.operation_model("UpdateUserPool").input_shape.members
    request = {k: v for k, v in pool.items() if k in writable}
    idp.update_user_pool(UserPoolId=pool["Id"], **request)
    again = idp.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert {k: v for k, v in again.items() if k != "LastModifiedDate"} == {
        k: v for k, v in pool.items() if k != "LastModifiedDate"
    }


def test_bad_update_changes_nothing(idp: Any, pool: dict[str, Any], pool_id: str) -> None:
    fails(
        lambda: idp.update_user_pool(UserPoolId=pool_id, MfaConfiguration="ON"),
        "InvalidParameterException",
        "must be enabled",
    )
    fails(
        lambda: idp.update_user_pool(
            UserPoolId=pool_id, EmailConfiguration={"EmailSendingAccount": "DEVELOPER"}
        ),
        "InvalidParameterException",
        "SourceArn",
    )
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"] == pool
    fails(lambda: idp.update_user_pool(UserPoolId="us-east-1_Nope12345"), "ResourceNotFoundException")


def test_tier_rules_on_update(idp: Any) -> None:
    addons = {"AdvancedSecurityMode": "ENFORCED"}
    pool_id = idp.create_user_pool(PoolName=name(), UserPoolTier="PLUS", UserPoolAddOns=addons)["UserPool"][
        "Id"
    ]
    before = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    fails(
        lambda: idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="ESSENTIALS", UserPoolAddOns=addons),
        "TierChangeNotAllowedException",
        "PLUS",
    )
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"] == before
    idp.update_user_pool(UserPoolId=pool_id, UserPoolTier="ESSENTIALS")  # threat protection omitted: off
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["UserPoolTier"] == "ESSENTIALS" and "UserPoolAddOns" not in pool
    fails(
        lambda: idp.update_user_pool(UserPoolId=pool_id, UserPoolAddOns=addons),
        "FeatureUnavailableInTierException",
    )


def test_estimated_number_of_users_counts_the_pools_users(idp: Any, pool_id: str) -> None:
    for username in ("ann", "bob"):
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["EstimatedNumberOfUsers"] == 2


def test_large_pools_are_counted_at_most_once_a_minute() -> None:
    """A pool of at least ``exact_below`` users is counted once per MAX_AGE (operations/user_count.py);
    smaller pools are counted on every call."""
    clock = FakeClock()
    with server(clock=clock) as srv:
        srv.app.state.services.user_counts.exact_below = 3
        idp = srv.client()
        big, small = (idp.create_user_pool(PoolName=n)["UserPool"]["Id"] for n in ("big", "small"))

        def add(pool: str, *names: str) -> None:
            for name in names:
                idp.admin_create_user(UserPoolId=pool, Username=name, MessageAction="SUPPRESS")

        def estimated(pool: str) -> int:
            return int(idp.describe_user_pool(UserPoolId=pool)["UserPool"]["EstimatedNumberOfUsers"])

        add(big, "a", "b")
        add(small, "a")
        assert estimated(big) == 2
        add(big, "c")
        assert estimated(big) == 3  # below the threshold it was not kept: counted again
        add(big, "d")
        add(small, "b")
        assert estimated(big) == 3 and estimated(small) == 2  # the big pool's count is a minute old at most
        clock.advance(MAX_AGE - 1)
        assert estimated(big) == 3
        clock.advance(1)
        assert estimated(big) == 4
        idp.admin_delete_user(UserPoolId=big, Username="a")
        idp.admin_delete_user(UserPoolId=big, Username="b")
        clock.advance(MAX_AGE)
        assert estimated(big) == 2
        idp.admin_delete_user(UserPoolId=big, Username="c")
        assert estimated(big) == 1  # small again: exact on every call


def test_delete_pool(idp: Any, pool_id: str) -> None:
    idp.delete_user_pool(UserPoolId=pool_id)
    assert pool_id not in pool_ids(idp)
    fails(lambda: idp.describe_user_pool(UserPoolId=pool_id), "ResourceNotFoundException")
    fails(lambda: idp.delete_user_pool(UserPoolId=pool_id), "ResourceNotFoundException")


def test_delete_protected_pool_is_refused_until_protection_is_off(idp: Any) -> None:
    pool_id = idp.create_user_pool(PoolName=name(), DeletionProtection="ACTIVE")["UserPool"]["Id"]
    fails(
        lambda: idp.delete_user_pool(UserPoolId=pool_id),
        "InvalidParameterException",
        "The user pool cannot be deleted because deletion protection is activated.",
    )
    assert pool_id in pool_ids(idp)
    idp.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
    idp.delete_user_pool(UserPoolId=pool_id)
    assert pool_id not in pool_ids(idp)


def test_list_pages_through_every_pool_once(idp: Any) -> None:
    made = {idp.create_user_pool(PoolName=name())["UserPool"]["Id"] for _ in range(5)}
    seen: list[str] = []
    token = None
    while True:
        page = idp.list_user_pools(MaxResults=2, **({"NextToken": token} if token else {}))
        assert len(page["UserPools"]) <= 2
        for summary in page["UserPools"]:
            assert set(summary) == {"Id", "Name", "LambdaConfig", "LastModifiedDate", "CreationDate"}
        seen += [p["Id"] for p in page["UserPools"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) and made <= set(seen)


def test_list_only_shows_the_callers_region() -> None:
    with server(regions=("eu-west-1",)) as srv:
        home, other = srv.client(), srv.client(region_name="eu-west-1")
        mine = home.create_user_pool(PoolName=name())["UserPool"]["Id"]
        theirs = other.create_user_pool(PoolName=name())["UserPool"]["Id"]
        assert theirs.startswith("eu-west-1_") and len(theirs) == len("eu-west-1_") + 9
        assert [p["Id"] for p in other.list_user_pools(MaxResults=60)["UserPools"]] == [theirs]
        assert [p["Id"] for p in home.list_user_pools(MaxResults=60)["UserPools"]] == [mine]
        token = home.list_user_pools(MaxResults=1).get("NextToken")
        assert token is None
        assert other.describe_user_pool(UserPoolId=theirs)["UserPool"]["Arn"].startswith(
            "arn:aws:cognito-idp:eu-west-1:"
        )


def test_list_rejects_bad_input(live: Any) -> None:
    raw = live.client(config=Config(parameter_validation=False, retries={"total_max_attempts": 1}))
    fails(lambda: raw.list_user_pools(MaxResults=61), "InvalidParameterException", "maxResults")
    fails(lambda: raw.list_user_pools(MaxResults=0), "InvalidParameterException", "maxResults")
    fails(lambda: raw.list_user_pools(MaxResults=5, NextToken="not-a-token!"), "InvalidParameterException")
    foreign = encode_token("eu-west-1_AAAAAAAAA")
    fails(lambda: raw.list_user_pools(MaxResults=5, NextToken=foreign), "InvalidParameterException")


def test_describe_shows_the_domain_and_delete_waits_for_it(idp: Any, pool_id: str) -> None:
    prefix = f"d{os.getpid()}x{next(_n)}"
    idp.create_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Domain"] == prefix
    fails(lambda: idp.delete_user_pool(UserPoolId=pool_id), "InvalidParameterException", "domain")
    assert pool_id in pool_ids(idp)
    idp.delete_user_pool_domain(UserPoolId=pool_id, Domain=prefix)
    assert "Domain" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    idp.delete_user_pool(UserPoolId=pool_id)
    assert pool_id not in pool_ids(idp)
