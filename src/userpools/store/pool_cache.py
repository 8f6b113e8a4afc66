"""Pool documents cached in-process, for a store that one process owns alone (embedded SQLite).

Nearly every request reads its pool's configuration; on SQLite the only writer is this process, so a
document can be kept until this process commits a change to that pool. Each pool has a generation,
bumped right after such a commit; a reader stores what it read only under the generation it saw before
reading, so a document read before a commit can never be served after it. PostgreSQL deployments run
several nodes and use no cache. Documents are kept as JSON bytes so every reader gets its own copy.
"""

from __future__ import annotations

from typing import Any

import orjson

MAX_ENTRIES = 10_000


class PoolCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[int, bytes]] = {}
        self._generations: dict[str, int] = {}

    def generation(self, pool_id: str) -> int:
        return self._generations.get(pool_id, 0)

    def get(self, pool_id: str) -> dict[str, Any] | None:
        entry = self._entries.get(pool_id)
        if entry is None or entry[0] != self.generation(pool_id):
            return None
        doc: dict[str, Any] = orjson.loads(entry[1])
        return doc

    def put(self, pool_id: str, generation: int, doc: dict[str, Any]) -> None:
        if generation != self.generation(pool_id):
            return
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[pool_id] = (generation, orjson.dumps(doc))

    def changed(self, pool_id: str) -> None:
        """Called after a commit that wrote the pool's row."""
        self._generations[pool_id] = self.generation(pool_id) + 1
        self._entries.pop(pool_id, None)
