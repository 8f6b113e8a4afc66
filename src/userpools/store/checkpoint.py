"""SQLite WAL checkpoints on a background thread instead of inside a request's commit.

In WAL mode every commit appends pages to ``<db>-wal``; by default the commit that takes the WAL past
1,000 pages also copies them back into the database file and fsyncs both (a checkpoint). Our SQLite
statements run on the event-loop thread (store/connection.py), so those fsyncs stalled every request
in flight: under the benchmark harness's sign-ups the server used 91 % of its core with checkpoints in
commits and 99 % with them here, for 7-9 % more sign-ups a second (docs/benchmarks.md). Here a thread
with its own connection runs a PASSIVE checkpoint four times a second, which never blocks readers or
writers; the sqlite3 driver releases the GIL while SQLite works, so the copy and the fsyncs overlap
the event loop's work.

The request connections keep a far larger automatic threshold (``LOOP_AUTOCHECKPOINT_PAGES``) as a
safety net: should this thread stop or fall behind, the WAL is still bounded.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger("userpools.store")

INTERVAL_S = 0.25
LOOP_AUTOCHECKPOINT_PAGES = 20000  # ~80 MB of WAL with 4 KiB pages, only if the thread can't keep up


class Checkpointer:
    def __init__(self, path: str, interval_s: float = INTERVAL_S) -> None:
        self.path = path
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="userpools-wal-checkpoint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        failing = ""
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            # Ends with the server, or when the store was deleted under a server that never closed it.
            while not self._stop.wait(self.interval_s) and os.path.exists(self.path):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:
                    if str(exc) != failing:  # once per distinct failure, not four times a second
                        log.warning("WAL checkpoint failed (retrying): %s", exc)
                    failing = str(exc)
                    continue
                if failing:
                    log.warning("WAL checkpoints work again")
                failing = ""
        finally:
            conn.close()
