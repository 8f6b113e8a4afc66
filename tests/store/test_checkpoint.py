"""store.checkpoint: SQLite's WAL is copied into the database file by a background thread, so commits on
the event loop never checkpoint (and fsync) themselves."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from userpools.store.checkpoint import LOOP_AUTOCHECKPOINT_PAGES, Checkpointer
from userpools.store.database import Database


def _checkpointers() -> int:
    return sum(t.name == "userpools-wal-checkpoint" for t in threading.enumerate())


def _grows(path: Path, beyond: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if path.stat().st_size > beyond:
            return True
        time.sleep(0.02)
    return False


def _fill_wal(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA wal_autocheckpoint={LOOP_AUTOCHECKPOINT_PAGES}")
    conn.execute("CREATE TABLE IF NOT EXISTS blobs (data BLOB)")
    for _ in range(300):
        conn.execute("INSERT INTO blobs VALUES (randomblob(4000))")
    return conn


def test_the_thread_copies_the_wal_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    writer = _fill_wal(path)
    before = path.stat().st_size
    assert Path(f"{path}-wal").stat().st_size > 1_000_000 and before < 100_000  # all of it still in the WAL
    time.sleep(0.3)
    assert path.stat().st_size == before  # the writer's own threshold is far away: nothing copies it
    checkpointer = Checkpointer(str(path), interval_s=0.01)
    running = _checkpointers()
    checkpointer.start()
    try:
        assert _grows(path, before + 1_000_000)
    finally:
        checkpointer.stop()
        writer.close()
    assert _checkpointers() == running


async def test_a_started_sqlite_store_checkpoints_and_stops_on_close(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    database = Database(f"sqlite:///{path}")
    running = _checkpointers()
    await database.start()
    try:
        assert _checkpointers() == running + 1

        def write(conn: Connection) -> None:
            conn.execute(text("CREATE TABLE blobs (data BLOB)"))
            for _ in range(300):
                conn.execute(text("INSERT INTO blobs VALUES (randomblob(4000))"))

        before = path.stat().st_size
        await database.run_sync(write)
        assert _grows(path, before + 1_000_000)
    finally:
        await database.close()
    assert _checkpointers() == running


def test_a_deleted_store_ends_the_thread_quietly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "gone.db"
    _fill_wal(path).close()
    checkpointer = Checkpointer(str(path), interval_s=0.01)
    checkpointer.start()
    time.sleep(0.05)
    for leftover in tmp_path.iterdir():
        leftover.unlink()
    checkpointer._thread.join(timeout=5)
    assert not checkpointer._thread.is_alive()
    assert "WAL checkpoint failed" not in caplog.text
