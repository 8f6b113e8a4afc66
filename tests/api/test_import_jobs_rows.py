"""The CSV rules of an import: the header, each row's values and formats, unique names and aliases."""

from __future__ import annotations

from typing import Any

from test_import_jobs_support import csv_of, email_pool, header, job_log, row, run_import
from test_users_support import attrs

from userpools.testing import RunningServer


def _outcomes(live: RunningServer, job: dict[str, Any]) -> dict[int, tuple[str, str]]:
    return {line: (outcome, reason) for line, outcome, reason in job_log(live, job["JobId"])}


def test_header_must_hold_exactly_the_pools_columns(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp)
    columns = header(idp, pool_id)
    missing = [c for c in columns if c != "locale"]
    job = run_import(idp, pool_id, csv_of(missing, [row(missing, "a")]))
    assert job["Status"] == "Failed" and "locale" in job["CompletionMessage"]
    assert job_log(live, job["JobId"]) == [(1, "FAILED", job["CompletionMessage"])]
    # A reason longer than CompletionMessage's 128 characters is in the log in full.
    few = ["cognito:username", "cognito:mfa_enabled", "email", "email_verified"]
    job = run_import(idp, pool_id, csv_of(few, [row(few, "a")]))
    assert job["Status"] == "Failed" and f"userpools import-log {job['JobId']}" in job["CompletionMessage"]
    [(line, outcome, reason)] = job_log(live, job["JobId"])
    assert (line, outcome) == (1, "FAILED") and "given_name" in reason and "updated_at" in reason
    extra = [*columns, "shoe_size"]
    job = run_import(idp, pool_id, csv_of(extra, [row(extra, "a", shoe_size="9")]))
    assert job["Status"] == "Failed" and "shoe_size" in job["CompletionMessage"]
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []
    # Any column order is fine.
    shuffled = columns[::-1]
    job = run_import(idp, pool_id, csv_of(shuffled, [row(shuffled, "a")]))
    assert (job["Status"], job["ImportedUsers"]) == ("Succeeded", 1)


def test_a_file_that_is_not_utf8_fails_the_job(idp: Any) -> None:
    pool_id = email_pool(idp)
    columns = header(idp, pool_id)
    data = csv_of(columns, [row(columns, "a", name="Zoë")]).replace("Zoë".encode(), "Zoë".encode("latin-1"))
    job = run_import(idp, pool_id, data)
    assert job["Status"] == "Failed" and "UTF-8" in job["CompletionMessage"]
    bom = b"\xef\xbb\xbf" + csv_of(columns, [row(columns, "a")])
    assert run_import(idp, pool_id, bom)["Status"] == "Failed"


def test_row_rules(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(
        idp,
        AliasAttributes=["email", "preferred_username"],
        Schema=[{"Name": "family_name", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    )
    c = header(idp, pool_id)
    good = {"family_name": "Doe"}
    rows = [
        row(c, "ok1", **good, name="Jane\\, Q.", birthdate="04/25/1990", updated_at="1700000000"),  # line 2
        row(c, "", **good),  # 3: no username
        row(c, "has space", **good),  # 4
        row(
            c, "unverified", **good, email_verified="false"
        ),  # 5: the only auto-verified attribute unverified
        row(c, "noemail", **good, email=""),  # 6: verified without a value
        row(c, "nofamily"),  # 7: a required attribute missing
        row(c, "badmfa", **good, **{"cognito:mfa_enabled": "true"}),  # 8: MFA is OFF in the pool
        row(c, "baddate", **good, birthdate="1990-04-25"),  # 9
        row(c, "ok1", **good, email="other@example.com"),  # 10: the name again → skipped
        row(c, "ok2", **good, email="ok1@example.com"),  # 11: ok1's email alias again → failed
        row(c, "ok3", **good, preferred_username="jq"),  # 12
        row(c, "ok4", **good, preferred_username="jq"),  # 13: preferred_username alias taken
        row(c, "bademail", **good, email="not-an-email"),  # 14
        row(c, "ok@example.com", **good, email="okay@example.com"),  # 15: email-shaped name, email alias
        row(c, "ok5", **good, phone_number="+15555550100", phone_number_verified="true"),  # 16
    ]
    data = csv_of(c, rows) + b"too,few,values\n"  # 17
    job = run_import(idp, pool_id, data)
    assert job["Status"] == "Succeeded"
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (3, 1, 12)
    outcomes = _outcomes(live, job)
    assert set(outcomes) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 17}
    assert outcomes[10] == ("SKIPPED", "The user already exists.")
    assert all(kind == "FAILED" for line, (kind, _) in outcomes.items() if line != 10)
    assert "cognito:username" in outcomes[3][1] and "cognito:username" in outcomes[4][1]
    assert "email_verified" in outcomes[5][1]
    assert "email" in outcomes[6][1]
    assert "family_name" in outcomes[7][1]
    assert "MFA" in outcomes[8][1]
    assert "birthdate" in outcomes[9][1]
    assert outcomes[11][1] == "An account with the given email already exists."
    assert outcomes[13][1] == "An account with the given preferred_username already exists."
    assert "email" in outcomes[14][1]
    assert "email format" in outcomes[15][1]
    assert "header" in outcomes[17][1]
    ok1 = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="ok1"), "UserAttributes")
    assert ok1["name"] == "Jane, Q."  # the escaped comma belongs to the value
    assert ok1["birthdate"] == "1990-04-25"
    assert ok1["updated_at"] == "1700000000"
    assert ok1["email"] == "ok1@example.com"
    # Aliases work for sign-in lookups at once: the verified email finds the imported user.
    assert idp.admin_get_user(UserPoolId=pool_id, Username="ok1@example.com")["Username"] == "ok1"


def test_mfa_column_follows_the_pool(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(
        idp,
        MfaConfiguration="ON",
        SmsConfiguration={"SnsCallerArn": "arn:aws:iam::123456789012:role/sms", "ExternalId": "x"},
    )
    c = header(idp, pool_id)
    mfa = {"cognito:mfa_enabled": "true"}
    rows = [
        row(c, "sms", phone_number="+15555550101", **mfa),
        row(c, "nophone", **mfa),
        row(c, "off"),
    ]
    job = run_import(idp, pool_id, csv_of(c, rows))
    assert (job["ImportedUsers"], job["FailedUsers"]) == (1, 2)
    outcomes = _outcomes(live, job)
    assert "phone_number" in outcomes[3][1] and "MFA" in outcomes[4][1]
    user = idp.admin_get_user(UserPoolId=pool_id, Username="sms")
    assert user["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]


def test_phone_only_pool_needs_verified_phone_numbers(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp, AutoVerifiedAttributes=["phone_number"])
    c = header(idp, pool_id)
    rows = [
        row(c, "phone", phone_number="+15555550102", phone_number_verified="true", email_verified="false"),
        row(c, "emailonly"),
    ]
    job = run_import(idp, pool_id, csv_of(c, rows))
    assert (job["ImportedUsers"], job["FailedUsers"]) == (1, 1)
    assert "phone_number_verified" in _outcomes(live, job)[3][1]


def test_username_attribute_pool_uses_the_email_as_name(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp, UsernameAttributes=["email"])
    c = header(idp, pool_id)
    rows = [
        row(c, "ann@example.com", email="ann@example.com"),
        row(c, "notanemail", email="x@example.com"),
        row(c, "ann@example.com", email="ann@example.com"),  # the same email: the user exists
    ]
    job = run_import(idp, pool_id, csv_of(c, rows))
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (1, 1, 1)
    user = idp.admin_get_user(UserPoolId=pool_id, Username="ann@example.com")
    assert attrs(user, "UserAttributes")["sub"] == user["Username"]
    assert _outcomes(live, job)[4] == ("SKIPPED", "The user already exists.")


def test_custom_attributes_are_imported_and_checked(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(
        idp,
        Schema=[
            {
                "Name": "level",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "9"},
            },
            {"Name": "vip", "AttributeDataType": "Boolean"},
        ],
    )
    c = header(idp, pool_id)
    assert "custom:level" in c and "custom:vip" in c
    rows = [
        row(c, "good", **{"custom:level": "3", "custom:vip": "TRUE"}),
        row(c, "toohigh", **{"custom:level": "12"}),
        row(c, "notbool", **{"custom:vip": "maybe"}),
    ]
    job = run_import(idp, pool_id, csv_of(c, rows))
    assert (job["ImportedUsers"], job["FailedUsers"]) == (1, 2)
    outcomes = _outcomes(live, job)
    assert "custom:level" in outcomes[3][1] and "custom:vip" in outcomes[4][1]
    values = attrs(idp.admin_get_user(UserPoolId=pool_id, Username="good"), "UserAttributes")
    assert (values["custom:level"], values["custom:vip"]) == ("3", "true")
