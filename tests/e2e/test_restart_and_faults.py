"""What must survive: a server restart mid-delivery, a robot lost mid-mission."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.flow import complete, delivery, job, wait_for_status
from tests.e2e.server import (
    client,
    make_tokens,
    running,
    service_database,
    settings_for,
    wait_until,
)

pytestmark = pytest.mark.slow


def test_restart_mid_delivery_keeps_the_job_and_completes_it(database_url: str) -> None:
    """Stop the server with items on board, start again: history intact, delivered."""
    database = database_url
    tokens = make_tokens(database)
    settings = settings_for(database, speed=20.0)
    with running(settings) as server, client(server, tokens["pharmacy"]) as api:
        job_id = api.post("/api/v1/requests", json=delivery()).json()["id"]
        wait_for_status(api, job_id, {"loading"})
        api.post(f"/api/v1/requests/{job_id}/handoff", json={})
        wait_for_status(api, job_id, {"to_dropoff"})
        before = job(api, job_id)
    with running(settings) as server, client(server, tokens["pharmacy"]) as api:
        after = job(api, job_id)
        assert after["history"][: len(before["history"])] == before["history"]
        assert after["robot_id"] == before["robot_id"]
        done = complete(api, job_id)
    assert done["status"] == "completed"


def test_robot_offline_mid_mission_its_job_goes_to_another(tmp_path: Path) -> None:
    """A robot that drops off the network loses its unloaded job to another robot."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with (
        running(settings_for(database, speed=30.0)) as server,
        client(server, tokens["operator"]) as api,
    ):
        body = delivery(pickup="ward_2a", dropoff="lab")
        job_id = api.post("/api/v1/requests", json=body).json()["id"]
        first = wait_for_status(api, job_id, {"to_pickup"})["robot_id"]
        server.in_loop(server.robot(first).go_offline)
        wait_for_status(api, job_id, {"requested", "assigned", "to_pickup"})

        def moved() -> bool:
            current = job(api, job_id)
            return current["robot_id"] not in (None, first)

        wait_until(moved, what="the job to move to another robot")
        done = complete(api, job_id)
        assert done["status"] == "completed" and done["robot_id"] != first
        lost = api.get(f"/api/v1/robots/{first}").json()
        assert lost["state"] == "offline"


def test_robot_aborting_its_goal_hands_the_job_to_another(tmp_path: Path) -> None:
    """A robot that reports its goal failed loses the job, which still completes."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with (
        running(settings_for(database, speed=30.0)) as server,
        client(server, tokens["operator"]) as api,
    ):
        body = delivery(pickup="ward_2a", dropoff="lab")
        job_id = api.post("/api/v1/requests", json=body).json()["id"]
        first = wait_for_status(api, job_id, {"to_pickup"})["robot_id"]
        # Between two legs the robot runs no command and there is nothing to
        # fail (a loaded CI made that gap likelier): fail it while it drives.
        wait_until(
            lambda: server.in_loop(lambda: _fail_driving(server.robot(first))),
            what=f"{first} to fail while it drives",
        )
        wait_until(
            lambda: job(api, job_id)["robot_id"] not in (None, first),
            what="the job to move to another robot",
        )
        done = complete(api, job_id)
        history = job(api, job_id)["history"]
    assert done["status"] == "completed" and done["robot_id"] != first
    assert any("blocked by a bed" in event["reason"] for event in history), history


def _fail_driving(robot: Any) -> bool:
    """Fail the robot's running command, if it runs one (checked and failed in
    one step of the service's loop, so the command cannot end in between)."""
    if robot.command is None:
        return False
    robot.fail("blocked by a bed")
    return True
