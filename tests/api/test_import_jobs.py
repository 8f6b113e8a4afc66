"""CreateUserImportJob, the upload URL, Start/Stop/Describe/ListUserImportJobs and the life of a job."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ClientError
from test_import_jobs_support import (
    ROLE,
    create,
    describe,
    email_pool,
    held,
    job_log,
    run_import,
    upload,
    users_csv,
    wait_for,
)
from test_signup_support import last_code, new_client
from test_users_support import attrs, error_of

from userpools.testing import RunningServer

NEW_PASSWORD = "Imp0rted-Passw0rd!"


def test_create_returns_a_created_job_with_an_upload_url(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp)
    job = create(idp, pool_id, name="first import")
    assert re.fullmatch(r"import-[0-9a-zA-Z]{10}", job["JobId"])
    assert job["JobName"] == "first import"
    assert job["UserPoolId"] == pool_id
    assert job["Status"] == "Created"
    assert job["CloudWatchLogsRoleArn"] == ROLE
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (0, 0, 0)
    assert "StartDate" not in job and "CompletionDate" not in job and "CompletionMessage" not in job
    assert job["PreSignedUrl"].startswith(f"{live.settings.base_url}/import-upload/{job['JobId']}?")
    described = describe(idp, pool_id, job["JobId"])
    assert described == job


def test_create_errors(idp: Any) -> None:
    pool_id = email_pool(idp)
    assert (
        error_of(
            idp.create_user_import_job,
            UserPoolId="us-east-1_nope12345",
            JobName="j",
            CloudWatchLogsRoleArn=ROLE,
        )[0]
        == "ResourceNotFoundException"
    )
    code, message = error_of(
        idp.create_user_import_job,
        UserPoolId=pool_id,
        JobName="j",
        CloudWatchLogsRoleArn=ROLE,
        PasswordHashingAlgorithm="BCRYPT",
    )
    assert code == "InvalidParameterException" and "PasswordHashingAlgorithm" in message
    code, _ = error_of(
        idp.create_user_import_job,
        UserPoolId=pool_id,
        JobName="j",
        CloudWatchLogsRoleArn="not an arn but long enough",
    )
    assert code == "InvalidParameterException"


def test_the_upload_url_takes_one_put_and_cannot_be_forged(idp: Any) -> None:
    pool_id = email_pool(idp)
    first, second = create(idp, pool_id), create(idp, pool_id)
    data = users_csv(idp, pool_id, 2)
    forged = dict(first, PreSignedUrl=first["PreSignedUrl"].replace("signature=", "signature=0"))
    assert upload(forged, data).status_code == 403
    # The first job's signature does not open the second job's upload.
    moved = dict(first, PreSignedUrl=first["PreSignedUrl"].replace(first["JobId"], second["JobId"]))
    response = upload(moved, data)
    assert response.status_code == 403 and "SignatureDoesNotMatch" in response.text
    # Nor may the expiry be pushed back.
    query = parse_qs(urlsplit(first["PreSignedUrl"]).query)
    later = str(int(query["expires"][0]) + 3600)
    extended = dict(first, PreSignedUrl=first["PreSignedUrl"].replace(query["expires"][0], later))
    assert upload(extended, data).status_code == 403
    assert upload(first, data).status_code == 200
    again = upload(first, data)
    assert again.status_code == 403 and "AccessDenied" in again.text
    assert upload(second, data).status_code == 200


def test_start_needs_an_uploaded_file_and_a_created_job(idp: Any) -> None:
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    code, message = error_of(idp.start_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])
    assert code == "PreconditionNotMetException" and "PreSignedUrl" in message
    assert error_of(idp.start_user_import_job, UserPoolId=pool_id, JobId="import-missing00")[0] == (
        "ResourceNotFoundException"
    )
    other = email_pool(idp)  # a job is found only in its own pool
    assert error_of(idp.describe_user_import_job, UserPoolId=other, JobId=job["JobId"])[0] == (
        "ResourceNotFoundException"
    )
    upload(job, users_csv(idp, pool_id, 1))
    started = idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])["UserImportJob"]
    assert started["Status"] == "Pending" and "StartDate" in started
    wait_for(idp, pool_id, job["JobId"])
    code, message = error_of(idp.start_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])
    assert code == "PreconditionNotMetException" and "Succeeded" in message


def test_start_refused_without_an_auto_verified_attribute(idp: Any) -> None:
    pool_id = email_pool(idp, AutoVerifiedAttributes=[])
    job = create(idp, pool_id)
    upload(job, users_csv(idp, pool_id, 1))
    code, message = error_of(idp.start_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])
    assert code == "PreconditionNotMetException" and "auto-verified" in message
    assert describe(idp, pool_id, job["JobId"])["Status"] == "Created"


def test_import_succeeds_with_counts_dates_and_reset_required_users(idp: Any) -> None:
    pool_id = email_pool(idp)
    job = run_import(idp, pool_id, users_csv(idp, pool_id, 25))
    assert job["Status"] == "Succeeded"
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (25, 0, 0)
    assert job["CompletionMessage"] == "Import Job Completed Successfully."
    assert job["CreationDate"] <= job["StartDate"] <= job["CompletionDate"]
    users = idp.list_users(UserPoolId=pool_id)["Users"]
    assert len(users) == 25
    user = idp.admin_get_user(UserPoolId=pool_id, Username="user7")
    assert user["UserStatus"] == "RESET_REQUIRED" and user["Enabled"]
    values = attrs(user, "UserAttributes")
    assert values["email"] == "user7@example.com" and values["email_verified"] == "true"
    assert re.fullmatch(r"[0-9a-f-]{36}", values["sub"])


def test_imported_user_resets_the_password_then_signs_in(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp)
    client_id = new_client(
        idp, pool_id, ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )
    run_import(idp, pool_id, users_csv(idp, pool_id, 3, prefix="person"))
    with pytest.raises(ClientError) as err:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "person1", "PASSWORD": NEW_PASSWORD},
        )
    assert err.value.response["Error"]["Code"] == "PasswordResetRequiredException"
    sent = idp.forgot_password(ClientId=client_id, Username="person1")["CodeDeliveryDetails"]
    assert sent["DeliveryMedium"] == "EMAIL"
    idp.confirm_forgot_password(
        ClientId=client_id,
        Username="person1",
        ConfirmationCode=last_code(live, pool_id, "person1"),
        Password=NEW_PASSWORD,
    )
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "person1", "PASSWORD": NEW_PASSWORD},
    )["AuthenticationResult"]
    assert tokens["AccessToken"]
    assert idp.admin_get_user(UserPoolId=pool_id, Username="person1")["UserStatus"] == "CONFIRMED"


def test_existing_users_are_skipped_and_logged(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp)
    idp.admin_create_user(UserPoolId=pool_id, Username="user1", MessageAction="SUPPRESS")
    imported = live.app.state.metrics.imported
    before = dict(imported.values)
    job = run_import(idp, pool_id, users_csv(idp, pool_id, 4))
    assert job["Status"] == "Succeeded"
    assert (job["ImportedUsers"], job["SkippedUsers"], job["FailedUsers"]) == (3, 1, 0)
    # userpools_import_users_total (docs/observability.md) follows the job's counts.
    counted = {k: imported.values.get(k, 0) - before.get(k, 0) for k in (("imported",), ("skipped",))}
    assert counted == {("imported",): 3, ("skipped",): 1}
    assert f"userpools import-log {job['JobId']}" in job["CompletionMessage"]
    assert job_log(live, job["JobId"]) == [(3, "SKIPPED", "The user already exists.")]
    # The existing user is untouched: still the one the administrator made.
    assert idp.admin_get_user(UserPoolId=pool_id, Username="user1")["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_a_job_whose_rows_all_fail_or_are_skipped_fails(idp: Any) -> None:
    pool_id = email_pool(idp)
    data = users_csv(idp, pool_id, 3)
    assert run_import(idp, pool_id, data)["Status"] == "Succeeded"
    again = run_import(idp, pool_id, data)
    assert again["Status"] == "Failed"
    assert (again["ImportedUsers"], again["SkippedUsers"]) == (0, 3)
    assert again["CompletionMessage"].startswith(
        "Too many users have failed or been skipped during the import."
    )


def test_stop_and_import_in_progress_errors(idp: Any, live: RunningServer) -> None:
    pool_id = email_pool(idp)
    job = create(idp, pool_id)
    code, _ = error_of(idp.stop_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])
    assert code == "PreconditionNotMetException"  # Created: not running
    upload(job, users_csv(idp, pool_id, 10))
    with held(live):
        idp.start_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])
        running = wait_for(idp, pool_id, job["JobId"], ("InProgress",))
        assert running["ImportedUsers"] == 0
        code, message = error_of(idp.delete_user_pool, UserPoolId=pool_id)
        assert code == "UserImportInProgressException" and "import" in message
        code, _ = error_of(
            idp.add_custom_attributes,
            UserPoolId=pool_id,
            CustomAttributes=[{"Name": "tier", "AttributeDataType": "String"}],
        )
        assert code == "UserImportInProgressException"
        stopping = idp.stop_user_import_job(UserPoolId=pool_id, JobId=job["JobId"])["UserImportJob"]
        assert stopping["Status"] == "Stopping"
        code, _ = error_of(idp.stop_user_import_job, UserPoolId=pool_id, JobId=job["JobId"])
        assert code == "PreconditionNotMetException"
    stopped = wait_for(idp, pool_id, job["JobId"])
    assert stopped["Status"] == "Stopped" and "CompletionDate" in stopped
    assert stopped["ImportedUsers"] == 0
    assert idp.list_users(UserPoolId=pool_id)["Users"] == []
    # Nothing runs any more: the pool's schema can change and the pool can go.
    idp.add_custom_attributes(
        UserPoolId=pool_id, CustomAttributes=[{"Name": "tier", "AttributeDataType": "String"}]
    )
    idp.delete_user_pool(UserPoolId=pool_id)


def test_list_pages_newest_first(idp: Any) -> None:
    pool_id = email_pool(idp)
    ids = [create(idp, pool_id, name=f"job{i}")["JobId"] for i in range(3)]
    first = idp.list_user_import_jobs(UserPoolId=pool_id, MaxResults=2)
    assert [j["JobId"] for j in first["UserImportJobs"]] == ids[::-1][:2]
    rest = idp.list_user_import_jobs(
        UserPoolId=pool_id, MaxResults=2, PaginationToken=first["PaginationToken"]
    )
    assert [j["JobId"] for j in rest["UserImportJobs"]] == [ids[0]]
    assert "PaginationToken" not in rest
    assert rest["UserImportJobs"][0]["Status"] == "Created"
    code, _ = error_of(
        idp.list_user_import_jobs, UserPoolId=pool_id, MaxResults=2, PaginationToken="bm90LWEta2V5"
    )
    assert code == "InvalidParameterException"
    assert error_of(idp.list_user_import_jobs, UserPoolId="us-east-1_nope12345", MaxResults=2)[0] == (
        "ResourceNotFoundException"
    )
    assert idp.list_user_import_jobs(UserPoolId=email_pool(idp), MaxResults=60)["UserImportJobs"] == []
