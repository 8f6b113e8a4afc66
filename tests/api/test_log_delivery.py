"""GetLogDeliveryConfiguration / SetLogDeliveryConfiguration and the log lines really written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_auth_support import error_of, make_client, make_pool
from test_risk_support import STRONG, log_lines, setup, sign_in

from userpools.testing import RunningServer, free_port, server

GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cognito/{}"
BUCKET = "arn:aws:s3:::{}"
STREAM = "arn:aws:firehose:us-east-1:123456789012:deliverystream/{}"


def notifications(name: str, level: str = "INFO") -> dict[str, Any]:
    return {"EventSource": "userNotification", "LogLevel": level,
            "CloudWatchLogsConfiguration": {"LogGroupArn": GROUP.format(name)}}  # fmt: skip


def auth_events(name: str, level: str = "INFO") -> dict[str, Any]:
    return {
        "EventSource": "userAuthEvents",
        "LogLevel": level,
        "S3Configuration": {"BucketArn": BUCKET.format(name)},
    }


def test_round_trip_and_turning_off(idp: Any, pool_id: str) -> None:
    empty = idp.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"]
    assert empty == {"UserPoolId": pool_id, "LogConfigurations": []}
    configs = [notifications("n1", "ERROR")]
    answer = idp.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=configs)
    assert answer["LogDeliveryConfiguration"] == {"UserPoolId": pool_id, "LogConfigurations": configs}
    got = idp.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"]
    assert got["LogConfigurations"] == configs
    assert "LogDeliveryConfiguration" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    idp.update_user_pool(UserPoolId=pool_id, AutoVerifiedAttributes=["email"])  # kept by UpdateUserPool
    assert idp.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"][
        "LogConfigurations"
    ]
    idp.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[])
    assert (
        idp.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"][
            "LogConfigurations"
        ]
        == []
    )


def test_message_deliveries_are_logged(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    client_id = make_client(idp, pool_id)["ClientId"]
    idp.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[notifications(pool_id)])
    idp.sign_up(ClientId=client_id, Username="erin", Password=STRONG,
                UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])  # fmt: skip
    [line] = log_lines(live, "cloudwatch", f"aws_cognito_{pool_id}")
    assert line["eventSource"] == "USER_NOTIFICATION" and line["logLevel"] == "INFO"
    assert line["userPoolId"] == pool_id and line["eventTimestamp"].endswith("Z")
    assert line["message"] == {"deliveryMedium": "EMAIL", "messageKind": "sign_up", "username": "erin",
                               "destination": "erin@example.com", "status": "DELIVERED"}  # fmt: skip


def test_error_level_logs_only_failed_deliveries(tmp_path: Path) -> None:
    closed = free_port()  # nothing listens there: every email fails
    with server(email_sender="smtp", smtp_port=closed, log_dir=str(tmp_path)) as live:
        idp = live.client()
        pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
        client_id = make_client(idp, pool_id)["ClientId"]
        idp.set_log_delivery_configuration(
            UserPoolId=pool_id, LogConfigurations=[notifications("errors", "ERROR")]
        )
        code, _ = error_of(idp.sign_up, ClientId=client_id, Username="erin", Password=STRONG,
                           UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])  # fmt: skip
        assert code == "CodeDeliveryFailureException"
    path = tmp_path / "cloudwatch" / "aws_cognito_errors.jsonl"
    [line] = [json.loads(text) for text in path.read_text().splitlines()]
    assert line["logLevel"] == "ERROR" and line["message"]["status"] == "FAILED" and line["message"]["reason"]


def test_no_configuration_writes_nothing(idp: Any, live: RunningServer) -> None:
    pool_id = make_pool(idp, AutoVerifiedAttributes=["email"])
    client_id = make_client(idp, pool_id)["ClientId"]
    idp.set_log_delivery_configuration(
        UserPoolId=pool_id, LogConfigurations=[notifications(pool_id, "ERROR")]
    )
    idp.sign_up(ClientId=client_id, Username="erin", Password=STRONG,
                UserAttributes=[{"Name": "email", "Value": "erin@example.com"}])  # fmt: skip
    assert log_lines(live, "cloudwatch", f"aws_cognito_{pool_id}") == []  # ERROR: a success is not logged


def test_auth_events_are_logged(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    name = pool_id.replace("_", "-").lower()
    firehose = {"EventSource": "userAuthEvents", "LogLevel": "INFO",
                "FirehoseConfiguration": {"StreamArn": STREAM.format(name)}}  # fmt: skip
    idp.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[firehose])
    sign_in(idp, client_id, "10.0.0.1")
    error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.1", password="wrong-one")
    passed, failed = log_lines(live, "firehose", name)
    assert passed["eventSource"] == "USER_AUTH_EVENTS" and passed["logLevel"] == "INFO"
    assert passed["message"]["EventType"] == "SignIn" and passed["message"]["EventResponse"] == "Pass"
    assert (
        passed["message"]["userName"] == "alice"
        and passed["message"]["EventContextData"]["IpAddress"] == "10.0.0.1"
    )
    assert failed["logLevel"] == "ERROR" and failed["message"]["EventResponse"] == "Fail"
    listed = idp.admin_list_user_auth_events(UserPoolId=pool_id, Username="alice")["AuthEvents"]
    assert [e["EventId"] for e in listed] == [failed["message"]["EventId"], passed["message"]["EventId"]]


def test_error_level_auth_events_are_the_failures(idp: Any, live: RunningServer) -> None:
    pool_id, client_id = setup(idp, "AUDIT")
    bucket = pool_id.replace("_", "-").lower() + "-errors"
    idp.set_log_delivery_configuration(UserPoolId=pool_id, LogConfigurations=[auth_events(bucket, "ERROR")])
    sign_in(idp, client_id, "10.0.0.1")
    error_of(sign_in, idp=idp, client_id=client_id, ip="10.0.0.1", password="wrong-one")
    [line] = log_lines(live, "s3", bucket)
    assert line["message"]["EventResponse"] == "Fail"


BARE = {"EventSource": "userNotification", "LogLevel": "ERROR"}
TO_S3 = {"S3Configuration": {"BucketArn": BUCKET.format("b")}}
NOT_A_GROUP = {"LogGroupArn": "arn:aws:logs:us-east-1:123456789012:destination:not-a-group"}


@pytest.mark.parametrize(
    ("configs", "words"),
    [
        ([notifications("a"), notifications("b")], "more than one userNotification"),
        ([{**notifications("a"), **TO_S3}], "exactly one destination"),
        ([BARE], "exactly one destination"),
        ([{**BARE, **TO_S3}], "only be delivered to CloudWatchLogsConfiguration"),
        ([{**BARE, "CloudWatchLogsConfiguration": NOT_A_GROUP}], "invalid ARN"),
    ],
)
def test_invalid_configurations(idp: Any, pool_id: str, configs: list[dict[str, Any]], words: str) -> None:
    code, message = error_of(
        idp.set_log_delivery_configuration, UserPoolId=pool_id, LogConfigurations=configs
    )
    assert code == "InvalidParameterException" and words in message
    assert (
        idp.get_log_delivery_configuration(UserPoolId=pool_id)["LogDeliveryConfiguration"][
            "LogConfigurations"
        ]
        == []
    )


def test_auth_event_logs_need_the_plus_plan(idp: Any, pool_id: str) -> None:
    code, _ = error_of(
        idp.set_log_delivery_configuration, UserPoolId=pool_id, LogConfigurations=[auth_events("x")]
    )
    assert code == "FeatureUnavailableInTierException"


def test_unknown_pool(idp: Any) -> None:
    for call, extra in ((idp.get_log_delivery_configuration, {}),
                        (idp.set_log_delivery_configuration, {"LogConfigurations": []})):  # fmt: skip
        assert error_of(call, UserPoolId="us-east-1_nothere1", **extra)[0] == "ResourceNotFoundException"
