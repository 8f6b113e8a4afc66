"""Shared by the hostile-input tests: raw API calls, a small populated pool, and database snapshots."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Table, func, select

from userpools.protocol import model
from userpools.store import tables
from userpools.testing import RunningServer

PREFIX = "AWSCognitoIdentityProviderService."
# Well-formed enough for the suite's servers (local auth mode checks the header's shape, not the signature).
LOCAL_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/cognito-idp/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)
PASSWORD = "Correct-Horse-9"
# Errors the front end may answer for any operation, whatever the operation models (COGNITO-FACTS 1.3, 1.8).
GENERIC_ERRORS = frozenset(
    {"SerializationException", "InvalidParameterException", "UnknownOperationException"}
)
_names = itertools.count()


def raw_call(http: httpx.Client, operation: str, body: Any, *, raw: bytes | None = None) -> httpx.Response:
    """POSTs ``body`` as AWS JSON 1.1, signed (shape only) when the model says the operation is signed."""
    headers = {"content-type": "application/x-amz-json-1.1", "x-amz-target": PREFIX + operation}
    if not model.is_unsigned(operation):
        headers["authorization"] = LOCAL_AUTH
    content = raw if raw is not None else json.dumps(body).encode()
    return http.post("/", content=content, headers=headers)


def modelled_errors(operation: str) -> frozenset[str]:
    shapes = model.service_model().operation_model(operation).error_shapes
    return frozenset(shape.name for shape in shapes)


@dataclass
class World:
    """One pool with a public client, a confirmed user in a group, and that user's tokens."""

    pool_id: str
    client_id: str
    username: str
    group: str
    access_token: str
    id_token: str
    refresh_token: str

    def known(self) -> dict[str, str]:
        """Member names whose values should often be real, so requests get past the lookups."""
        return {
            "UserPoolId": self.pool_id,
            "ClientId": self.client_id,
            "Username": self.username,
            "GroupName": self.group,
            "AccessToken": self.access_token,
            "RefreshToken": self.refresh_token,
            "Token": self.refresh_token,
            "Password": PASSWORD,
            "PreviousPassword": PASSWORD,
            "ProposedPassword": PASSWORD + "x",
        }


def make_world(idp: Any, **client_options: Any) -> World:
    pool_id = idp.create_user_pool(PoolName=f"hostile{os.getpid()}x{next(_names)}")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="app",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        **client_options,
    )["UserPoolClient"]["ClientId"]
    make_user(idp, pool_id, "alice", email="alice@example.com")
    idp.create_group(UserPoolId=pool_id, GroupName="staff")
    idp.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName="staff")
    tokens = sign_in(idp, client_id, "alice")
    return World(
        pool_id,
        client_id,
        "alice",
        "staff",
        tokens["AccessToken"],
        tokens["IdToken"],
        tokens["RefreshToken"],
    )


def make_user(idp: Any, pool_id: str, username: str, password: str = PASSWORD, **attributes: str) -> None:
    attrs = [{"Name": k, "Value": v} for k, v in attributes.items()]
    if "email" in attributes:
        attrs.append({"Name": "email_verified", "Value": "true"})
    idp.admin_create_user(
        UserPoolId=pool_id, Username=username, UserAttributes=attrs, MessageAction="SUPPRESS"
    )
    idp.admin_set_user_password(UserPoolId=pool_id, Username=username, Password=password, Permanent=True)


def sign_in(idp: Any, client_id: str, username: str, password: str = PASSWORD) -> dict[str, str]:
    return dict(
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )["AuthenticationResult"]
    )


# --- database snapshots ------------------------------------------------------------------------------

# What a refused request may still legitimately write: failed sign-in counters, wrong-code attempt
# counters (and the code's removal after too many), and spent challenge sessions.
MAY_CHANGE_ON_REFUSAL = frozenset({"auth_failures", "user_codes", "auth_used_sessions"})


async def _snapshot(live: RunningServer, pool_id: str) -> dict[str, Any]:
    """Row counts of every table, and a digest of every row belonging to ``pool_id``."""
    out: dict[str, Any] = {}
    async with live.app.state.database.unit_of_work(False) as uow:
        conn = uow.conn
        user_ids = select(tables.users.c.id).where(tables.users.c.pool_id == pool_id)
        client_ids = select(tables.clients.c.client_id).where(tables.clients.c.pool_id == pool_id)
        for table in tables.metadata.sorted_tables:
            count = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            scoped = _scope(table, pool_id, user_ids, client_ids)
            digest = ""
            if scoped is not None:
                rows = sorted(repr(tuple(r)) for r in (await conn.execute(scoped)).all())
                digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            out[table.name] = (count, digest)
    return out


def _scope(table: Table, pool_id: str, user_ids: Any, client_ids: Any) -> Any:
    columns = table.c
    if "pool_id" in columns:
        return select(table).where(columns.pool_id == pool_id)
    if table.name == "pools":
        return select(table).where(columns.id == pool_id)
    if "user_id" in columns:
        return select(table).where(columns.user_id.in_(user_ids))
    if "client_id" in columns:
        return select(table).where(columns.client_id.in_(client_ids))
    return None


def snapshot(live: RunningServer, pool_id: str) -> dict[str, Any]:
    return live.run(_snapshot(live, pool_id))


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(t for t in before if before[t] != after[t] and t not in MAY_CHANGE_ON_REFUSAL)
