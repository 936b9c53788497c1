"""A real Porter server for tests: uvicorn on 127.0.0.1 in a thread, and httpx.

:class:`PorterServer` starts ``create_app(settings)`` on a free port, waits until
it answers, and stops it cleanly (lifespan shutdown included), so a test can stop
a server and start another on the same database. ``in_loop`` runs a function on
the server's event loop (to make a virtual robot drop offline, say).
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn

from fleet.api.app import create_app
from fleet.api.compose import ServeSettings
from fleet.cli.serve_cmds import create_token
from fleet.core.config import CoreConfig
from fleet.core.model import Role
from fleet.store import open_store
from tests.fixtures.postgres import process_server

T = TypeVar("T")

#: Wards of the demo hospital the tests use: one the station serves, one it does not.
WARD = "ward_2a"
OTHER_WARD = "ward_3a"

#: Timers short enough for tests; everything else as in production.
TEST_CORE = CoreConfig(
    replan_debounce_s=0.05,
    robot_offline_timeout_s=3.0,
    pickup_service_s=1.0,
    dropoff_service_s=1.0,
    planner_time_limit_s=0.5,
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    condition: Callable[[], T], *, timeout_s: float = 30.0, what: str = "condition"
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after the timeout."""
    deadline = time.monotonic() + timeout_s
    last: T = condition()
    while not last:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.05)
        last = condition()
    return last


class PorterServer:
    """One running server; use :func:`running` to get one."""

    def __init__(self, settings: ServeSettings | None, app: Any = None) -> None:
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.app = app if app is not None else create_app(settings)  # type: ignore[arg-type]
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        wait_until(lambda: self.server.started, timeout_s=30, what="uvicorn start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        if self.thread.is_alive():
            raise AssertionError("the server did not stop within 30 s")

    def in_loop(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the server's event loop and return its result."""
        loop: asyncio.AbstractEventLoop = self.app.state.loop

        async def run() -> T:
            return call()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=10)

    @property
    def service(self) -> Any:
        return self.app.state.service

    def robot(self, robot_id: str) -> Any:
        return self.app.state.assembly.robots[robot_id]


@contextmanager
def running(
    settings: ServeSettings | None = None, *, app: Any = None
) -> Iterator[PorterServer]:
    """A started server for ``settings`` (or an ``app`` already made)."""
    server = PorterServer(settings, app)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def settings_for(database_url: str, **changes: Any) -> ServeSettings:
    """Demo hospital, 6 robots, fast world and short timers, on ``database_url``."""
    values: dict[str, Any] = {
        "building": "demo_hospital",
        "database_url": database_url,
        "robots": 6,
        "speed": 100.0,
        "solver": "greedy",
        "tick_s": 0.1,
        "core": TEST_CORE,
    }
    values.update(changes)
    return ServeSettings(**values)


def make_tokens(database_url: str) -> dict[str, str]:
    """Tokens for the roles the tests use, stored in the database."""
    store = open_store(database_url)
    try:
        return {
            "operator": create_token(store.tokens, Role.OPERATOR),
            "station_w": create_token(
                store.tokens, Role.NURSING_STATION, wards=frozenset({WARD})
            ),
            "station_other": create_token(
                store.tokens, Role.NURSING_STATION, wards=frozenset({OTHER_WARD})
            ),
            "pharmacy": create_token(store.tokens, Role.PHARMACY),
        }
    finally:
        store.close()


def client(server: PorterServer, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url, headers=headers, timeout=10.0)


#: ``PORTER_TEST_DATABASE=postgresql`` runs the service tests on PostgreSQL
#: (scripts/test does a second pass so); anything else, or unset: SQLite.
DATABASE_KIND = os.environ.get("PORTER_TEST_DATABASE", "sqlite")


def service_database(folder: Path) -> str:
    """The database a test's server uses: a SQLite file in ``folder``, or a
    fresh PostgreSQL database when the suite runs on PostgreSQL."""
    if DATABASE_KIND != "postgresql":
        return f"sqlite:///{folder / 'porter.db'}"
    return process_server().new_database(migrated=True)
