"""Alembic environment: run on the connection that :func:`fleet.store.migrate`
hands over (no alembic.ini, no URL of its own)."""

from __future__ import annotations

from alembic import context

from fleet.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "Porter's migrations run through fleet.store.migrate.migrate(url), "
        "which passes the database connection; there is no alembic.ini"
    )
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
