"""``userpools`` command line: serve, outbox, keys rotate, master-key, import, import-log, export, restore."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from userpools import backup_cli, config
from userpools.observability import logs


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from userpools.app import create_app
    from userpools.web.http_limits import uvicorn_options

    overrides = {
        "host": args.host,
        "port": args.port,
        "db": args.db,
        "region": args.region,
        "account_id": args.account_id,
        "public_url": args.public_url,
        "auth": args.auth,
        "seed": Path(args.seed) if args.seed else None,
        "data_dir": Path(args.data_dir) if args.data_dir else None,
        "log_level": args.log_level,
        "log_format": args.log_format,
        "workers": args.workers,
        "forwarded_allow_ips": args.forwarded_allow_ips,
    }
    try:
        settings = config.from_env(**overrides)
        if settings.seed is not None:
            from userpools.seed import load

            load(settings.seed)  # a malformed file is reported here, before anything starts
        app = create_app(settings.with_(shared_store=settings.shared_store or settings.workers > 1))
    except ValueError as exc:
        print(f"userpools: {exc}", file=sys.stderr)
        return 2
    options: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "log_config": None,  # uvicorn's records go through the handler logs.configure installed
        "access_log": False,
        "loop": "auto",
        "http": "auto",
        "server_header": False,
        # X-Forwarded-For / -Proto of trusted proxies set the client address (risk signals, auth events)
        # and the scheme (Secure cookies of the hosted UI).
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips or None,
        **uvicorn_options(settings),  # slow and greedy clients (web/http_limits.py)
    }
    if settings.workers == 1:
        logs.configure(settings.log_level, settings.log_format)
        uvicorn.run(app, **options)
        return 0
    from userpools import workers

    workers.prepare(app)  # migrations, the seed file and the master key file, once, before any worker
    workers.export(overrides)
    logs.configure(settings.log_level, settings.log_format)
    uvicorn.run(workers.FACTORY, factory=True, workers=settings.workers, **options)
    return 0


def _outbox(args: argparse.Namespace) -> int:
    from userpools.adapters.outbox import read_outbox

    settings = config.from_env(data_dir=Path(args.data_dir) if args.data_dir else None)
    path = Path(args.file) if args.file else settings.outbox
    items = read_outbox(path, args.user, args.limit)
    if not items:
        print(f"userpools: no messages in {path}", file=sys.stderr)
    for item in items:
        if args.json:
            print(json.dumps(item, ensure_ascii=False))
        else:
            subject = f" [{item['subject']}]" if item.get("subject") else ""
            print(f"{item['channel']} to {item['destination']} ({item['username']}){subject}: {item['body']}")
    return 0


def _keys_rotate(args: argparse.Namespace) -> int:
    """Adds a new signing key pair to a pool; older public keys stay in its JWKS (see docs/tokens.md)."""
    import asyncio

    settings = config.from_env(db=args.db, data_dir=Path(args.data_dir) if args.data_dir else None)
    if not backup_cli.has_master_key(settings, "it must be the server's, or its signing keys can't be used"):
        return 2
    try:
        kids = asyncio.run(_rotate(settings, args.pool))
    except LookupError as exc:
        print(f"userpools: {exc}", file=sys.stderr)
        return 1
    print(f"{args.pool}: new signing keys (id token {kids['id']}, access token {kids['access']})")
    return 0


async def _rotate(settings: config.Settings, pool_id: str) -> dict[str, str]:
    from userpools.app import sealer_of
    from userpools.auth import keyring
    from userpools.ports import SystemClock, SystemRandom
    from userpools.store.database import Database

    database = Database(settings.database_url)
    await database.start()
    random = SystemRandom()
    try:
        async with database.unit_of_work(True) as uow:
            if not await uow.pools.exists(pool_id):
                raise LookupError(f"user pool {pool_id} does not exist in {settings.database_url}")
            sealer = sealer_of(settings, random)
            created = await keyring.rotate(uow, sealer, random, SystemClock().now(), pool_id)
    finally:
        await database.close()
    return {key.use: key.kid for key in created}


def _master_key_generate(_args: argparse.Namespace) -> int:
    from userpools.crypto.sealing import new_master_key

    print(new_master_key())
    return 0


def _master_key_rotate(args: argparse.Namespace) -> int:
    """Re-seals every stored secret under the current master key (docs/deployment.md)."""
    import asyncio

    from userpools.app import master_key, previous_master_keys
    from userpools.auth.reseal import ResealError
    from userpools.crypto.sealing import decode_master_key, new_master_key
    from userpools.errors import ServiceError

    settings = config.from_env(db=args.db, data_dir=Path(args.data_dir) if args.data_dir else None)
    key_file = settings.data_dir / "master.key"
    new_key = ""
    try:
        if args.replace_file:
            if settings.master_key or not key_file.exists():
                raise ValueError(f"--replace-file rotates the key file {key_file}, and there is none in use")
            new_key = new_master_key()
            current = decode_master_key(new_key)
            previous = (master_key(settings), *previous_master_keys(settings))
        else:
            current, previous = master_key(settings), previous_master_keys(settings)
            if not previous:
                raise ValueError(
                    "no previous master key: run it with the new key as USERPOOLS_MASTER_KEY and the old one "
                    "in USERPOOLS_MASTER_KEY_PREVIOUS (or pass --replace-file to rotate the key file)"
                )
        done = asyncio.run(_reseal(settings, current, previous))
    except (ValueError, ResealError) as exc:
        print(f"userpools: {exc}", file=sys.stderr)
        return 1
    except ServiceError as exc:  # e.g. a point-in-time recovery pending: user writes are paused
        print(f"userpools: {exc.code}: {exc.message}", file=sys.stderr)
        return 1
    if new_key:  # only once the store is re-sealed under it
        with (settings.data_dir / "master.key.previous").open("a") as fh:
            fh.write(key_file.read_text().strip() + "\n")
        staged = key_file.with_name("master.key.new")
        staged.write_text(new_key + "\n")
        staged.chmod(0o600)
        staged.replace(key_file)
    print(
        f"re-sealed {done.signing_keys} signing keys, {done.client_secrets} client secrets "
        f"and {done.totp_secrets} TOTP secrets"
    )
    return 0


async def _reseal(settings: config.Settings, current: bytes, previous: tuple[bytes, ...]) -> Any:
    from userpools.auth.reseal import reseal_all
    from userpools.crypto.sealing import Sealer
    from userpools.ports import SystemRandom
    from userpools.store.database import Database

    database = Database(settings.database_url)
    await database.start()
    try:
        async with database.unit_of_work(True) as uow:
            return await reseal_all(uow, Sealer(current, SystemRandom(), previous))
    finally:
        await database.close()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="userpools", description="Self-hosted Amazon Cognito User Pools.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser(
        "serve",
        help="run the server",
        epilog="Every setting is also an environment variable USERPOOLS_<NAME> (USERPOOLS_ACCESS_KEYS, "
        "USERPOOLS_EMAIL_SENDER, USERPOOLS_SMTP_HOST, ...); flags win. See docs/configuration.md.",
    )
    s.add_argument("--host", help="address to bind (default 127.0.0.1; env USERPOOLS_HOST)")
    s.add_argument("--port", type=int, help="port (default 9229)")
    s.add_argument("--db", help="SQLite file path or postgresql://... URL (default .userpools/userpools.db)")
    s.add_argument("--data-dir", help="directory for the default database and outbox (default .userpools)")
    s.add_argument(
        "--region",
        help="region(s) served, comma-separated; the first is the default (default us-east-1)",
    )
    s.add_argument("--account-id", help="account id used in ARNs (default 000000000000)")
    s.add_argument("--public-url", help="base URL clients reach (token issuer, pre-signed URLs)")
    s.add_argument(
        "--auth",
        choices=["local", "strict", "off"],
        help="SigV4 checking (default: local on loopback; off = unsigned admin calls too, loopback only)",
    )
    s.add_argument("--seed", help="YAML or JSON file of pools, clients and users to create at start")
    s.add_argument(
        "--workers",
        type=int,
        help="worker processes on the one port (default 1; env USERPOOLS_WORKERS; see docs/deployment.md)",
    )
    s.add_argument(
        "--forwarded-allow-ips",
        help="proxies trusted for X-Forwarded-For/-Proto, comma-separated or '*' (default 127.0.0.1)",
    )
    s.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    s.add_argument("--log-format", choices=["text", "json"], help="json: one JSON object per line")
    s.set_defaults(func=_serve)
    o = sub.add_parser("outbox", help="print the latest emails and SMS sent by the file sender")
    o.add_argument("--user", help="only messages to this username or address")
    o.add_argument("--limit", type=int, default=20)
    o.add_argument("--data-dir")
    o.add_argument("--file", help="outbox file (default .userpools/outbox.jsonl)")
    o.add_argument("--json", action="store_true", help="one JSON object a line")
    o.set_defaults(func=_outbox)
    k = sub.add_parser("keys", help="manage token signing keys").add_subparsers(dest="action", required=True)
    r = k.add_parser("rotate", help="add a new signing key pair to a pool (issued tokens stay valid)")
    r.add_argument("pool", help="user pool id")
    r.add_argument("--db", help="SQLite file path or postgresql://... URL (default: the server's)")
    r.add_argument("--data-dir", help="directory of the default database and master key (default .userpools)")
    r.set_defaults(func=_keys_rotate)
    m = sub.add_parser("master-key", help="generate or rotate the master key (docs/deployment.md)")
    ma = m.add_subparsers(dest="action", required=True)
    ma.add_parser("generate", help="print a new random master key").set_defaults(func=_master_key_generate)
    mr = ma.add_parser(
        "rotate",
        help="re-seal every stored secret under USERPOOLS_MASTER_KEY (old: USERPOOLS_MASTER_KEY_PREVIOUS)",
    )
    mr.add_argument("--db", help="SQLite file path or postgresql://... URL (default: the server's)")
    mr.add_argument("--data-dir", help="directory of the default database and key file (default .userpools)")
    mr.add_argument(
        "--replace-file",
        action="store_true",
        help="single node with data_dir/master.key: replace the file's key with a new one (the old one "
        "moves to master.key.previous); stop the server first",
    )
    mr.set_defaults(func=_master_key_rotate)

    from userpools.cli_import import add_commands

    add_commands(sub)  # import, import-log

    backup_cli.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
