"""Appending JSON lines to a file that several worker processes may write at once."""

from __future__ import annotations

import fcntl
from pathlib import Path


def append_line(path: Path, line: str) -> None:
    """Appends ``line`` whole: an exclusive lock keeps lines of other processes from interleaving."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file closes
        fh.write(line)
