"""Alembic environment: always runs on the connection handed over by ``userpools.store.migrate``."""

from alembic import context

from userpools.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("userpools migrations run through userpools.store.migrate.upgrade()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
context.run_migrations()
