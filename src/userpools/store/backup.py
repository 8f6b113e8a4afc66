"""Pool backups as JSON lines: ``userpools export`` and ``userpools restore`` (docs/backup.md).

A file is a header line, then per pool: one line per row of its pool-level tables (the ``pools`` row
first), one line per user carrying every row the user owns, the change journal and recoveries, and an
``end`` line with the row counts (a truncated file is refused). Rows are the stored columns as they are:
secrets stay sealed with the master key (or hashed), binary columns are base64.

Both directions run in plain SQLAlchemy Core on a synchronous connection (``Database.run_sync``), one
transaction per pool, reading users in pages of ``BATCH``: memory stays bounded by a page, not the pool.
Users get new row ids in the restored database; the rows they own are written with the new id.
"""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import orjson
from sqlalchemy import LargeBinary, Table, delete, exists, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from userpools.store import tables as t
from userpools.store.backup_tables import POOL_TABLES, TRAILING_TABLES, USER_TABLES, check_coverage
from userpools.store.migrate import head

FORMAT = "userpools-backup"
VERSION = 1
BATCH = 500

Row = dict[str, Any]


class RestoreError(Exception):
    """The file can't be restored (malformed, truncated, conflicting); nothing of that pool was written."""


def _encode(table: Table, row: Any) -> Row:
    out: Row = {}
    for column in table.c:
        value = row._mapping[column.name]
        if value is not None and isinstance(column.type, LargeBinary):
            value = base64.b64encode(value).decode()
        out[str(column.name)] = value
    return out


def _decode(table: Table, row: Row) -> Row:
    unknown = set(row) - set(table.c.keys())
    if unknown:
        raise RestoreError(f"{table.name}: unknown columns {sorted(unknown)} (a backup of a newer version?)")
    out = dict(row)
    for column in table.c:
        value = out.get(column.name)
        if value is not None and isinstance(column.type, LargeBinary):
            out[column.name] = base64.b64decode(value)
    return out


def header() -> Row:
    return {"format": FORMAT, "version": VERSION, "schema": head()}


def pool_ids(conn: Connection) -> list[str]:
    return list(conn.execute(select(t.pools.c.id).order_by(t.pools.c.id)).scalars())


def export_pool(conn: Connection, pool_id: str, out: BinaryIO) -> Counter[str]:
    """Writes one pool's lines to ``out``; the row counts. Run it in one transaction."""
    check_coverage()
    if conn.dialect.name == "postgresql":
        # One snapshot for the whole pool, however long the export takes.
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
    if not conn.execute(select(exists().where(t.pools.c.id == pool_id))).scalar():
        raise LookupError(f"user pool {pool_id} does not exist")
    counts: Counter[str] = Counter()

    def emit(line: Row) -> None:
        out.write(orjson.dumps(line) + b"\n")

    for name, query in POOL_TABLES.items():
        table = t.metadata.tables[name]
        for row in conn.execute(query(pool_id).order_by(*table.primary_key.columns)):
            emit({"table": name, "row": _encode(table, row)})
            counts[name] += 1
    for line in _user_lines(conn, pool_id, counts):
        emit(line)
    for name in TRAILING_TABLES:
        table = t.metadata.tables[name]
        for row in _paged(conn, table, pool_id):
            data = _encode(table, row)
            if name == "pool_journal":
                del data["seq"]  # renumbered on restore; the order of the lines is kept
            emit({"table": name, "row": data})
            counts[name] += 1
    emit({"end": pool_id, "counts": dict(counts)})
    return counts


def _paged(conn: Connection, table: Table, pool_id: str) -> Iterator[Any]:
    (key,) = table.primary_key.columns
    last: Any = None
    while True:
        query = select(table).where(table.c.pool_id == pool_id).order_by(key).limit(BATCH)
        if last is not None:
            query = query.where(key > last)
        rows = conn.execute(query).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1]._mapping[key.name]


def _user_lines(conn: Connection, pool_id: str, counts: Counter[str]) -> Iterator[Row]:
    for page in _pages(conn, pool_id):
        ids = [row.id for row in page]
        owned: dict[int, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for name, query in USER_TABLES.items():
            table = t.metadata.tables[name]
            for row in conn.execute(query(ids)):
                user_id = row._mapping["__user_id" if "__user_id" in row._mapping else "user_id"]
                data = _encode(table, row)
                data.pop("user_id", None)
                owned[user_id][name].append(data)
                counts[name] += 1
        for row in page:
            data = _encode(t.users, row)
            del data["id"]
            counts["users"] += 1
            yield {"table": "users", "row": data, "owned": owned.pop(row.id, {})}


def _pages(conn: Connection, pool_id: str) -> Iterator[list[Any]]:
    last = 0
    while True:
        query = select(t.users).where(t.users.c.pool_id == pool_id, t.users.c.id > last)
        rows = list(conn.execute(query.order_by(t.users.c.id).limit(BATCH)).all())
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1].id


def read_lines(stream: BinaryIO) -> Iterator[Row]:
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        try:
            line = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise RestoreError(f"line {number}: not JSON ({exc})") from None
        if not isinstance(line, dict):
            raise RestoreError(f"line {number}: not a JSON object")
        yield line


def check_header(line: Row | None) -> None:
    if line is None or line.get("format") != FORMAT:
        raise RestoreError("not a userpools backup (no header line)")
    if line.get("version") != VERSION:
        raise RestoreError(f"backup format version {line.get('version')} is not supported (this: {VERSION})")


# Checks the sealed signing keys of a pool open with this server's master key: (pool_id, kid, sealed).
KeyCheck = Callable[[str, str, str], bool]


def restore_pool(
    conn: Connection, first: Row, lines: Iterator[Row], replace: bool, key_check: KeyCheck | None
) -> tuple[str, Counter[str]]:
    """Restores the pool whose ``pools`` line is ``first``, consuming ``lines`` up to its ``end`` line.

    Run it in one transaction: any error leaves the database as it was.
    """
    if first.get("table") != "pools":
        raise RestoreError("each pool must start with its pools line")
    pool_id = str(first["row"]["id"])
    if conn.execute(select(exists().where(t.pools.c.id == pool_id))).scalar():
        if not replace:
            raise RestoreError(f"user pool {pool_id} already exists (restore --replace overwrites it)")
        conn.execute(delete(t.pools).where(t.pools.c.id == pool_id))  # everything it owns cascades
    writer = _Writer(conn, pool_id)
    writer.add("pools", first["row"])
    try:
        for line in lines:
            if "end" in line:
                writer.flush()
                if line["end"] != pool_id or dict(writer.counts) != dict(line.get("counts", {})):
                    raise RestoreError(
                        f"{pool_id}: the file's counts {line.get('counts')} differ from the rows read "
                        f"{dict(writer.counts)}"
                    )
                if key_check is not None:
                    _check_keys(conn, pool_id, key_check)
                return pool_id, writer.counts
            name = line.get("table")
            if name == "users":
                writer.user(line["row"], line.get("owned") or {})
            elif name in POOL_TABLES or name in TRAILING_TABLES:
                writer.add(str(name), line["row"])
            else:
                raise RestoreError(f"{pool_id}: unexpected line for table {name!r}")
    except IntegrityError as exc:
        detail = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
        raise RestoreError(f"{pool_id} conflicts with data already in the database: {detail}") from None
    raise RestoreError(f"{pool_id}: the file ends before the pool does (truncated?)")


def _check_keys(conn: Connection, pool_id: str, key_check: KeyCheck) -> None:
    keys = select(t.signing_keys.c.kid, t.signing_keys.c.private_sealed).where(
        t.signing_keys.c.pool_id == pool_id
    )
    for kid, sealed in conn.execute(keys):
        if not key_check(pool_id, kid, sealed):
            raise RestoreError(
                f"{pool_id}: signing key {kid} does not open with this master key: restore with the master "
                "key of the server that exported it (USERPOOLS_MASTER_KEY or DATA_DIR/master.key)"
            )


class _Writer:
    """Buffers rows per table and writes them in batches, parents first."""

    def __init__(self, conn: Connection, pool_id: str) -> None:
        self.conn = conn
        self.pool_id = pool_id
        self.counts: Counter[str] = Counter()
        self.pending: dict[str, list[Row]] = defaultdict(list)
        self.size = 0

    def add(self, name: str, row: Row) -> None:
        table = t.metadata.tables[name]
        data = _decode(table, row)
        owner = data["id"] if name == "pools" else data.get("pool_id", self.pool_id)
        if owner != self.pool_id:
            raise RestoreError(f"{self.pool_id}: a {name} row of another pool")
        if name in USER_TABLES or name == "users":
            raise RestoreError(f"{self.pool_id}: {name} rows belong on their user's line")
        if name == "pool_journal":
            data.pop("seq", None)
        self._queue(name, data)

    def user(self, row: Row, owned: dict[str, list[Row]]) -> None:
        data = _decode(t.users, row)
        data.pop("id", None)
        if data.get("pool_id") != self.pool_id:
            raise RestoreError(f"{self.pool_id}: a user of another pool")
        self.flush_except_users()
        user_id = self.conn.execute(insert(t.users).values(**data).returning(t.users.c.id)).scalar_one()
        self.counts["users"] += 1
        unknown = set(owned) - set(USER_TABLES)
        if unknown:
            raise RestoreError(f"{self.pool_id}: unknown tables on a user line: {sorted(unknown)}")
        for name in USER_TABLES:
            table = t.metadata.tables[name]
            for item in owned.get(name, ()):
                decoded = _decode(table, item)
                if "user_id" in table.c:
                    decoded["user_id"] = user_id
                self._queue(name, decoded)

    def _queue(self, name: str, data: Row) -> None:
        self.pending[name].append(data)
        self.counts[name] += 1
        self.size += 1
        if self.size >= BATCH:
            self.flush()

    def flush_except_users(self) -> None:
        # Pool-level rows (clients, groups, providers) must exist before a user's rows refer to them.
        if any(name in POOL_TABLES for name in self.pending):
            self.flush()

    def flush(self) -> None:
        order = [*POOL_TABLES, *USER_TABLES, *TRAILING_TABLES]
        for name in order:
            rows = self.pending.pop(name, None)
            if rows:
                self.conn.execute(insert(t.metadata.tables[name]), rows)
        self.size = 0
