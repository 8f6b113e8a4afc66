"""SQLAlchemy Core tables. Migrations (``store/migrations``) must produce exactly this schema.

Profiles and secrets live in separate tables: ``users`` never holds a credential, ``user_credentials``
and ``client_secrets`` are read only by the privileged repository methods.
Timestamps are epoch seconds (float), as on the wire.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


pools = Table(
    "pools",
    metadata,
    Column("id", String(55), primary_key=True),
    Column("name", String(128), nullable=False),
    Column("doc", JSON, nullable=False),  # the UserPoolType members we store, wire-shaped
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
)

clients = Table(
    "clients",
    metadata,
    Column("client_id", String(128), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("doc", JSON, nullable=False),  # UserPoolClientType members without the secret
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
    Index(None, "pool_id", "client_id"),
)

client_secrets = Table(
    "client_secrets",
    metadata,
    Column("secret_id", String(128), primary_key=True),
    Column(
        "client_id",
        String(128),
        ForeignKey("clients.client_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("secret", String(256), nullable=False),  # sealed (auth.client_secrets)
    Column("created", Float, nullable=False),
)

# Columns ListUsers keys on use binary ("C") collation on PostgreSQL, so prefix searches can be range
# conditions whatever the database's default collation (SQLite compares bytes already).
_Search = String(2048).with_variant(String(2048, collation="C"), "postgresql")
_Key = String(128).with_variant(String(128, collation="C"), "postgresql")

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("username", _Key, nullable=False),
    Column("username_key", _Key, nullable=False),  # lower-cased when the pool is case-insensitive
    Column("sub", String(36).with_variant(String(36, collation="C"), "postgresql"), nullable=False),
    Column("status", String(32).with_variant(String(32, collation="C"), "postgresql"), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
    Column("attributes", JSON, nullable=False),  # {name: value}, strings as on the wire
    Column("settings", JSON, nullable=False),  # MFA options and preferences
    # Lower-cased copies of the attributes ListUsers filters on (its comparisons are case-insensitive).
    Column("f_email", _Search),
    Column("f_phone_number", _Search),
    Column("f_name", _Search),
    Column("f_given_name", _Search),
    Column("f_family_name", _Search),
    Column("f_preferred_username", _Search),
    # Sign-in aliases: set only while the alias is active (verified where Cognito requires it).
    Column("alias_email", String(2048)),
    Column("alias_phone_number", String(2048)),
    Column("alias_preferred_username", String(2048)),
    UniqueConstraint("pool_id", "username_key"),
    UniqueConstraint("pool_id", "sub"),
    UniqueConstraint("pool_id", "alias_email"),
    UniqueConstraint("pool_id", "alias_phone_number"),
    UniqueConstraint("pool_id", "alias_preferred_username"),
    Index(None, "pool_id", "username", "username_key"),
    Index(None, "pool_id", "f_email", "username_key"),
    Index(None, "pool_id", "f_phone_number", "username_key"),
    Index(None, "pool_id", "f_name", "username_key"),
    Index(None, "pool_id", "f_given_name", "username_key"),
    Index(None, "pool_id", "f_family_name", "username_key"),
    Index(None, "pool_id", "f_preferred_username", "username_key"),
    Index(None, "pool_id", "status", "username_key"),
    Index(None, "pool_id", "enabled", "username_key"),
)

user_credentials = Table(
    "user_credentials",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("salt", String(128), nullable=False),  # SRP salt, hex
    Column("verifier", Text, nullable=False),  # SRP verifier g^x mod N, hex
    Column("temporary", Boolean, nullable=False),
    Column("expires", Float),  # temporary passwords only
    Column("set_at", Float, nullable=False),
    Column("history", JSON, nullable=False),  # earlier [salt, verifier] pairs, newest first
)

# One-time codes (forgot password, attribute verification, ...), stored hashed; one live code per purpose.
user_codes = Table(
    "user_codes",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("purpose", String(32), primary_key=True),
    Column("code_hash", String(64), nullable=False),
    Column("expires", Float, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created", Float, nullable=False),
)

# Group names are case-sensitive and listed in name order: binary collation makes that order (and the
# keyset pages built on it) the same on PostgreSQL as on SQLite.
groups = Table(
    "groups",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("name", _Key, primary_key=True),
    Column("description", String(2048)),
    Column("role_arn", String(2048)),
    Column("precedence", Integer),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
)

user_groups = Table(
    "user_groups",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("group_name", _Key, primary_key=True),
    ForeignKeyConstraint(["pool_id", "group_name"], ["groups.pool_id", "groups.name"], ondelete="CASCADE"),
    Index(None, "pool_id", "group_name", "user_id"),
)

resource_servers = Table(
    "resource_servers",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("identifier", String(256), primary_key=True),
    Column("name", String(256), nullable=False),
    Column("scopes", JSON, nullable=False),
)

domains = Table(
    "domains",
    metadata,
    Column("domain", String(63 * 4 + 3), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("custom", Boolean, nullable=False),
    Column("doc", JSON, nullable=False),  # CustomDomainConfig, ManagedLoginVersion
    Column("created", Float, nullable=False),
)

identity_providers = Table(
    "identity_providers",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(32), primary_key=True),
    Column("type", String(32), nullable=False),
    Column("details", JSON, nullable=False),
    Column("attribute_mapping", JSON, nullable=False),
    Column("idp_identifiers", JSON, nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
)

idp_identifiers = Table(
    "idp_identifiers",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("identifier", String(40), primary_key=True),
    Column("provider_name", String(32), nullable=False),
    ForeignKeyConstraint(
        ["pool_id", "provider_name"],
        ["identity_providers.pool_id", "identity_providers.name"],
        ondelete="CASCADE",
    ),
)

# AdminLinkProviderForUser: an external identity (provider, attribute, value) that signs in as ``user_id``.
# ``attribute_name`` is Cognito_Subject (the provider's user id) or a pool attribute the provider maps.
user_links = Table(
    "user_links",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("provider_name", String(32), primary_key=True),
    Column("attribute_name", String(64), primary_key=True),
    Column("attribute_value", String(2048), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created", Float, nullable=False),
    ForeignKeyConstraint(
        ["pool_id", "provider_name"],
        ["identity_providers.pool_id", "identity_providers.name"],
        ondelete="CASCADE",
    ),
)

ui_customizations = Table(
    "ui_customizations",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", String(128), primary_key=True),  # "ALL" for the pool default
    Column("css", Text),
    Column("css_version", String(64)),
    Column("image", LargeBinary),
    Column("image_type", String(16)),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
)

# CreateManagedLoginBranding: one style per app client; ``settings`` holds only what was customized
# (the Cognito defaults are merged in when read with ReturnMergedResources). Assets live in their own
# table, one per (category, colour mode), so the hosted pages can serve one without loading the rest.
managed_login_brandings = Table(
    "managed_login_brandings",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column(
        "client_id",
        String(128),
        ForeignKey("clients.client_id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("use_cognito_provided_values", Boolean, nullable=False),
    Column("settings", JSON, nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
)

managed_login_assets = Table(
    "managed_login_assets",
    metadata,
    Column(
        "branding_id",
        String(36),
        ForeignKey("managed_login_brandings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("category", String(32), primary_key=True),
    Column("color_mode", String(8), primary_key=True),
    Column("extension", String(8), nullable=False),
    Column("bytes", LargeBinary, nullable=False),
    Column("resource_id", String(40)),
    Column("version", String(32), nullable=False),  # changes with the bytes: part of the served URL
)

# CreateTerms: a terms-of-use or privacy-policy document (links per language) of an app client.
terms = Table(
    "terms",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(128), ForeignKey("clients.client_id", ondelete="CASCADE"), nullable=False),
    Column("name", String(32), nullable=False),
    Column("source", String(16), nullable=False),
    Column("enforcement", String(16), nullable=False),
    Column("links", JSON, nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
    UniqueConstraint("client_id", "name"),
    Index(None, "pool_id", "id"),
)

# Token signing keys: one RSA pair for ID tokens and one for access tokens per generation; a rotation
# adds a generation and keeps the older public keys published. Private keys are sealed (AES-GCM).
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("generation", Integer, nullable=False),
    Column("use", String(8), nullable=False),  # "id" | "access"
    Column("public_jwk", JSON, nullable=False),
    Column("private_sealed", Text, nullable=False),
    Column("created", Float, nullable=False),
    UniqueConstraint("pool_id", "generation", "use"),
)

# Refresh tokens, stored as SHA-256 digests. ``origin_jti`` names the token family: the ID and access
# tokens issued from it carry it, so revoking the family revokes them too.
# Only the user is a foreign key: a pool's tokens go with its users, and ClientRepo.delete removes a
# client's. Foreign keys to the pool and client rows made every sign-in's INSERT lock those two rows
# (FOR KEY SHARE), which all concurrent sign-ins of a pool share: on PostgreSQL that means a new
# MultiXact per sign-in under load.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(128), nullable=False, index=True),
    Column("origin_jti", String(36), nullable=False, index=True),
    Column("device_key", String(55)),
    Column("scopes", JSON, nullable=False),
    Column("auth_time", Float, nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Column("revoked", Float),  # when the family was revoked (RevokeToken, sign-out)
    Column("rotated_until", Float),  # rotation: the replaced token works until then (grace period)
    Index(None, "user_id", "expires"),  # sign-outs and the purge of expired tokens
)

# Session tracking (SetUserPoolSessionConfiguration ENABLED): a TOKEN session is one sign-in's refresh-token
# family (``origin_jti``); an SSO session a hosted-UI sign-in. Rows exist only while tracking is on.
user_sessions = Table(
    "user_sessions",
    metadata,
    Column("session_id", String(28), primary_key=True),
    Column("pool_id", String(55), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("kind", String(5), nullable=False),  # TOKEN | SSO
    Column("origin_jti", String(36), unique=True),  # TOKEN: the refresh-token family
    Column("origin_session_id", String(28), index=True),  # TOKEN: the SSO session it came through
    Column("created", Float, nullable=False),
    Column("last_active", Float, nullable=False),
    Column("expires", Float, nullable=False),
    Index(None, "user_id", "last_active"),
)

# SetUserPoolClientSessionConfiguration: how long the client silently reuses an SSO session.
client_session_configs = Table(
    "client_session_configs",
    metadata,
    Column("client_id", String(128), ForeignKey("clients.client_id", ondelete="CASCADE"), primary_key=True),
    Column("max_validity_minutes", Integer, nullable=False),
)

# GlobalSignOut / AdminUserGlobalSignOut: access tokens issued before ``after`` are no longer accepted.
user_sign_outs = Table(
    "user_sign_outs",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("after", Float, nullable=False),
)

# Sign-in lockout (COGNITO-FACTS §5.5): a user's consecutive failed password checks and the last one's time.
auth_failures = Table(
    "auth_failures",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure", Float, nullable=False),
)

# Challenge sessions and SRP secret blocks already answered: each works once, on any node, until it expires.
auth_used_sessions = Table(
    "auth_used_sessions",
    metadata,
    Column("session_id", String(32), primary_key=True),
    Column("expires", Float, nullable=False, index=True),
)

# Remembered devices (issue 4 §2): tracked at an SRP sign-in, confirmed by ConfirmDevice. ``status`` is
# ``remembered`` / ``not_remembered``; ``confirmed`` False until ConfirmDevice gives the device verifier.
# ``pending_until``: a password (and MFA) was just proven with this device, so DEVICE_SRP_AUTH may follow
# until then (pycognito sends no Session in the device steps).
devices = Table(
    "devices",
    metadata,
    Column("device_key", String(64), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("group_key", String(16), nullable=False),
    Column("name", String(1024)),
    Column("status", String(16)),
    Column("confirmed", Boolean, nullable=False),
    Column("last_ip", String(64)),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
    Column("last_auth", Float),
    Column("pending_until", Float),
    Index(None, "user_id", "device_key"),  # ListDevices pages a user's devices by key
)

# A confirmed device's SRP salt and verifier (hex), read only by DeviceRepo.secret_of.
device_secrets = Table(
    "device_secrets",
    metadata,
    Column("device_key", String(64), ForeignKey("devices.device_key", ondelete="CASCADE"), primary_key=True),
    Column("salt", Text, nullable=False),
    Column("verifier", Text, nullable=False),
)

# Passkeys (WebAuthn credentials) registered with CompleteWebAuthnRegistration. ``credential_id`` is the
# credential's raw id, base64url without padding (WebAuthn allows up to 1,023 bytes); ``public_key`` its
# COSE key. ``sign_count`` is the authenticator's signature counter (32-bit unsigned), raised on every
# sign-in so a cloned authenticator's replays are refused. ``transports`` is a JSON list.
webauthn_credentials = Table(
    "webauthn_credentials",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("credential_id", String(1400), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("public_key", LargeBinary, nullable=False),
    Column("sign_count", BigInteger, nullable=False),
    Column("friendly_name", String(256), nullable=False),
    Column("relying_party_id", String(127), nullable=False),
    Column("transports", Text, nullable=False),
    Column("attachment", String(32)),
    Column("created", Float, nullable=False),
    Index(None, "user_id", "created"),  # ListWebAuthnCredentials pages a user's passkeys by age
)

# OAuth 2.0 authorization codes of the hosted UI (``/oauth2/authorize`` → ``/oauth2/token``), stored as
# SHA-256 digests. Single use (``used`` is set once, atomically, on any node); ``origin_jti`` is the token
# family issued for the code, revoked if the code is presented again (RFC 6749 §4.1.2).
oauth_codes = Table(
    "oauth_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", String(128), ForeignKey("clients.client_id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("nonce", Text),
    Column("code_challenge", String(128)),
    Column("challenge_method", String(8)),
    Column("auth_time", Float, nullable=False),
    Column("expires", Float, nullable=False, index=True),
    Column("used", Float),
    Column("origin_jti", String(36)),
    Column("sso_session_id", String(28)),  # session tracking: the SSO session the code came through
)

# Threat protection (issue 6): the pool-wide (client_id "ALL") and per-client risk configurations,
# RiskConfigurationType members without the ids, wire-shaped.
risk_configurations = Table(
    "risk_configurations",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("client_id", String(128), primary_key=True),
    Column("doc", JSON, nullable=False),
    Column("modified", Float, nullable=False),
)

# Auth events of pools with threat protection (AUDIT or ENFORCED): AdminListUserAuthEvents pages a user's
# events newest first by (created, event_id); ``challenges`` and ``context`` are the wire lists / object.
# Only the user is a foreign key (see refresh_tokens: a pool key would lock the pool row on every sign-in).
auth_events = Table(
    "auth_events",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created", Float, nullable=False),
    Column("event_type", String(16), nullable=False),
    Column("response", String(16), nullable=False),
    Column("risk_decision", String(16)),
    Column("risk_level", String(8)),
    Column("compromised", Boolean, nullable=False),
    Column("challenges", JSON, nullable=False),
    Column("context", JSON, nullable=False),
    Column("ip", String(64)),
    Column("device", String(128)),
    Column("feedback", String(8)),
    Column("feedback_provider", String(16)),
    Column("feedback_date", Float),
    Index(None, "user_id", "created", "event_id"),
)

# Client ID Metadata Document (CIMD) policies: URL patterns that map external OAuth clients (an https URL
# as client_id) to one app client of the pool. ``client_id`` is no foreign key: the policy outlives its
# app client (Describe then omits ClientId, and the policy admits no one).
cimd_policies = Table(
    "cimd_policies",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("policy_id", String(64), primary_key=True),
    Column("client_id", String(128), nullable=False),
    Column("name", String(64), nullable=False),
    Column("cache_duration", Integer, nullable=False),
    Column("url_patterns", JSON, nullable=False),
    Column("created", Float, nullable=False),
    Column("modified", Float, nullable=False),
)

# The client metadata document URLs a policy has received, with the cached document (None: invalidated).
cimd_urls = Table(
    "cimd_urls",
    metadata,
    Column("pool_id", String(55), primary_key=True),
    Column("policy_id", String(64), primary_key=True),
    Column("url", String(256), primary_key=True),
    Column("doc", JSON),
    Column("cached", Float),
    Column("expires", Float),
    ForeignKeyConstraint(
        ["pool_id", "policy_id"], ["cimd_policies.pool_id", "cimd_policies.policy_id"], ondelete="CASCADE"
    ),
)

# Secondary regions of a pool (the primary is the region of its id). One store serves every region.
pool_replicas = Table(
    "pool_replicas",
    metadata,
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), primary_key=True),
    Column("region", String(32), primary_key=True, index=True),
    Column("status", String(16), nullable=False),
    Column("tags", JSON, nullable=False),
    Column("created", Float, nullable=False),
)

# Point-in-time recovery (store/journal.py, docs/recovery.md). After-images of a pool's user data, one row
# per change: ``doc`` None means the entity was deleted. ``kind``: user (profile row, keyed by sub),
# credential (the SRP verifier row, keyed by sub: as secret as user_credentials, read only by recovery),
# group (keyed by name), member (keyed by "<sub>/<group>"). Rows older than the retention window are
# compacted to the latest one per entity, so the state at any time inside the window stays known.
pool_journal = Table(
    "pool_journal",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("at", Float, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(200).with_variant(String(200, collation="C"), "postgresql"), nullable=False),
    Column("doc", JSON(none_as_null=True)),
    Index(None, "pool_id", "at"),
    Index(None, "pool_id", "kind", "key", "seq"),
)

pool_recoveries = Table(
    "pool_recoveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(48), nullable=False),
    Column("restore_at", Float, nullable=False),
    Column("trigger_at", Float, nullable=False),
    Column("created", Float, nullable=False),
    Column("finished", Float),
    Column("preview", JSON),
    Index(None, "pool_id", "created"),
    Index(None, "status"),
)

# Request-rate quotas (operations/quotas.py, docs/quotas.md): the provisioned value per API category, and
# on PostgreSQL the fixed one-second windows every node counts in.
provisioned_limits = Table(
    "provisioned_limits",
    metadata,
    Column("category", String(64), primary_key=True),
    Column("value", Integer, nullable=False),
    Column("modified", Float, nullable=False),
)

quota_windows = Table(
    "quota_windows",
    metadata,
    # region/category[/respond][/pool id] (operations/quotas.py): a pool id alone may be 55 long.
    Column("category", String(128), primary_key=True),
    Column("second", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
)

# CSV user import jobs (operations/import_jobs.py). The job row is the state every node reads: status,
# counters, how many data rows are committed (``next_row``) and which node runs it (``owner``, kept alive by
# ``heartbeat``), so a job interrupted by a restart resumes after its last committed batch.
import_jobs = Table(
    "import_jobs",
    metadata,
    Column("job_id", String(55), primary_key=True),
    Column("pool_id", String(55), ForeignKey("pools.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("role_arn", String(2048), nullable=False),
    Column("presigned_url", String(2048), nullable=False),
    Column("upload_expires", Float, nullable=False),
    Column("uploaded", Boolean, nullable=False),
    Column("created", Float, nullable=False),
    Column("started", Float),
    Column("completed", Float),
    Column("message", String(128)),
    Column("imported", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("failed", Integer, nullable=False),
    Column("next_row", Integer, nullable=False),  # data rows already committed
    Column("owner", String(64)),
    Column("heartbeat", Float),
    Index(None, "pool_id", "created", "job_id"),
    Index(None, "status"),
)

# The uploaded CSV (apart from the job row, which lists and descriptions read without it).
import_job_files = Table(
    "import_job_files",
    metadata,
    Column("job_id", String(55), ForeignKey("import_jobs.job_id", ondelete="CASCADE"), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# The job log: one line per skipped or failed row (its line number in the file and why).
import_job_log = Table(
    "import_job_log",
    metadata,
    Column("job_id", String(55), ForeignKey("import_jobs.job_id", ondelete="CASCADE"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("outcome", String(16), nullable=False),  # SKIPPED | FAILED
    Column("reason", Text, nullable=False),
)
