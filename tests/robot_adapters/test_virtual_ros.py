"""The virtual ROS robot on its graph, without the WebSocket in between."""

from __future__ import annotations

import asyncio
from typing import Any

from fleet.core.ports import Pose
from sim.ros_fronts import MoveBaseFront
from sim.ros_graph import RosGraph
from sim.ros_robots import VirtualRosRobot


def test_robot_charges_at_a_dock_and_not_elsewhere() -> None:
    """Standing on a charger raises the battery; standing elsewhere does not."""

    async def main() -> tuple[float, float]:
        graph = RosGraph()
        docked = VirtualRosRobot(
            graph, "a", Pose("L0", 1.0, 1.0), ros1=False, speedup=3600.0,
            battery_soc=0.5, docks=((1.0, 1.0),),
        )  # fmt: skip
        away = VirtualRosRobot(
            graph, "b", Pose("L0", 5.0, 5.0), ros1=False, speedup=3600.0,
            battery_soc=0.5, docks=((1.0, 1.0),),
        )  # fmt: skip
        docked.start()
        away.start()
        await asyncio.sleep(0.3)
        await docked.stop()
        await away.stop()
        return docked.battery_soc, away.battery_soc

    docked, away = asyncio.run(main())
    assert docked > 0.5
    assert away == 0.5


def test_move_base_result_comes_before_its_final_status() -> None:
    """A cancelled move_base goal publishes its result first, then PREEMPTED status."""

    async def main() -> list[tuple[str, int]]:
        graph = RosGraph()
        robot = VirtualRosRobot(graph, "m", Pose("L0", 0, 0), ros1=True, speedup=1.0)
        MoveBaseFront(robot)
        seen: list[tuple[str, int]] = []
        graph.listen(
            "/m/move_base/result", "r",
            lambda msg: seen.append(("result", msg["status"]["status"])),
        )  # fmt: skip

        def statuses(msg: dict[str, Any]) -> None:
            seen.extend(("status", s["status"]) for s in msg["status_list"])

        graph.listen("/m/move_base/status", "s", statuses)
        head = {"seq": 1, "stamp": {"secs": 0, "nsecs": 0}, "frame_id": "map"}
        graph.publish(
            "/m/move_base/goal",
            {
                "header": head,
                "goal_id": {"id": "g1", "stamp": {"secs": 0, "nsecs": 0}},
                "goal": {"target_pose": {"header": head, "pose": {
                    "position": {"x": 50.0, "y": 0.0}, "orientation": {"w": 1.0},
                }}},
            },
        )  # fmt: skip
        robot.start()
        await asyncio.sleep(0.3)
        graph.publish("/m/move_base/cancel", {"id": "g1"})
        await asyncio.sleep(0.5)
        await robot.stop()
        return seen

    seen = asyncio.run(main())
    result_at = seen.index(("result", 2))
    assert ("status", 1) in seen[:result_at]
    assert ("status", 2) in seen[result_at:]
