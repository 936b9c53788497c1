"""Migrations: empty to head from code, schema as declared, audit append-only."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, text
from sqlalchemy.exc import DBAPIError

from fleet.store import open_store
from fleet.store.engine import open_engine
from fleet.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    migrate,
)
from fleet.store.schema import audit_events, metadata


def test_empty_database_migrates_to_head(empty_database_url: str) -> None:
    """An empty database gets every table and ends at the newest revision."""
    engine = open_engine(empty_database_url)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"jobs", "robots", "audit_events", "tokens"} <= tables
        job_indexes = {ix["name"] for ix in inspect(engine).get_indexes("jobs")}
        assert {
            "ix_jobs_status",
            "ix_jobs_ward",
            "ix_jobs_created_at",
            "ix_jobs_robot_id",
        } <= job_indexes
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(empty_database_url: str) -> None:
    """Running the migrations on a database at head is a no-op."""
    migrate(empty_database_url)
    migrate(empty_database_url)
    engine = open_engine(empty_database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrated_schema_matches_declared_tables(empty_database_url: str) -> None:
    """Alembic finds no difference between the migrated database and schema.py."""
    engine = open_engine(empty_database_url)
    try:
        migrate(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True}
            )
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_migrations_need_no_alembic_ini(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """open_store migrates from any working folder, with no alembic.ini around."""
    monkeypatch.chdir(tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    try:
        assert current_revision(store.engine) == head_revision()
        assert not (tmp_path / "alembic.ini").exists()
    finally:
        store.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET reason = 'edited'",
        "DELETE FROM audit_events",
    ],
    ids=["update", "delete"],
)
def test_database_refuses_to_change_the_audit_trail(
    database_url: str, statement: str
) -> None:
    """A trigger rejects UPDATE and DELETE on the audit trail, even in raw SQL."""
    store = open_store(database_url)
    try:
        with store.engine.begin() as connection:
            connection.execute(
                insert(audit_events),
                [
                    {
                        "at": 1.0,
                        "subject": "job",
                        "subject_id": "j1",
                        "actor": "a",
                        "before": None,
                        "after": "requested",
                        "reason": "new",
                        "data": {},
                    }
                ],
            )
        with (
            pytest.raises(DBAPIError, match="append-only"),
            store.engine.begin() as connection,
        ):
            connection.execute(text(statement))
        history = store.jobs.history("job", "j1")
        assert [event.reason for event in history] == ["new"]
    finally:
        store.close()


def test_postgres_refuses_truncating_the_audit_trail(postgres_server) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL even TRUNCATE of the audit trail is refused."""
    store = open_store(postgres_server.new_database(migrated=True))
    try:
        with (
            pytest.raises(DBAPIError, match="append-only"),
            store.engine.begin() as connection,
        ):
            connection.execute(text("TRUNCATE audit_events"))
    finally:
        store.close()


def test_downgrade_to_empty_and_up_again(empty_database_url: str) -> None:
    """The first revision downgrades to an empty schema and upgrades again."""
    engine = open_engine(empty_database_url)
    try:
        migrate(engine)
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        assert current_revision(engine) is None
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_postgres_statement_timeout_is_set(postgres_server) -> None:  # type: ignore[no-untyped-def]
    """Porter's PostgreSQL sessions carry a statement timeout (stuck -> error)."""
    engine = open_engine(postgres_server.url("postgres"))
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar() == "30s"
    finally:
        engine.dispose()


def test_processes_starting_together_migrate_once(empty_database_url: str) -> None:
    """Four callers migrating one empty database at once all succeed (the
    migration runs under a lock; the others then find it at head)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda _: migrate(empty_database_url), range(4)))
    engine = open_engine(empty_database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
