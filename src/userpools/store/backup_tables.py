"""Which tables a pool backup carries (store/backup.py), and how a pool's rows of each are found.

Every table of ``tables.metadata`` is either exported (pool-level or per-user) or listed in
``NOT_EXPORTED`` with the reason; ``check_coverage`` refuses an export otherwise, so a table added later
cannot be silently left out of backups (tests/cli/test_backup_tables.py fails first).
The order of ``POOL_TABLES`` and ``USER_TABLES`` is the restore order: parents before children.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import MetaData, Select, Table, select

from userpools.store import tables as t

PoolQuery = Callable[[str], Select[tuple[object, ...]]]


def _by_pool(table: Table) -> PoolQuery:
    return lambda pool_id: select(table).where(table.c.pool_id == pool_id)


def _through(table: Table, parent: Table, key: str, parent_key: str) -> PoolQuery:
    """Rows of ``table`` whose parent row (``table.key == parent.parent_key``) belongs to the pool."""

    def query(pool_id: str) -> Select[tuple[object, ...]]:
        join = table.join(parent, table.c[key] == parent.c[parent_key])
        return select(table).select_from(join).where(parent.c.pool_id == pool_id)

    return query


# Pool-level tables, in restore order. The users and what they own come after these, then the journal.
POOL_TABLES: dict[str, PoolQuery] = {
    "pools": lambda pool_id: select(t.pools).where(t.pools.c.id == pool_id),
    "clients": _by_pool(t.clients),
    "client_secrets": _through(t.client_secrets, t.clients, "client_id", "client_id"),
    "client_session_configs": _through(t.client_session_configs, t.clients, "client_id", "client_id"),
    "resource_servers": _by_pool(t.resource_servers),
    "domains": _by_pool(t.domains),
    "identity_providers": _by_pool(t.identity_providers),
    "idp_identifiers": _by_pool(t.idp_identifiers),
    "ui_customizations": _by_pool(t.ui_customizations),
    "managed_login_brandings": _by_pool(t.managed_login_brandings),
    "managed_login_assets": _through(t.managed_login_assets, t.managed_login_brandings, "branding_id", "id"),
    "terms": _by_pool(t.terms),
    "signing_keys": _by_pool(t.signing_keys),
    "risk_configurations": _by_pool(t.risk_configurations),
    "cimd_policies": _by_pool(t.cimd_policies),
    "cimd_urls": _by_pool(t.cimd_urls),
    "pool_replicas": _by_pool(t.pool_replicas),
    "groups": _by_pool(t.groups),
}

UserQuery = Callable[[Sequence[int]], Select[tuple[object, ...]]]


def _of_users(table: Table) -> UserQuery:
    return lambda ids: select(table).where(table.c.user_id.in_(ids))


def _device_secrets(ids: Sequence[int]) -> Select[tuple[object, ...]]:
    join = t.device_secrets.join(t.devices, t.device_secrets.c.device_key == t.devices.c.device_key)
    return (
        select(t.device_secrets, t.devices.c.user_id.label("__user_id"))
        .select_from(join)
        .where(t.devices.c.user_id.in_(ids))
    )


# What a user owns, exported on the user's own line (users.id differs in the restored database: these
# rows are written with the new id). Restore order: parents (devices) before children (device_secrets).
USER_TABLES: dict[str, UserQuery] = {
    "user_credentials": _of_users(t.user_credentials),
    "user_codes": _of_users(t.user_codes),
    "user_groups": _of_users(t.user_groups),
    "user_links": _of_users(t.user_links),
    "user_sign_outs": _of_users(t.user_sign_outs),
    "auth_failures": _of_users(t.auth_failures),
    "devices": _of_users(t.devices),
    "device_secrets": _device_secrets,
    "webauthn_credentials": _of_users(t.webauthn_credentials),
    "refresh_tokens": _of_users(t.refresh_tokens),
    "user_sessions": _of_users(t.user_sessions),
    "auth_events": _of_users(t.auth_events),
}

# Paged apart from the rest (they can be large), after the users.
TRAILING_TABLES = ("pool_journal", "pool_recoveries")

NOT_EXPORTED: dict[str, str] = {
    "oauth_codes": "authorization codes live for minutes and are redeemed once: a restored pool has none",
    "auth_used_sessions": "not owned by a pool: replay guards of challenge sessions that expire in minutes",
    "provisioned_limits": "account-wide request-rate quotas, not part of any pool",
    "quota_windows": "account-wide request counters of the current second",
    "import_jobs": "one-off operations: the users a job imported are in the backup; its CSV and log are not",
    "import_job_files": "the uploaded CSV of an import job (see import_jobs)",
    "import_job_log": "the per-row log of an import job (see import_jobs)",
}

SPECIAL = ("users",)


def check_coverage(metadata: MetaData = t.metadata) -> None:
    """Raises unless every table is exported or deliberately not (with a reason), and none is both."""
    exported = [*POOL_TABLES, *SPECIAL, *USER_TABLES, *TRAILING_TABLES]
    both = set(exported) & set(NOT_EXPORTED)
    missing = set(metadata.tables) - set(exported) - set(NOT_EXPORTED)
    unknown = (set(exported) | set(NOT_EXPORTED)) - set(metadata.tables)
    if missing or both or unknown:
        raise RuntimeError(
            "store/backup_tables.py is out of date: "
            + "; ".join(
                f"{what}: {', '.join(sorted(names))}"
                for what, names in (
                    ("neither exported nor listed in NOT_EXPORTED", missing),
                    ("both exported and not", both),
                    ("no such table", unknown),
                )
                if names
            )
        )
