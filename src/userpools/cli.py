"""``userpools`` command line: serve, outbox, keys rotate, export, restore."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
    }
    try:
        settings = config.from_env(**overrides)
        if settings.seed is not None:
            from userpools.seed import load

            load(settings.seed)  # a malformed file is reported here, before anything starts
        app = create_app(settings)
    except ValueError as exc:
        print(f"userpools: {exc}", file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,  # uvicorn's records go through the handler logs.configure installed
        access_log=False,
        loop="auto",
        server_header=False,
        **{"http": "auto", **uvicorn_options(settings)},
    )
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
    from userpools.app import master_key
    from userpools.auth import keyring
    from userpools.crypto.sealing import Sealer
    from userpools.ports import SystemClock, SystemRandom
    from userpools.store.database import Database

    database = Database(settings.database_url)
    await database.start()
    random = SystemRandom()
    try:
        async with database.unit_of_work(True) as uow:
            if not await uow.pools.exists(pool_id):
                raise LookupError(f"user pool {pool_id} does not exist in {settings.database_url}")
            sealer = Sealer(master_key(settings), random)
            created = await keyring.rotate(uow, sealer, random, SystemClock().now(), pool_id)
    finally:
        await database.close()
    return {key.use: key.kid for key in created}


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
    backup_cli.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
