"""``userpools export`` and ``userpools restore``: pool backups as JSON lines (docs/backup.md)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

from userpools import config
from userpools.store.backup import RestoreError, Row, check_header, read_lines, restore_pool


def _settings(args: argparse.Namespace) -> config.Settings:
    return config.from_env(db=args.db, data_dir=Path(args.data_dir) if args.data_dir else None)


def has_master_key(settings: config.Settings, why: str) -> bool:
    """Whether the server's master key is configured; says ``why`` it is needed when it is not."""
    if settings.master_key or (settings.data_dir / "master.key").exists():
        return True
    where = settings.data_dir / "master.key"
    print(f"userpools: no master key (USERPOOLS_MASTER_KEY or {where}): {why}", file=sys.stderr)
    return False


def _export(args: argparse.Namespace) -> int:
    out = sys.stdout.buffer
    try:
        if args.output and args.output != "-":
            with open(args.output, "wb") as file:
                asyncio.run(export(_settings(args), args.pool or [], file))
        else:
            asyncio.run(export(_settings(args), args.pool or [], out))
    except LookupError as exc:
        print(f"userpools: {exc.args[0]}", file=sys.stderr)
        return 1
    return 0


async def export(settings: config.Settings, pools: list[str], out: BinaryIO) -> dict[str, int]:
    """Writes the named pools (all when none is named) to ``out``; {pool id: users}."""
    import orjson

    from userpools.store import backup
    from userpools.store.database import Database

    database = Database(settings.database_url)
    await database.start()
    done: dict[str, int] = {}
    try:
        wanted = pools or await database.run_sync(backup.pool_ids)
        out.write(orjson.dumps(backup.header()) + b"\n")
        for pool_id in wanted:
            counts = await database.run_sync(partial(backup.export_pool, pool_id=pool_id, out=out))
            done[pool_id] = counts["users"]
            out.flush()
    finally:
        await database.close()
    return done


def _restore(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not has_master_key(settings, "restoring needs the master key of the server that exported the pools"):
        return 2
    try:
        with open(args.file, "rb") as file:
            restored = asyncio.run(restore(settings, file, args.replace))
    except (OSError, RestoreError) as exc:
        print(f"userpools: {exc}", file=sys.stderr)
        return 1
    for pool_id, users in restored.items():
        print(f"{pool_id}: restored ({users} users)")
    return 0


async def restore(settings: config.Settings, stream: BinaryIO, replace: bool = False) -> dict[str, int]:
    """Restores every pool of the backup in ``stream``, one transaction each; {pool id: users}.

    Each pool's signing keys must open with this server's master key, or that pool is refused.
    """
    from userpools.app import sealer_of
    from userpools.auth import keyring
    from userpools.ports import SystemRandom
    from userpools.store.database import Database

    sealer = sealer_of(settings, SystemRandom())  # previous keys too: a rotation may be under way

    def check(pool_id: str, kid: str, sealed: str) -> bool:
        return keyring.opens(sealer, pool_id, kid, sealed)

    lines: Iterator[Row] = read_lines(stream)
    check_header(next(lines, None))
    database = Database(settings.database_url)
    await database.start()
    done: dict[str, int] = {}
    try:
        for first in lines:
            work = partial(restore_pool, first=first, lines=lines, replace=replace, key_check=check)
            pool_id, counts = await database.run_sync(work)
            done[pool_id] = counts["users"]
    finally:
        await database.close()
    return done


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    e = sub.add_parser(
        "export",
        help="write pools (all, or those named) as JSON lines to standard output",
        epilog="Secrets stay sealed with the master key: restoring needs the same key. See docs/backup.md.",
    )
    e.add_argument("--pool", action="append", help="user pool id (repeat for several; default: all pools)")
    e.add_argument("--output", "-o", help="file to write (default: standard output)")
    e.add_argument("--db", help="SQLite file path or postgresql://... URL (default: the server's)")
    e.add_argument("--data-dir", help="directory of the default database (default .userpools)")
    e.set_defaults(func=_export)
    r = sub.add_parser("restore", help="restore the pools of an export file, one transaction each")
    r.add_argument("file", help="file written by userpools export")
    r.add_argument("--replace", action="store_true", help="overwrite pools that already exist")
    r.add_argument("--db", help="SQLite file path or postgresql://... URL (default: the server's)")
    r.add_argument("--data-dir", help="directory of the default database and master key (default .userpools)")
    r.set_defaults(func=_restore)
