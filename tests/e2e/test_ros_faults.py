"""Faults end to end with robots behind rosbridge: restart, abort, cancel, fire mode."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from fleet.core.ports import LiftMode
from tests.e2e.flow import CONFIRMABLE, complete, delivery, job
from tests.e2e.ros_stack import ros_porter
from tests.e2e.server import client, make_tokens, service_database, wait_until

pytestmark = pytest.mark.slow

#: Slow enough that the drive to the pickup (48 m) lasts about 12 s, so a test can
#: interfere with it even on a loaded machine; the rest runs at 50x.
SPEEDUP = 4.0


def _moving(bridge: Any, robot_id: str) -> bool:
    robot = bridge.world.robots[robot_id]
    return bool(bridge.call(lambda: robot.driving))


def _faster(bridge: Any) -> None:
    """After the fault: the rest of the delivery at test speed."""
    bridge.call(lambda: bridge.world.set_speedup(50.0))


def _carrier_driving(api: httpx.Client, job_id: str, bridge: Any) -> str:
    """Wait until the job's robot drives to the pickup; its id."""

    def driving() -> str | None:
        current = job(api, job_id)
        if current["status"] not in {"requested", "assigned", "to_pickup"}:
            raise AssertionError(f"{job_id} is {current['status']}: too late")
        robot_id = current["robot_id"]
        return robot_id if robot_id and _moving(bridge, robot_id) else None

    return wait_until(driving, what=f"{job_id}'s robot driving", timeout_s=30)


def test_bridge_restart_mid_mission_resumes(tmp_path: Path) -> None:
    """The bridge dies mid-leg and comes back: the robot resumes and delivers."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with ros_porter(tmp_path, database, profile="nav2", speedup=SPEEDUP) as (
        server,
        bridge,
    ):
        with client(server, tokens["pharmacy"]) as api:
            job_id = api.post("/api/v1/requests", json=delivery()).json()["id"]
            robot_id = _carrier_driving(api, job_id, bridge)
            bridge.kill()
            time.sleep(0.3)
            bridge.revive()
            _faster(bridge)
            done = complete(api, job_id, timeout_s=90)
        assert done["status"] == "completed", done
        # Back before the offline timeout it resumes; on a slow machine it may be
        # re-planned instead: either way its robot is back in service.
        assert server.service.robot(robot_id).state.value != "offline"


def test_goal_aborted_by_robot_replans_the_job(tmp_path: Path) -> None:
    """A robot aborting its goal is in error; the job goes to the other robot."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with ros_porter(tmp_path, database, profile="move_base", speedup=SPEEDUP) as (
        server,
        bridge,
    ):
        with client(server, tokens["pharmacy"]) as api:
            job_id = api.post("/api/v1/requests", json=delivery()).json()["id"]
            first = _carrier_driving(api, job_id, bridge)
            virtual = bridge.world.robots[first]

            def aborted() -> bool:
                # An abort between two goals (a leg just ended, the next not yet
                # sent) aborts nothing: abort again while the robot drives.
                if server.service.robot(first).state.value == "error":
                    return True
                bridge.call(
                    lambda: (
                        virtual.driving and virtual.abort("bed blocking the corridor")
                    )
                )
                return False

            wait_until(aborted, what="the robot in error")
            _faster(bridge)
            done = complete(api, job_id, timeout_s=90)
            history = api.get(f"/api/v1/requests/{job_id}").json()["history"]
        assert done["status"] == "completed" and done["robot_id"] != first
        reasons = " ".join(str(event.get("reason", "")) for event in history)
        assert "bed blocking the corridor" in reasons


def test_cancel_mid_goal_stops_the_robot(tmp_path: Path) -> None:
    """Cancelling a job while its robot drives cancels the goal on the robot."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with ros_porter(tmp_path, database, profile="nav2", speedup=SPEEDUP) as (
        server,
        bridge,
    ):
        with client(server, tokens["pharmacy"]) as api:
            job_id = api.post("/api/v1/requests", json=delivery()).json()["id"]
            robot_id = _carrier_driving(api, job_id, bridge)
            answer = api.post(f"/api/v1/requests/{job_id}/cancel", json={})
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "cancelled"
            # The cancel meets the leg the robot drives and cancels its goal, or
            # it lands just as a leg ends (the robot's answer and the fleet's
            # cancel cross) and the next leg is never sent: either way the robot
            # stops where it is, short of the pickup, and stays there.
            wait_until(lambda: not _moving(bridge, robot_id), what="the robot stopped")
            robot = bridge.world.robots[robot_id]
            stopped_at = bridge.call(lambda: robot.pose)
            time.sleep(1.0)  # 4 s at SPEEDUP: metres, had it driven on
            assert not _moving(bridge, robot_id), "it drove on after the cancel"
            assert bridge.call(lambda: robot.pose) == stopped_at
            history = job(api, job_id)["history"]
        assert "loading" not in {event["after"] for event in history}
        front = bridge.world.fronts[robot_id]
        print("goal cancels on the robot:", bridge.call(lambda: front.cancels))


def test_lift_in_fire_mode_is_not_entered(tmp_path: Path) -> None:
    """With the lifts in FIRE mode a loaded robot holds; it delivers once cleared."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with ros_porter(tmp_path, database, profile="nav2", speedup=50.0) as (
        server,
        bridge,
    ):
        lifts = bridge.world.lifts
        assert lifts is not None
        ids = [lift.id for lift in bridge.world.building.lifts]
        for lift_id in ids:
            bridge.call(
                lambda lift_id=lift_id: lifts.force_mode(lift_id, LiftMode.FIRE)
            )
        with client(server, tokens["pharmacy"]) as api:
            job_id = api.post("/api/v1/requests", json=delivery()).json()["id"]

            def loaded() -> bool:
                status = job(api, job_id)["status"]
                if status in CONFIRMABLE:
                    api.post(f"/api/v1/requests/{job_id}/handoff", json={})
                return status == "to_dropoff"

            wait_until(loaded, what="the items loaded", timeout_s=60)
            time.sleep(2.0)
            assert job(api, job_id)["status"] == "to_dropoff"
            assert bridge.call(lambda: list(lifts.served)) == [], (
                "entered a lift on fire"
            )
            for lift_id in ids:
                bridge.call(lambda lift_id=lift_id: lifts.force_mode(lift_id, None))
            done = complete(api, job_id, timeout_s=60)
        assert done["status"] == "completed"
        assert bridge.call(lambda: list(lifts.served))
