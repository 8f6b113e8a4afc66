"""``userpools serve --workers N``: N processes serving one port, under uvicorn's process supervisor.

The parent prepares the store once (migrations, the seed file, the master key file when none is
configured), so workers starting together never race to create them, then passes its command-line
settings to the workers through ``USERPOOLS_*`` variables: each worker builds its app from the
environment (``userpools.app:from_environment``) with ``shared_store`` on, since the store is no longer
this process's alone (see store/pool_cache.py and operations/quotas.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any

from userpools.web.asgi import Root

FACTORY = "userpools.app:from_environment"


def prepare(app: Root) -> None:
    """Runs the app's start-up (migrations, seed) and shut-down once in this process."""

    async def start_and_stop() -> None:
        async with app.web.router.lifespan_context(app.web):
            pass

    asyncio.run(start_and_stop())


def export(overrides: Mapping[str, Any]) -> None:
    """Command-line settings as the ``USERPOOLS_*`` variables the workers read (flags win over them)."""
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"USERPOOLS_{name.upper()}"] = str(value)
    # The parent has applied the seed file; workers must not apply it again.
    os.environ.pop("USERPOOLS_SEED", None)
