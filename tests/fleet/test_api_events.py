"""Live events over the WebSocket: all for the operator, own ward for a station."""

from __future__ import annotations

import json
import queue
import threading
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.e2e.flow import delivery
from tests.e2e.server import (
    PorterServer,
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
    wait_until,
)


class Listener:
    """Collects the job ids a WebSocket client is told about, in a thread."""

    def __init__(self, server: PorterServer, token: str) -> None:
        self.url = (
            server.url.replace("http://", "ws://") + f"/api/v1/events?token={token}"
        )
        self.jobs: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self.seen: set[str] = set()
        self.socket: ClientConnection | None = None
        self.connected = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        assert self.connected.wait(timeout=10), "the WebSocket did not open"

    def _read(self) -> None:
        with connect(self.url, open_timeout=10) as socket:
            self.socket = socket
            self.connected.set()
            try:
                while True:
                    event = json.loads(socket.recv())
                    if event["kind"] == "job":
                        self.jobs.put(event["job"])
            except ConnectionClosed:
                return

    def job_ids(self) -> set[str]:
        while not self.jobs.empty():
            self.seen.add(self.jobs.get()["id"])
        return self.seen

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
        self.thread.join(timeout=10)


def test_events_reach_the_operator_and_only_the_own_ward_station(
    tmp_path: Path,
) -> None:
    """The operator hears both wards' jobs; the 2A station hears only 2A's."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with running(settings_for(database, speed=1.0)) as server:
        operator = Listener(server, tokens["operator"])
        station = Listener(server, tokens["station_w"])
        try:
            with client(server, tokens["pharmacy"]) as pharmacy:
                mine = pharmacy.post("/api/v1/requests", json=delivery()).json()["id"]
                body = delivery(dropoff="ward_3a")
                theirs = pharmacy.post("/api/v1/requests", json=body).json()["id"]
            wait_until(
                lambda: {mine, theirs} <= operator.job_ids(), what="operator events"
            )
            wait_until(lambda: mine in station.job_ids(), what="station events")
            assert theirs not in station.job_ids()
        finally:
            operator.close()
            station.close()


def test_events_refuse_a_bad_token(tmp_path: Path) -> None:
    """A WebSocket without a valid token is closed with a policy violation."""
    database = service_database(tmp_path)
    with running(settings_for(database, robots=0)) as server:
        url = server.url.replace("http://", "ws://") + "/api/v1/events?token=nope"
        with (
            pytest.raises((ConnectionClosed, InvalidStatus)),
            connect(url, open_timeout=10) as socket,
        ):
            socket.recv(timeout=10)


def test_server_stops_with_a_client_still_listening(tmp_path: Path) -> None:
    """Shutting down closes open WebSockets instead of waiting for them."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with running(settings_for(database, robots=1, speed=1.0)) as server:
        listener = Listener(server, tokens["operator"])
    listener.thread.join(timeout=10)
    assert not listener.thread.is_alive()
