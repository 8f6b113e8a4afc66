"""Initial schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_used_sessions",
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_auth_used_sessions")),
    )
    op.create_index(op.f("ix_auth_used_sessions_expires"), "auth_used_sessions", ["expires"], unique=False)
    op.create_table(
        "pools",
        sa.Column("id", sa.String(length=55), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pools")),
    )
    op.create_table(
        "provisioned_limits",
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_provisioned_limits")),
    )
    op.create_table(
        "quota_windows",
        sa.Column("category", sa.String(length=128), nullable=False),
        sa.Column("second", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("category", "second", name=op.f("pk_quota_windows")),
    )
    op.create_table(
        "cimd_policies",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("cache_duration", sa.Integer(), nullable=False),
        sa.Column("url_patterns", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_cimd_policies_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "policy_id", name=op.f("pk_cimd_policies")),
    )
    op.create_table(
        "clients",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_clients_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_clients")),
    )
    op.create_index(op.f("ix_clients_pool_id_client_id"), "clients", ["pool_id", "client_id"], unique=False)
    op.create_table(
        "domains",
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("custom", sa.Boolean(), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_domains_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_domains")),
    )
    op.create_index(op.f("ix_domains_pool_id"), "domains", ["pool_id"], unique=False)
    op.create_table(
        "groups",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column(
            "name",
            sa.String(length=128).with_variant(sa.String(length=128, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("description", sa.String(length=2048), nullable=True),
        sa.Column("role_arn", sa.String(length=2048), nullable=True),
        sa.Column("precedence", sa.Integer(), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_groups_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "name", name=op.f("pk_groups")),
    )
    op.create_table(
        "identity_providers",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("attribute_mapping", sa.JSON(), nullable=False),
        sa.Column("idp_identifiers", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_identity_providers_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "name", name=op.f("pk_identity_providers")),
    )
    op.create_table(
        "import_jobs",
        sa.Column("job_id", sa.String(length=55), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("role_arn", sa.String(length=2048), nullable=False),
        sa.Column("presigned_url", sa.String(length=2048), nullable=False),
        sa.Column("upload_expires", sa.Float(), nullable=False),
        sa.Column("uploaded", sa.Boolean(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("started", sa.Float(), nullable=True),
        sa.Column("completed", sa.Float(), nullable=True),
        sa.Column("message", sa.String(length=128), nullable=True),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("next_row", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("heartbeat", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_import_jobs_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_import_jobs")),
    )
    op.create_index(
        op.f("ix_import_jobs_pool_id_created_job_id"),
        "import_jobs",
        ["pool_id", "created", "job_id"],
        unique=False,
    )
    op.create_index(op.f("ix_import_jobs_status"), "import_jobs", ["status"], unique=False)
    op.create_table(
        "pool_journal",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column(
            "key",
            sa.String(length=200).with_variant(sa.String(length=200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("doc", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_journal_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_pool_journal")),
    )
    op.create_index(op.f("ix_pool_journal_pool_id_at"), "pool_journal", ["pool_id", "at"], unique=False)
    op.create_index(
        op.f("ix_pool_journal_pool_id_kind_key_seq"),
        "pool_journal",
        ["pool_id", "kind", "key", "seq"],
        unique=False,
    )
    op.create_table(
        "pool_recoveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("status", sa.String(length=48), nullable=False),
        sa.Column("restore_at", sa.Float(), nullable=False),
        sa.Column("trigger_at", sa.Float(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("finished", sa.Float(), nullable=True),
        sa.Column("preview", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_recoveries_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_recoveries")),
    )
    op.create_index(
        op.f("ix_pool_recoveries_pool_id_created"), "pool_recoveries", ["pool_id", "created"], unique=False
    )
    op.create_index(op.f("ix_pool_recoveries_status"), "pool_recoveries", ["status"], unique=False)
    op.create_table(
        "pool_replicas",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_pool_replicas_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "region", name=op.f("pk_pool_replicas")),
    )
    op.create_index(op.f("ix_pool_replicas_region"), "pool_replicas", ["region"], unique=False)
    op.create_table(
        "resource_servers",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("identifier", sa.String(length=256), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_resource_servers_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "identifier", name=op.f("pk_resource_servers")),
    )
    op.create_table(
        "risk_configurations",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_risk_configurations_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "client_id", name=op.f("pk_risk_configurations")),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("use", sa.String(length=8), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("private_sealed", sa.Text(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_signing_keys_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint(
            "pool_id", "generation", "use", name=op.f("uq_signing_keys_pool_id_generation_use")
        ),
    )
    op.create_table(
        "ui_customizations",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("css", sa.Text(), nullable=True),
        sa.Column("css_version", sa.String(length=64), nullable=True),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("image_type", sa.String(length=16), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_ui_customizations_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "client_id", name=op.f("pk_ui_customizations")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column(
            "username",
            sa.String(length=128).with_variant(sa.String(length=128, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "username_key",
            sa.String(length=128).with_variant(sa.String(length=128, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "sub",
            sa.String(length=36).with_variant(sa.String(length=36, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.String(length=32).with_variant(sa.String(length=32, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column(
            "f_email",
            sa.String(length=2048).with_variant(sa.String(length=2048, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "f_phone_number",
            sa.String(length=2048).with_variant(sa.String(length=2048, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "f_name",
            sa.String(length=2048).with_variant(sa.String(length=2048, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "f_given_name",
            sa.String(length=2048).with_variant(sa.String(length=2048, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "f_family_name",
            sa.String(length=2048).with_variant(sa.String(length=2048, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "f_preferred_username",
            sa.String(length=2048).with_variant(sa.String(length=2048, collation="C"), "postgresql"),
            nullable=True,
        ),
        sa.Column("alias_email", sa.String(length=2048), nullable=True),
        sa.Column("alias_phone_number", sa.String(length=2048), nullable=True),
        sa.Column("alias_preferred_username", sa.String(length=2048), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_users_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("pool_id", "alias_email", name=op.f("uq_users_pool_id_alias_email")),
        sa.UniqueConstraint(
            "pool_id", "alias_phone_number", name=op.f("uq_users_pool_id_alias_phone_number")
        ),
        sa.UniqueConstraint(
            "pool_id", "alias_preferred_username", name=op.f("uq_users_pool_id_alias_preferred_username")
        ),
        sa.UniqueConstraint("pool_id", "sub", name=op.f("uq_users_pool_id_sub")),
        sa.UniqueConstraint("pool_id", "username_key", name=op.f("uq_users_pool_id_username_key")),
    )
    op.create_index(
        op.f("ix_users_pool_id_enabled_username_key"),
        "users",
        ["pool_id", "enabled", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_f_email_username_key"),
        "users",
        ["pool_id", "f_email", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_f_family_name_username_key"),
        "users",
        ["pool_id", "f_family_name", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_f_given_name_username_key"),
        "users",
        ["pool_id", "f_given_name", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_f_name_username_key"),
        "users",
        ["pool_id", "f_name", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_f_phone_number_username_key"),
        "users",
        ["pool_id", "f_phone_number", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_f_preferred_username_username_key"),
        "users",
        ["pool_id", "f_preferred_username", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_status_username_key"),
        "users",
        ["pool_id", "status", "username_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_users_pool_id_username_username_key"),
        "users",
        ["pool_id", "username", "username_key"],
        unique=False,
    )
    op.create_table(
        "auth_events",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("event_type", sa.String(length=16), nullable=False),
        sa.Column("response", sa.String(length=16), nullable=False),
        sa.Column("risk_decision", sa.String(length=16), nullable=True),
        sa.Column("risk_level", sa.String(length=8), nullable=True),
        sa.Column("compromised", sa.Boolean(), nullable=False),
        sa.Column("challenges", sa.JSON(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("device", sa.String(length=128), nullable=True),
        sa.Column("feedback", sa.String(length=8), nullable=True),
        sa.Column("feedback_provider", sa.String(length=16), nullable=True),
        sa.Column("feedback_date", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_events_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_auth_events")),
    )
    op.create_index(
        op.f("ix_auth_events_user_id_created_event_id"),
        "auth_events",
        ["user_id", "created", "event_id"],
        unique=False,
    )
    op.create_table(
        "auth_failures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_failures_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_auth_failures")),
    )
    op.create_table(
        "cimd_urls",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=256), nullable=False),
        sa.Column("doc", sa.JSON(), nullable=True),
        sa.Column("cached", sa.Float(), nullable=True),
        sa.Column("expires", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id", "policy_id"],
            ["cimd_policies.pool_id", "cimd_policies.policy_id"],
            name=op.f("fk_cimd_urls_pool_id_cimd_policies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "policy_id", "url", name=op.f("pk_cimd_urls")),
    )
    op.create_table(
        "client_secrets",
        sa.Column("secret_id", sa.String(length=128), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("secret", sa.String(length=256), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_client_secrets_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("secret_id", name=op.f("pk_client_secrets")),
    )
    op.create_index(op.f("ix_client_secrets_client_id"), "client_secrets", ["client_id"], unique=False)
    op.create_table(
        "client_session_configs",
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("max_validity_minutes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_client_session_configs_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_client_session_configs")),
    )
    op.create_table(
        "devices",
        sa.Column("device_key", sa.String(length=64), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=1024), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("last_ip", sa.String(length=64), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.Column("last_auth", sa.Float(), nullable=True),
        sa.Column("pending_until", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_devices_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_devices_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("device_key", name=op.f("pk_devices")),
    )
    op.create_index(op.f("ix_devices_user_id_device_key"), "devices", ["user_id", "device_key"], unique=False)
    op.create_table(
        "idp_identifiers",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("identifier", sa.String(length=40), nullable=False),
        sa.Column("provider_name", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id", "provider_name"],
            ["identity_providers.pool_id", "identity_providers.name"],
            name=op.f("fk_idp_identifiers_pool_id_identity_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pool_id", "identifier", name=op.f("pk_idp_identifiers")),
    )
    op.create_table(
        "import_job_files",
        sa.Column("job_id", sa.String(length=55), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.job_id"],
            name=op.f("fk_import_job_files_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_import_job_files")),
    )
    op.create_table(
        "import_job_log",
        sa.Column("job_id", sa.String(length=55), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["import_jobs.job_id"],
            name=op.f("fk_import_job_log_job_id_import_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "line", name=op.f("pk_import_job_log")),
    )
    op.create_table(
        "managed_login_brandings",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("use_cognito_provided_values", sa.Boolean(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_managed_login_brandings_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"],
            ["pools.id"],
            name=op.f("fk_managed_login_brandings_pool_id_pools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managed_login_brandings")),
        sa.UniqueConstraint("client_id", name=op.f("uq_managed_login_brandings_client_id")),
    )
    op.create_table(
        "oauth_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("nonce", sa.Text(), nullable=True),
        sa.Column("code_challenge", sa.String(length=128), nullable=True),
        sa.Column("challenge_method", sa.String(length=8), nullable=True),
        sa.Column("auth_time", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.Column("used", sa.Float(), nullable=True),
        sa.Column("origin_jti", sa.String(length=36), nullable=True),
        sa.Column("sso_session_id", sa.String(length=28), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.client_id"],
            name=op.f("fk_oauth_codes_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_oauth_codes_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_oauth_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_oauth_codes")),
    )
    op.create_index(op.f("ix_oauth_codes_expires"), "oauth_codes", ["expires"], unique=False)
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("origin_jti", sa.String(length=36), nullable=False),
        sa.Column("device_key", sa.String(length=55), nullable=True),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("auth_time", sa.Float(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.Column("revoked", sa.Float(), nullable=True),
        sa.Column("rotated_until", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_refresh_tokens")),
    )
    op.create_index(op.f("ix_refresh_tokens_client_id"), "refresh_tokens", ["client_id"], unique=False)
    op.create_index(op.f("ix_refresh_tokens_origin_jti"), "refresh_tokens", ["origin_jti"], unique=False)
    op.create_index(
        op.f("ix_refresh_tokens_user_id_expires"), "refresh_tokens", ["user_id", "expires"], unique=False
    )
    op.create_table(
        "terms",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("enforcement", sa.String(length=16), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("modified", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.client_id"], name=op.f("fk_terms_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_terms_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms")),
        sa.UniqueConstraint("client_id", "name", name=op.f("uq_terms_client_id_name")),
    )
    op.create_index(op.f("ix_terms_pool_id_id"), "terms", ["pool_id", "id"], unique=False)
    op.create_table(
        "user_codes",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "purpose", name=op.f("pk_user_codes")),
    )
    op.create_table(
        "user_credentials",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=128), nullable=False),
        sa.Column("verifier", sa.Text(), nullable=False),
        sa.Column("temporary", sa.Boolean(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=True),
        sa.Column("set_at", sa.Float(), nullable=False),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_credentials_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_credentials")),
    )
    op.create_table(
        "user_groups",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column(
            "group_name",
            sa.String(length=128).with_variant(sa.String(length=128, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["pool_id", "group_name"],
            ["groups.pool_id", "groups.name"],
            name=op.f("fk_user_groups_pool_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_groups_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "group_name", name=op.f("pk_user_groups")),
    )
    op.create_index(
        op.f("ix_user_groups_pool_id_group_name_user_id"),
        "user_groups",
        ["pool_id", "group_name", "user_id"],
        unique=False,
    )
    op.create_table(
        "user_links",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("provider_name", sa.String(length=32), nullable=False),
        sa.Column("attribute_name", sa.String(length=64), nullable=False),
        sa.Column("attribute_value", sa.String(length=2048), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id", "provider_name"],
            ["identity_providers.pool_id", "identity_providers.name"],
            name=op.f("fk_user_links_pool_id_identity_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_links_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint(
            "pool_id", "provider_name", "attribute_name", "attribute_value", name=op.f("pk_user_links")
        ),
    )
    op.create_index(op.f("ix_user_links_user_id"), "user_links", ["user_id"], unique=False)
    op.create_table(
        "user_sessions",
        sa.Column("session_id", sa.String(length=28), nullable=False),
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=5), nullable=False),
        sa.Column("origin_jti", sa.String(length=36), nullable=True),
        sa.Column("origin_session_id", sa.String(length=28), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.Column("last_active", sa.Float(), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("origin_jti", name=op.f("uq_user_sessions_origin_jti")),
    )
    op.create_index(
        op.f("ix_user_sessions_origin_session_id"), "user_sessions", ["origin_session_id"], unique=False
    )
    op.create_index(
        op.f("ix_user_sessions_user_id_last_active"),
        "user_sessions",
        ["user_id", "last_active"],
        unique=False,
    )
    op.create_table(
        "user_sign_outs",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("after", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sign_outs_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_sign_outs")),
    )
    op.create_table(
        "webauthn_credentials",
        sa.Column("pool_id", sa.String(length=55), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("friendly_name", sa.String(length=256), nullable=False),
        sa.Column("relying_party_id", sa.String(length=127), nullable=False),
        sa.Column("transports", sa.Text(), nullable=False),
        sa.Column("attachment", sa.String(length=32), nullable=True),
        sa.Column("created", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pool_id"], ["pools.id"], name=op.f("fk_webauthn_credentials_pool_id_pools"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_webauthn_credentials_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("pool_id", "credential_id", name=op.f("pk_webauthn_credentials")),
    )
    op.create_index(
        op.f("ix_webauthn_credentials_user_id_created"),
        "webauthn_credentials",
        ["user_id", "created"],
        unique=False,
    )
    op.create_table(
        "device_secrets",
        sa.Column("device_key", sa.String(length=64), nullable=False),
        sa.Column("salt", sa.Text(), nullable=False),
        sa.Column("verifier", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_key"],
            ["devices.device_key"],
            name=op.f("fk_device_secrets_device_key_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("device_key", name=op.f("pk_device_secrets")),
    )
    op.create_table(
        "managed_login_assets",
        sa.Column("branding_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("color_mode", sa.String(length=8), nullable=False),
        sa.Column("extension", sa.String(length=8), nullable=False),
        sa.Column("bytes", sa.LargeBinary(), nullable=False),
        sa.Column("resource_id", sa.String(length=40), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["branding_id"],
            ["managed_login_brandings.id"],
            name=op.f("fk_managed_login_assets_branding_id_managed_login_brandings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "branding_id", "category", "color_mode", name=op.f("pk_managed_login_assets")
        ),
    )
