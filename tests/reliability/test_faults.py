"""Faults through the real server: the jobs are recovered and an operator is told.

The operator is told on the live event stream (``/api/v1/events``, alerts are
for staff). Other faults are covered where they live: a ROS bridge that drops
(tests/e2e/test_ros_faults.py), a lift out of service (fire mode,
tests/fleet/test_core_lifts.py and tests/e2e/test_ros_faults.py), a door stuck
closed (tests/sim), the database unreachable (test_database_outage.py here).
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.e2e.flow import complete, delivery, job, statuses_in_history, wait_for_status
from tests.e2e.server import (
    TEST_CORE,
    PorterServer,
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
    wait_until,
)


@contextmanager
def alerts(server: PorterServer, token: str) -> Iterator[list[dict[str, Any]]]:
    """The alerts an operator's live event stream receives, as they come."""
    received: list[dict[str, Any]] = []
    url = f"ws://127.0.0.1:{server.port}/api/v1/events?token={token}"
    with connect(url, open_timeout=10) as socket:

        def listen() -> None:
            try:
                for message in socket:
                    event = json.loads(message)
                    if event["kind"] == "alert":
                        received.append(event["alert"])
            except ConnectionClosed:
                pass

        thread = threading.Thread(target=listen, daemon=True)
        thread.start()
        try:
            yield received
        finally:
            socket.close()
            thread.join(timeout=10)


def _alerted(received: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((a for a in received if a["kind"] == kind), None)


def test_robot_that_stops_answering_alerts_and_its_job_completes(
    tmp_path: Path,
) -> None:
    """Offline mid-mission: a robot_offline alert names it; another robot delivers."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with (
        running(settings_for(database, speed=30.0)) as server,
        client(server, tokens["operator"]) as api,
        alerts(server, tokens["operator"]) as received,
    ):
        body = delivery(pickup="ward_2a", dropoff="lab", category="specimen")
        job_id = api.post("/api/v1/requests", json=body).json()["id"]
        lost = wait_for_status(api, job_id, {"to_pickup"})["robot_id"]
        server.in_loop(server.robot(lost).go_offline)
        alert = wait_until(
            lambda: _alerted(received, "robot_offline"), what="a robot_offline alert"
        )
        assert alert["robot_id"] == lost
        done = complete(api, job_id)
    assert done["status"] == "completed" and done["robot_id"] != lost


def test_handoff_nobody_answers_returns_the_items_and_alerts(tmp_path: Path) -> None:
    """Nobody at the ward: a handoff_timeout alert; the items go back to the sender."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    core = dataclasses.replace(TEST_CORE, handoff_wait_s=2.0)
    with (
        running(settings_for(database, speed=30.0, core=core)) as server,
        client(server, tokens["operator"]) as api,
        alerts(server, tokens["operator"]) as received,
    ):
        job_id = api.post("/api/v1/requests", json=delivery()).json()["id"]
        wait_for_status(api, job_id, {"loading"})
        assert api.post(f"/api/v1/requests/{job_id}/handoff", json={}).is_success
        wait_for_status(api, job_id, {"unloading"})  # and nobody confirms
        alert = wait_until(
            lambda: _alerted(received, "handoff_timeout"),
            what="a handoff_timeout alert",
        )
        assert job_id in alert["job_ids"]
        returned = wait_for_status(api, job_id, {"returning", "recovery", "failed"})
        assert returned["status"] in {"returning", "failed"}, returned
        ended = complete(api, job_id)  # the pharmacy takes its items back
        history = statuses_in_history(job(api, job_id))
    assert ended["status"] == "failed"
    assert history[-2:] == ["returning", "failed"]
