"""Opening the database: SQLite by default, PostgreSQL by URL.

``PORTER_DATABASE_URL`` names the database (``sqlite:///porter.db``,
``postgresql+psycopg://user@host/porter``); a bare ``postgresql://`` URL gets the
psycopg 3 driver. SQLite runs in WAL mode (readers never block the writer) with
foreign keys on and a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE``: two writers then queue on the lock instead of one failing
with "database is locked" when it upgrades a read to a write.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import StaticPool

from fleet.core.errors import StoreUnavailable

ENV_URL = "PORTER_DATABASE_URL"
DEFAULT_URL = "sqlite:///porter.db"

#: How long a SQLite writer waits for the lock, and a PostgreSQL client for a
#: connection, before the store reports itself unavailable.
BUSY_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 5
STATEMENT_TIMEOUT_MS = 30_000

#: Execution option read when a transaction begins on SQLite: reads use a plain
#: (deferred) BEGIN so they run beside the writer.
SQLITE_BEGIN = "porter_sqlite_begin"


def database_url(url: str | URL | None = None) -> URL:
    """``url``, else ``PORTER_DATABASE_URL``, else a SQLite file in the cwd."""
    raw = url if url is not None else os.environ.get(ENV_URL) or DEFAULT_URL
    parsed = make_url(raw)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def open_engine(url: str | URL | None = None) -> Engine:
    """An engine for ``url`` with Porter's connection settings."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=10,
            max_overflow=20,
            pool_timeout=CONNECT_TIMEOUT_S,
            connect_args={
                "connect_timeout": CONNECT_TIMEOUT_S,
                # A server that vanishes mid-query (a cable, a failover) is
                # noticed in seconds, not after the kernel's two hours.
                "keepalives": 1,
                "keepalives_idle": 5,
                "keepalives_interval": 2,
                "keepalives_count": 3,
                # No statement of Porter's runs this long; one that does is
                # stuck behind a lock and becomes StoreUnavailable.
                "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS}",
            },
        )
    raise ValueError(
        f"database URL {parsed.render_as_string(hide_password=True)!r}: "
        "Porter stores its data in SQLite or PostgreSQL only"
    )


def _sqlite_engine(url: URL) -> Engine:
    in_memory = url.database in {None, "", ":memory:"}
    connect_args = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_S}
    if in_memory:
        # One shared connection, so every call sees the same database: good for
        # a quick single-threaded test, not for the service (use a file).
        engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool)
    else:
        engine = create_engine(
            url, connect_args=connect_args, pool_timeout=BUSY_TIMEOUT_S
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event, not pysqlite, decide how a
        # transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        if not in_memory:
            _use_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def _use_wal(cursor: Any) -> None:
    """Switch a new SQLite file to WAL (the mode then sticks to the file).

    Switching needs the file to itself, and SQLite answers "database is locked"
    at once, without its busy handler, while another connection is writing:
    several processes opening one new file together meet that. So poll.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        if cursor.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


#: One writer lock per SQLite engine (see :func:`begin_write`).
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = (
    weakref.WeakKeyDictionary()
)
_WRITERS_GUARD = threading.Lock()


@contextmanager
def begin_write(engine: Engine) -> Iterator[Connection]:
    """A write transaction: ``engine.begin()``, queued in-process on SQLite.

    SQLite takes one writer at a time; a writer that finds the file locked
    polls with sleeps of up to 100 ms, which makes for long tail latencies when
    many threads of one process write at once. Queueing this process's writers
    on a lock hands the file over at once; other processes still meet the
    busy timeout. PostgreSQL needs no such thing.
    """
    if not is_sqlite(engine):
        with engine.begin() as connection:
            yield connection
        return
    with _WRITERS_GUARD:
        writer = _WRITERS.setdefault(engine, threading.Lock())
    if not writer.acquire(timeout=BUSY_TIMEOUT_S):
        raise StoreUnavailable(
            f"database {engine.url.database} is busy: no write turn within "
            f"{BUSY_TIMEOUT_S:g} s"
        )
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        writer.release()


#: SQLite reports mistakes ("no such table") as OperationalError too; only these
#: mean the file cannot be used right now.
_SQLITE_UNAVAILABLE = ("locked", "busy", "unable to open", "disk i/o", "full")


def _unreachable(error: Exception, sqlite: bool) -> bool:
    if isinstance(error, DisconnectionError | PoolTimeout):
        return True
    if isinstance(error, OperationalError):
        text = str(error.orig).lower()
        return not sqlite or any(mark in text for mark in _SQLITE_UNAVAILABLE)
    return isinstance(error, DBAPIError) and error.connection_invalidated


@contextmanager
def unavailable_on_failure(engine: Engine) -> Iterator[None]:
    """Turn "the database cannot be reached" into :class:`StoreUnavailable`.

    The transaction inside has rolled back by the time this re-raises (the
    ``engine.begin()`` block exits first), so nothing is half-written.
    """
    try:
        yield
    except (DBAPIError, DisconnectionError, PoolTimeout) as error:
        if not _unreachable(error, is_sqlite(engine)):
            raise
        where = engine.url.render_as_string(hide_password=True)
        raise StoreUnavailable(
            f"database {where} is unavailable: {_first_line(error)}"
        ) from error


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
