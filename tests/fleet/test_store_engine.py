"""Opening databases: URLs, the environment variable, SQLite's settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from fleet.store.engine import ENV_URL, database_url, open_engine


def test_url_comes_from_argument_then_environment_then_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An explicit URL wins; else PORTER_DATABASE_URL; else porter.db in the cwd."""
    monkeypatch.delenv(ENV_URL, raising=False)
    assert database_url().render_as_string() == "sqlite:///porter.db"
    monkeypatch.setenv(ENV_URL, "sqlite:////var/lib/porter/porter.db")
    assert database_url().database == "/var/lib/porter/porter.db"
    assert database_url("sqlite:///x.db").database == "x.db"


def test_plain_postgresql_url_gets_psycopg_driver() -> None:
    """postgresql:// and postgres:// both mean psycopg 3."""
    for raw in ("postgresql://u@h/db", "postgres://u@h/db"):
        assert database_url(raw).drivername == "postgresql+psycopg"


def test_unsupported_database_is_refused_by_name() -> None:
    """A MySQL URL is refused with a message naming it and what is supported."""
    with pytest.raises(ValueError, match=r"mysql.*SQLite or PostgreSQL"):
        open_engine("mysql://u@h/db")


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    """A SQLite file opens in WAL mode with foreign keys and a busy timeout."""
    engine = open_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as connection:
            values = {
                name: connection.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
        assert values["journal_mode"] == "wal"
        assert values["foreign_keys"] == 1
        assert values["busy_timeout"] > 0
    finally:
        engine.dispose()
