"""Deliveries end to end with the robots behind rosbridge, for each ROS profile.

The API, the service, the store and the dispatcher are the real ones; the robots,
lifts and doors are reached only through roslibpy and the virtual rosbridge
(``sim.ros_world``) over WebSockets on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.flow import complete, delivery, statuses_in_history
from tests.e2e.ros_stack import ros_porter
from tests.e2e.server import client, make_tokens, service_database, wait_until

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("profile", ["nav2", "move_base"])
def test_delivery_across_levels_through_rosbridge(tmp_path: Path, profile: str) -> None:
    """Pharmacy (L0) to ward 2A (L2): the robot drives over ROS and rides a lift."""
    database = service_database(tmp_path)
    tokens = make_tokens(database)
    with ros_porter(tmp_path, database, profile=profile) as (server, bridge):
        with client(server, tokens["pharmacy"]) as pharmacy:
            created = pharmacy.post("/api/v1/requests", json=delivery())
            assert created.status_code == 201, created.text
            done = complete(pharmacy, created.json()["id"], timeout_s=60)
            assert done["status"] == "completed", done
            detail = pharmacy.get(f"/api/v1/requests/{done['id']}").json()
        assert statuses_in_history(detail)[-1] == "completed"
        lifts = bridge.world.lifts
        assert lifts is not None
        served = bridge.call(lambda: list(lifts.served))
        floors = {
            floor for _lift, session, floor in served if session == done["robot_id"]
        }
        assert {"L0", "L2"} <= floors, f"no lift ride L0 -> L2 over ROS: {served}"


def test_robot_offline_when_bridge_dies_and_back_after(tmp_path: Path) -> None:
    """Killing the bridge takes the robots offline; restarting it brings them back."""
    database = service_database(tmp_path)
    with ros_porter(tmp_path, database, profile="nav2") as (server, bridge):
        service = server.service
        wait_until(
            lambda: all(r.state.value == "idle" for r in service.core.robots()),
            what="robots idle",
        )
        bridge.kill()
        wait_until(
            lambda: all(r.state.value == "offline" for r in service.core.robots()),
            what="robots offline after the core's timeout",
        )
        bridge.revive()
        wait_until(
            lambda: all(r.state.value == "idle" for r in service.core.robots()),
            what="robots back",
            timeout_s=30,
        )
