"""The leader lock: one dispatcher at a time over one database.

On PostgreSQL it is a session advisory lock (``pg_try_advisory_lock``) held on a
connection of its own, outside the pool: it lasts exactly as long as that
connection, so a process that dies (even ``kill -9``) loses it as soon as the
server notices the closed socket, and another process takes over.

On SQLite one machine owns the file, and the lock is an exclusive ``flock`` on a
file beside the database (``porter.db.leader``): the operating system releases
it when the process dies. An in-memory database lives in one process only, so
its lock is simply held.
"""

from __future__ import annotations

import fcntl
import os
from threading import Lock
from typing import IO, Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from fleet.store.engine import is_sqlite, unavailable_on_failure

#: pg advisory lock key for "the dispatcher" (any 64-bit number unique to Porter).
DISPATCHER_LOCK_KEY = 0x504F_5254_4449_5350  # "PORTDISP"


class LeaderLock:
    """Try to become the one dispatcher; keep checking that we still are."""

    def __init__(self, engine: Engine, key: int = DISPATCHER_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._guard = Lock()
        self._connection: Connection | None = None
        self._file: IO[bytes] | None = None
        self._memory_held = False

    def try_acquire(self) -> bool:
        """Take the lock if it is free (never waits); whether we hold it now."""
        with self._guard:
            if self._holds():
                return True
            if not is_sqlite(self.engine):
                return self._acquire_pg()
            return self._acquire_file()

    @property
    def held(self) -> bool:
        """Whether we still hold the lock (on PostgreSQL: the connection lives).

        A leader should check this before each dispatch and stop dispatching
        the moment it turns false.
        """
        with self._guard:
            return self._holds()

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        with self._guard:
            if self._connection is not None:
                connection, self._connection = self._connection, None
                try:
                    connection.execute(
                        text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                    )
                except DBAPIError:
                    pass  # the connection is gone, and the lock with it
                finally:
                    connection.close()
            if self._file is not None:
                self._file.close()  # closing the descriptor drops the flock
                self._file = None
            self._memory_held = False

    def _holds(self) -> bool:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT 1"))
                return True
            except DBAPIError:
                self._connection.invalidate()
                self._connection.close()
                self._connection = None
                return False
        return self._file is not None or self._memory_held

    def _acquire_pg(self) -> bool:
        with unavailable_on_failure(self.engine):
            # A dedicated connection: detached from the pool so it is never
            # handed to another caller while it holds the lock.
            connection = self.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT"
            )
            connection.detach()
            try:
                got = connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                ).scalar_one()
            except BaseException:
                connection.close()
                raise
        if got:
            self._connection = connection
        else:
            connection.close()
        return bool(got)

    def _acquire_file(self) -> bool:
        database = self.engine.url.database
        if database in {None, "", ":memory:"}:
            self._memory_held = True
            return True
        handle: Any = open(f"{os.path.abspath(database)}.leader", "ab")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def close(self) -> None:
        self.release()
