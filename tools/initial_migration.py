"""Regenerates migrations/versions/0001_initial.py from store/tables.py.

Allowed only until the first release: after that, schema changes are new forward-only revisions
(`alembic revision --autogenerate` against a database at head).
"""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from userpools.store.tables import metadata

TARGET = Path(__file__).resolve().parents[1] / "src/userpools/store/migrations/versions/0001_initial.py"

HEADER = '''"""Initial schema.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
'''


def main() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"target_metadata": metadata})
        script = produce_migrations(ctx, metadata)
        code = render_python_code(script.upgrade_ops, render_as_batch=False)
    lines = [line for line in code.splitlines() if "commands auto generated" not in line]
    lines = [line for line in lines if "### end Alembic" not in line]
    TARGET.write_text(HEADER + "\n".join(lines).rstrip() + "\n")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
