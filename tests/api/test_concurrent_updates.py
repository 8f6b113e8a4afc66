"""Concurrent changes of one user all take effect (store/users.py StaleUser, retried by the runner).

On PostgreSQL, ten AdminUpdateUserAttributes of one user at once each read the profile before their
transaction began; before saves were checked against the profile they read, about four in ten of the
changes were silently undone by a later save.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from userpools.testing import RunningServer

ATTRIBUTES = {
    "given_name": "Ann",
    "family_name": "Lee",
    "nickname": "al",
    "locale": "en-GB",
    "zoneinfo": "Europe/London",
    "website": "https://example.com",
    "profile": "https://example.com/ann",
    "middle_name": "B",
    "gender": "f",
    "birthdate": "2000-01-01",
}


def update(job: tuple[Any, str, str, tuple[str, str]]) -> None:
    client, pool_id, username, (name, value) = job
    client.admin_update_user_attributes(
        UserPoolId=pool_id, Username=username, UserAttributes=[{"Name": name, "Value": value}]
    )


def test_concurrent_attribute_updates_all_stay(live: RunningServer, idp: Any, pool_id: str) -> None:
    clients = [live.client() for _ in ATTRIBUTES]  # SDK retries off: each call must succeed at once
    for round_ in range(5):
        username = f"racer{round_}"
        idp.admin_create_user(UserPoolId=pool_id, Username=username, MessageAction="SUPPRESS")
        jobs = [(c, pool_id, username, item) for c, item in zip(clients, ATTRIBUTES.items(), strict=True)]
        with ThreadPoolExecutor(len(jobs)) as pool:
            list(pool.map(update, jobs))
        stored = idp.admin_get_user(UserPoolId=pool_id, Username=username)["UserAttributes"]
        assert {a["Name"]: a["Value"] for a in stored if a["Name"] in ATTRIBUTES} == ATTRIBUTES
