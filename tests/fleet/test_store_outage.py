"""An unreachable database is StoreUnavailable, and nothing is half-written."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from fleet.core.errors import StoreUnavailable
from fleet.core.model import JobStatus
from fleet.store import Store, engine, open_store
from tests.fixtures.postgres import (
    PostgresServer,
    _skip_or_fail,
    started_server,
    unavailable_reason,
)
from tests.fleet.store_samples import created, plain_job


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this module's own, which its tests stop and start."""
    reason = unavailable_reason()
    if reason is not None:
        _skip_or_fail(reason)
    server = started_server()
    try:
        yield server
    finally:
        with contextlib.suppress(RuntimeError):  # a test left it stopped
            server.stop()
        server.remove()


@pytest.fixture
def pg_store(own_postgres: PostgresServer) -> Iterator[Store]:
    store = open_store(own_postgres.new_database(migrated=True))
    yield store
    store.close()


def test_open_on_refused_port_is_unavailable() -> None:
    """A PostgreSQL URL where nothing listens gives StoreUnavailable on open."""
    with pytest.raises(StoreUnavailable, match="unavailable"):
        open_store("postgresql://postgres@127.0.0.1:1/porter")


def test_open_on_unreachable_sqlite_file_is_unavailable(tmp_path: Path) -> None:
    """A SQLite file in a folder that does not exist gives StoreUnavailable."""
    with pytest.raises(StoreUnavailable, match="unable to open"):
        open_store(f"sqlite:///{tmp_path / 'missing' / 'porter.db'}")


def test_every_call_is_unavailable_while_server_is_down(
    own_postgres: PostgresServer, pg_store: Store
) -> None:
    """With the server stopped, reads and writes raise StoreUnavailable; after a
    restart the same store works again and holds exactly what was committed."""
    job = plain_job("job-1")
    pg_store.jobs.create_job(job, created(job))
    own_postgres.stop()
    try:
        late = plain_job("job-2")
        calls = [
            lambda: pg_store.jobs.create_job(late, created(late)),
            lambda: pg_store.jobs.save_job(job, [], expected_version=1),
            lambda: pg_store.jobs.get_job("job-1"),
            lambda: pg_store.jobs.list_robots(),
            lambda: pg_store.tokens.principal_for("prt_abc_def"),
            lambda: pg_store.leader.try_acquire(),
        ]
        for call in calls:
            with pytest.raises(StoreUnavailable):
                call()
    finally:
        own_postgres.start()
    assert [j.id for j in pg_store.jobs.open_jobs()] == ["job-1"]
    assert pg_store.jobs.history("job", "job-2") == []


def test_outage_mid_transaction_leaves_nothing_half_written(
    own_postgres: PostgresServer, pg_store: Store
) -> None:
    """The server dies between a job's update and its audit insert: the update
    is rolled back with it, and the caller gets StoreUnavailable."""
    job = plain_job("job-1")
    pg_store.jobs.create_job(job, created(job))

    def crash_before_audit(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS"):
            own_postgres.stop()

    event.listen(pg_store.engine, "before_cursor_execute", crash_before_audit)
    assigned = dataclasses.replace(job, status=JobStatus.ASSIGNED, version=2)
    moved = dataclasses.replace(created(job), before="requested", after="assigned")
    try:
        with pytest.raises(StoreUnavailable):
            pg_store.jobs.save_job(assigned, [moved], expected_version=1)
    finally:
        event.remove(pg_store.engine, "before_cursor_execute", crash_before_audit)
        own_postgres.start()
    assert pg_store.jobs.get_job("job-1") == job
    assert pg_store.jobs.history("job", "job-1") == [created(job)]
    pg_store.jobs.save_job(assigned, [moved], expected_version=1)
    assert pg_store.jobs.get_job("job-1") == assigned


def test_locked_sqlite_file_is_unavailable_then_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the SQLite write lock past the busy timeout gives
    StoreUnavailable (not a hang, not a half write); then writes go through."""
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "porter.db"
    store = open_store(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        job = plain_job("job-1")
        with pytest.raises(StoreUnavailable, match="locked"):
            store.jobs.create_job(job, created(job))
        other.execute("ROLLBACK")
        assert store.jobs.create_job(job, created(job)) == job
        assert store.jobs.history("job", "job-1") == [created(job)]
    finally:
        other.close()
        store.close()
