"""Bring a database's schema to the newest revision, from code.

Alembic is configured here, without an alembic.ini: the migrations ship inside
the package (``fleet/store/migrations``) and run on a connection we open. On
PostgreSQL the upgrade holds an advisory lock, so several Porter processes
starting together migrate one after the other instead of racing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from fleet.store.engine import is_sqlite, open_engine, unavailable_on_failure

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: pg_advisory_lock key held while migrating (any 64-bit number unique to Porter).
MIGRATION_LOCK_KEY = 0x504F_5254_4D49_4752  # "PORTMIGR"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at Porter's migrations (and ``connection``)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations found under {MIGRATIONS}"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with unavailable_on_failure(engine), engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(target: str | Engine | None = None, revision: str = "head") -> None:
    """Upgrade the database at ``target`` (a URL or an engine) to ``revision``."""
    engine = target if isinstance(target, Engine) else open_engine(target)
    try:
        with unavailable_on_failure(engine), engine.begin() as connection:
            if not is_sqlite(engine):
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"),
                    {"key": MIGRATION_LOCK_KEY},
                )
            command.upgrade(alembic_config(connection), revision)
    finally:
        if engine is not target:
            engine.dispose()
