"""Frozen server settings, read from CLI flags and ``USERPOOLS_*`` environment variables."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path(".userpools")
DEFAULT_DOMAIN_BASE_HOST = "amazoncognito.com"
# Where token signatures run (auth/signing.py).
SIGNING_MODES = ("auto", "loop", "thread", "process")


@dataclass(frozen=True)
class AccessKey:
    access_key_id: str
    secret_access_key: str


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 9229
    db: str = ""  # empty: a SQLite file under data_dir
    data_dir: Path = DEFAULT_DATA_DIR
    region: str = "us-east-1"  # the default region (new pools of unsigned callers, the test client)
    regions: tuple[str, ...] = ()  # further regions served; USERPOOLS_REGION=us-east-1,eu-west-1
    account_id: str = "000000000000"
    public_url: str = ""  # empty: http://{host}:{port}
    # Token issuer: empty = {base_url}/{poolId}; "aws" = https://cognito-idp.{region}.amazonaws.com/{poolId};
    # or a base URL (https://auth.example.com) = {that URL}/{poolId}.
    issuer: str = ""
    # Pool domains (hosted UI / OAuth 2.0 endpoints): prefix domains answer on the Host
    # ``<prefix>.auth.<region>.<domain_base_host>`` and, always, under ``{base_url}/domain/<prefix>``.
    # The default (AWS's own name) can't resolve to this server, so URLs are then reported path-style.
    domain_base_host: str = DEFAULT_DOMAIN_BASE_HOST
    auth: str = ""  # "local" | "strict" | "off"; empty: local on loopback, strict elsewhere
    access_keys: tuple[AccessKey, ...] = ()
    cors_origins: tuple[str, ...] = ("*",)
    email_sender: str = "file"  # console | file | smtp
    sms_sender: str = "file"  # console | file
    outbox_path: Path | None = None  # default: data_dir / "outbox.jsonl"
    # Log delivery (SetLogDeliveryConfiguration, docs/threat-protection.md): the directory the pools'
    # CloudWatch / S3 / Firehose destinations map to (JSON lines); "stdout" writes them to standard output.
    # Empty: data_dir / "logs".
    log_dir: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_from: str = "no-reply@verificationemail.com"
    seed: Path | None = None
    # Base64 of 32 bytes. Seals signing keys and challenge sessions; every node of one deployment needs the
    # same one. Empty: read (or create once) data_dir/master.key, fine for a single node.
    master_key: str = ""
    # Master key rotation (docs/deployment.md): the keys used before, comma-separated; they still open
    # what they sealed until ``userpools master-key rotate`` has re-sealed it. With the key file:
    # data_dir/master.key.previous.
    master_key_previous: str = ""
    log_level: str = "info"
    # "text" for a terminal, "json" for log collectors (one object per line; see docs/observability.md).
    log_format: str = "text"
    # One log line per API request (request id, operation, pool, outcome, latency); empty: on with json logs.
    log_requests: str = ""
    # When set, GET /metrics needs "Authorization: Bearer <token>".
    metrics_token: str = ""
    # Lambda triggers: the Lambda Invoke API endpoint (empty: AWS's own, by the function ARN's region), and
    # per-function backends: '<arn or name>=python:pkg.mod:func,<arn>=http://host/path' (others: Invoke).
    lambda_endpoint: str = ""
    # Custom sender triggers: the KMS endpoint that encrypts their codes (empty: AWS's own, by the key ARN's
    # region); credentials come from the usual AWS environment, as for the Lambda Invoke API.
    kms_endpoint: str = ""
    triggers: str = ""
    # Federation: endpoints of the social providers (Google, Facebook, LoginWithAmazon, SignInWithApple)
    # in place of the real ones, for tests and air-gapped set-ups (see ``federation_overrides``).
    federation_endpoints: str = ""
    # Client ID Metadata Documents: fetch https://<loopback address>/... client_id URLs over plain http
    # (tests and local development only; every other client_id URL is fetched over https).
    cimd_loopback_http: bool = False
    # Point-in-time recovery (docs/recovery.md): how long the change journal keeps history (days), and how
    # far in the past a recovery point must be at least (seconds; Cognito: 15 minutes).
    pitr_retention_days: int = 14
    pitr_min_age: int = 900
    # Request-rate quotas per API category (docs/quotas.md): "on" counts and throttles, "off" (the default)
    # counts nothing. quota_max_rps: the highest value UpdateProvisionedLimit accepts (0: 10x the default).
    # quota_scope: "pool" (the default) gives each user pool its own counter per category, so one busy pool
    # can't starve the others; "account" shares one counter among all pools of a region, as AWS does.
    quotas: str = "off"
    quota_max_rps: int = 0
    quota_scope: str = "pool"
    # Where token signatures run (auth/signing.py): "auto" (the default) hands them to a signing child
    # process while cores are spare, else signs on the event loop; "loop", "thread" or "process" fix it.
    signing: str = "auto"
    # CSV user import jobs: users per batch (each batch is one transaction).
    import_batch_size: int = 1000
    # PostgreSQL: a running job whose node has not reported for this long is taken over by another node.
    import_lease_seconds: int = 60
    # Behind a load balancer or TLS terminator: the addresses (comma-separated, or "*") whose
    # X-Forwarded-For / X-Forwarded-Proto headers are trusted for the client address and scheme (uvicorn's
    # forwarded_allow_ips). Empty: uvicorn's default, $FORWARDED_ALLOW_IPS or 127.0.0.1. Public URLs come
    # from public_url, never from request headers.
    forwarded_allow_ips: str = ""
    # Worker processes of ``userpools serve`` on one port (docs/deployment.md). More than one sets
    # shared_store in each worker.
    workers: int = 1
    # True when other processes use the same store (several workers, or several nodes on one SQLite
    # file): nothing that assumes this process owns the store alone (the pool cache, in-memory quota
    # counters) is used. PostgreSQL never assumes sole ownership.
    shared_store: bool = False
    # Slow and greedy clients (docs/limits.md, web/http_limits.py): seconds a client may take to send the
    # headers, and then the body, of a request (408 after that), seconds an idle keep-alive connection stays
    # open, the most requests served at once (0: no limit; beyond it 503), and the most bytes of request line
    # and headers (431 beyond).
    body_timeout: int = 30
    keep_alive_timeout: int = 5
    limit_concurrency: int = 0
    max_header_bytes: int = 16384
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def requests_logged(self) -> bool:
        """Request log lines: on by default with JSON logs (production), off for a terminal."""
        if self.log_requests:
            return self.log_requests.lower() in ("1", "on", "true", "yes")
        return self.log_format == "json"

    @property
    def database_url(self) -> str:
        if self.db:
            if "://" in self.db:
                return _async_driver(self.db)
            return f"sqlite:///{self.db}"
        return f"sqlite:///{self.data_dir / 'userpools.db'}"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def issuer_of(self, pool_id: str) -> str:
        """The ``iss`` of the pool's tokens (see ``issuer``)."""
        if self.issuer == "aws":
            return f"https://cognito-idp.{pool_id.partition('_')[0]}.amazonaws.com/{pool_id}"
        return f"{(self.issuer.rstrip('/') or self.base_url)}/{pool_id}"

    @property
    def domains_by_host(self) -> bool:
        """True when prefix domains are reported as ``<prefix>.auth.<region>.<domain_base_host>`` URLs."""
        return self.domain_base_host.lower() != DEFAULT_DOMAIN_BASE_HOST

    @property
    def outbox(self) -> Path:
        return self.outbox_path or self.data_dir / "outbox.jsonl"

    @property
    def served_regions(self) -> tuple[str, ...]:
        """Every region this server answers for: the default first, then the others."""
        return (self.region, *(r for r in self.regions if r != self.region))

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def auth_mode(self) -> str:
        if self.auth:
            return self.auth
        return "local" if self.is_loopback else "strict"

    @property
    def trigger_routes(self) -> dict[str, str]:
        """``triggers`` as {ARN or function name: ``python:mod:func`` | ``http(s)://...`` | ``lambda``}."""
        routes: dict[str, str] = {}
        for item in filter(None, (part.strip() for part in self.triggers.split(","))):
            name, sep, backend = item.partition("=")
            backend = backend.strip()
            known = backend == "lambda" or backend.startswith(("python:", "http://", "https://"))
            if not sep or not name.strip() or not known:
                raise ValueError(
                    "USERPOOLS_TRIGGERS is written '<function ARN or name>=<python:module:function | "
                    f"http(s)://url | lambda>', separated by commas, not {item!r}"
                )
            routes[name.strip()] = backend
        return routes

    @property
    def federation_overrides(self) -> dict[str, dict[str, str]]:
        """``federation_endpoints`` as {provider type: {ProviderDetails key: URL}}.

        Written ``<Type>.<key>=<url>`` (key: authorize_url, token_url, attributes_url, jwks_uri,
        oidc_issuer), or ``<Type>=<issuer URL>``: every endpoint is then discovered from that issuer's
        ``/.well-known/openid-configuration``. Items are separated by commas.
        """
        out: dict[str, dict[str, str]] = {}
        for item in filter(None, (part.strip() for part in self.federation_endpoints.split(","))):
            target, sep, url = item.partition("=")
            kind, dot, key = target.strip().partition(".")
            key = key if dot else "issuer"
            url = url.strip()
            if not sep or kind not in _SOCIAL or key not in _ENDPOINT_KEYS or "://" not in url:
                raise ValueError(
                    "USERPOOLS_FEDERATION_ENDPOINTS is written '<Google|Facebook|LoginWithAmazon|"
                    "SignInWithApple>[.<authorize_url|token_url|attributes_url|jwks_uri|oidc_issuer>]"
                    f"=<url>', separated by commas, not {item!r}"
                )
            out.setdefault(kind, {})[key] = url.rstrip("/") if key == "issuer" else url
        return out

    def check(self) -> None:
        """Refuse settings that would expose an unauthenticated admin API."""
        self.trigger_routes  # noqa: B018 - raises on a malformed USERPOOLS_TRIGGERS
        self.federation_overrides  # noqa: B018 - raises on a malformed USERPOOLS_FEDERATION_ENDPOINTS
        if self.auth not in ("", "local", "strict", "off"):
            raise ValueError(f"--auth must be 'local', 'strict' or 'off', not {self.auth!r}")
        if self.auth == "off" and not self.is_loopback:
            raise ValueError("--auth off (no signature needed at all) is only allowed on a loopback address")
        if self.issuer not in ("", "aws") and not self.issuer.startswith(("https://", "http://")):
            raise ValueError(f"USERPOOLS_ISSUER must be empty, 'aws' or an http(s) URL, not {self.issuer!r}")
        if not _HOST.fullmatch(self.domain_base_host):
            raise ValueError(f"USERPOOLS_DOMAIN_BASE_HOST must be a DNS name, not {self.domain_base_host!r}")
        if self.log_format not in ("text", "json"):
            raise ValueError(f"USERPOOLS_LOG_FORMAT must be text or json, not {self.log_format!r}")
        if self.email_sender not in ("console", "file", "smtp"):
            raise ValueError(f"email sender must be console, file or smtp, not {self.email_sender!r}")
        if self.quotas not in ("on", "off"):
            raise ValueError(f"USERPOOLS_QUOTAS must be on or off, not {self.quotas!r}")
        if self.quota_scope not in ("pool", "account"):
            raise ValueError(f"USERPOOLS_QUOTA_SCOPE must be pool or account, not {self.quota_scope!r}")
        if self.signing not in SIGNING_MODES:
            raise ValueError(f"USERPOOLS_SIGNING must be {', '.join(SIGNING_MODES)}, not {self.signing!r}")
        if self.workers < 1:
            raise ValueError("--workers (USERPOOLS_WORKERS) must be at least 1")
        if self.pitr_retention_days < 1:
            raise ValueError("USERPOOLS_PITR_RETENTION_DAYS must be at least 1")
        if self.sms_sender not in ("console", "file"):
            raise ValueError(f"SMS sender must be console or file, not {self.sms_sender!r}")
        for region in self.served_regions:
            if not _REGION.fullmatch(region):
                raise ValueError(f"{region!r} is not a region name (like us-east-1)")
        if not 1 <= self.import_batch_size <= 100_000:
            raise ValueError(f"USERPOOLS_IMPORT_BATCH_SIZE must be 1 to 100000, not {self.import_batch_size}")
        if self.auth_mode == "strict" and not self.access_keys:
            raise ValueError(
                f"refusing to listen on {self.host} without access keys: set USERPOOLS_ACCESS_KEYS="
                "'KEYID:SECRET[,KEYID:SECRET]' for strict SigV4 checking, or pass --auth local explicitly"
            )

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_SOCIAL = ("Google", "Facebook", "LoginWithAmazon", "SignInWithApple")
_ENDPOINT_KEYS = ("issuer", "authorize_url", "token_url", "attributes_url", "jwks_uri", "oidc_issuer")

# A region name as AWS spells them; it becomes the prefix of pool ids ([\w-]+_...).
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d+")
_HOST = re.compile(r"(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")


def split_regions(text: str) -> tuple[str, tuple[str, ...]]:
    """``"us-east-1,eu-west-1"`` -> default ``us-east-1`` and the others."""
    items = [r.strip() for r in text.split(",") if r.strip()]
    if not items:
        raise ValueError("--region needs at least one region name")
    return items[0], tuple(items[1:])


def _async_driver(url: str) -> str:
    for prefix, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite+aiosqlite://", "sqlite://"),
    ):
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    return url


def parse_access_keys(text: str) -> tuple[AccessKey, ...]:
    keys = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        key_id, sep, secret = item.partition(":")
        if not sep or not key_id or not secret:
            raise ValueError("access keys are written KEYID:SECRET, separated by commas")
        keys.append(AccessKey(key_id, secret))
    return tuple(keys)


_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _convert(name: str, raw: str, current: Any) -> Any:
    if name == "access_keys":
        return parse_access_keys(raw)
    if name == "cors_origins":
        return tuple(o.strip() for o in raw.split(",") if o.strip())
    if isinstance(current, bool):
        if raw.lower() not in _BOOL:
            raise ValueError(f"USERPOOLS_{name.upper()} must be true or false")
        return _BOOL[raw.lower()]
    if isinstance(current, int):
        if not raw.strip().isdigit():
            raise ValueError(f"USERPOOLS_{name.upper()} must be a whole number, not {raw!r}")
        return int(raw)
    if name in ("data_dir", "outbox_path", "seed"):
        return Path(raw)
    return raw


def from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from ``USERPOOLS_<FIELD>`` variables; explicit overrides (CLI flags) win."""
    env = os.environ if environ is None else environ
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in ("extra", "regions"):
            continue
        raw = env.get(f"USERPOOLS_{f.name.upper()}")
        if raw is not None:
            values[f.name] = _convert(f.name, raw, getattr(base, f.name))
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "," in values.get("region", ""):
        values["region"], values["regions"] = split_regions(values["region"])
    return replace(base, **values)
