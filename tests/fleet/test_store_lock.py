"""The leader lock: one dispatcher at a time, and a takeover when it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from fleet.store import open_store
from tests.fixtures.postgres import PostgresServer

ROOT = Path(__file__).resolve().parents[2]


def test_only_one_store_leads_until_it_releases(database_url: str) -> None:
    """Two stores on one database: one gets the lock; after release, the other."""
    first, second = open_store(database_url), open_store(database_url)
    try:
        assert first.leader.try_acquire()
        assert first.leader.try_acquire()  # asking again while leading is fine
        assert not second.leader.try_acquire()
        assert first.leader.held and not second.leader.held
        first.leader.release()
        assert not first.leader.held
        assert second.leader.try_acquire()
        assert not first.leader.try_acquire()
    finally:
        first.close()
        second.close()


def test_closing_the_store_hands_over_the_lock(database_url: str) -> None:
    """When the leader's store closes, another store takes the lock."""
    first, second = open_store(database_url), open_store(database_url)
    try:
        assert first.leader.try_acquire()
        first.close()
        assert second.leader.try_acquire()
    finally:
        second.close()


def test_lost_connection_loses_the_lock(postgres_server: PostgresServer) -> None:
    """If the server drops the leader's connection, ``held`` turns false and the
    other store gets the lock."""
    url = postgres_server.new_database(migrated=True)
    first, second = open_store(url), open_store(url)
    try:
        assert first.leader.try_acquire()
        assert not second.leader.try_acquire()
        with psycopg.connect(postgres_server.admin_url(), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted"
            )
        assert not first.leader.held
        assert second.leader.try_acquire()
    finally:
        first.close()
        second.close()


_LEADER = """
import sys, time
from fleet.store import open_store
store = open_store(sys.argv[1])
assert store.leader.try_acquire()
print("leading", flush=True)
time.sleep(60)
"""


def test_killed_leader_process_hands_over(database_url: str) -> None:
    """kill -9 of the leading process frees the lock for another process."""
    store = open_store(database_url)
    leader = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_LEADER), database_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert leader.stdout is not None
        assert leader.stdout.readline().strip() == "leading"
        assert not store.leader.try_acquire()
        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        # The server notices the closed socket at once on a local connection.
        assert _eventually(store.leader.try_acquire)
    finally:
        leader.kill()
        leader.wait(timeout=10)
        store.close()


def _eventually(attempt: Callable[[], bool], tries: int = 50) -> bool:
    """Whether ``attempt`` succeeds within ``tries`` polls, 0.1 s apart."""
    for _ in range(tries):
        if attempt():
            return True
        time.sleep(0.1)
    return False
