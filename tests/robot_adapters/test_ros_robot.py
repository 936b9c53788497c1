"""RosRobot against the virtual rosbridge, over real WebSockets, for both profiles."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from fleet.core.model import Robot
from fleet.core.ports import (
    ChangeLevel,
    CommandStatus,
    Dock,
    Navigate,
    Pose,
    RobotUpdate,
)
from robot_adapters.profiles import Profile, default_names
from robot_adapters.ros_bridge import RosRobot
from tests.robot_adapters.bridge import BridgeThread, virtual_bridge, wait_for

PROFILES = ["nav2", "move_base"]


def _robot(
    bridge: BridgeThread, fleet_robot: Robot, profile: str, **names_changed: str
) -> RosRobot:
    names = replace(default_names(Profile(profile)), **names_changed)
    names = names.under(fleet_robot.id.replace("-", "_"))
    return RosRobot(
        fleet_robot.id,
        bridge.url,
        names,
        level=fleet_robot.level,
        maps={"L1": "/maps/L1.yaml"},
        docks={"charger_dock_wp": "dock_7"},
        report_every_s=0.2,
        resume_after_s=1.2,
        goal_ack_timeout_s=0.5,
    )


def _run(
    profile: str,
    scenario: Callable[
        [BridgeThread, RosRobot, Robot, list[RobotUpdate]], Awaitable[None]
    ],
    *,
    speedup: float = 20.0,
    **names_changed: str,
) -> None:
    with virtual_bridge(profile=profile, speedup=speedup) as bridge:
        fleet_robot = bridge.world.fleet[0]

        async def main() -> None:
            updates: list[RobotUpdate] = []
            robot = _robot(bridge, fleet_robot, profile, **names_changed)
            await robot.connect(updates.append)
            try:
                await wait_for(lambda: robot.online, what="the link")
                await scenario(bridge, robot, fleet_robot, updates)
            finally:
                await robot.close()

        asyncio.run(main())


def _leg(robot: Robot, command_id: str, *offsets: tuple[float, float]) -> Navigate:
    path = tuple(Pose(robot.level, robot.x + dx, robot.y + dy) for dx, dy in offsets)
    return Navigate(
        command_id, robot.level, tuple(f"w{i}" for i in range(len(path))), path
    )


def _final(updates: list[RobotUpdate], command_id: str) -> RobotUpdate | None:
    for update in updates:
        if update.command_id == command_id and update.command_status not in (
            None,
            CommandStatus.RUNNING,
        ):
            return update
    return None


@pytest.mark.parametrize("profile", PROFILES)
def test_navigate_completes_with_feedback(profile: str) -> None:
    """A two-pose path ends SUCCEEDED at its last pose, with feedback on the way."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        await robot.send(_leg(fleet_robot, "go-1", (4, 0), (4, 3)))
        done = await wait_for(lambda: _final(updates, "go-1"), what="go-1 to end")
        assert done.command_status == CommandStatus.SUCCEEDED
        assert done.pose is not None
        assert (done.pose.x, done.pose.y) == pytest.approx(
            (fleet_robot.x + 4, fleet_robot.y + 3), abs=0.05
        )
        assert done.pose.level == fleet_robot.level
        moving = [
            u for u in updates
            if u.command_id == "go-1" and u.command_status == CommandStatus.RUNNING
            and u.pose is not None
        ]  # fmt: skip
        assert moving, "no feedback while driving"

    _run(profile, scenario, speedup=5.0)


@pytest.mark.parametrize("profile", PROFILES)
def test_cancel_mid_goal_stops_the_robot(profile: str) -> None:
    """A cancel while driving reports CANCELLED; the robot stops short of the goal."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        await robot.send(_leg(fleet_robot, "long", (30, 0)))
        virtual = bridge.world.robots[fleet_robot.id]
        await wait_for(lambda: bridge.call(lambda: virtual.driving), what="driving")
        await robot.cancel("long")
        assert _final(updates, "long").command_status == CommandStatus.CANCELLED
        await wait_for(lambda: not bridge.call(lambda: virtual.driving), what="stop")
        x = bridge.call(lambda: virtual.pose.x)
        assert x < fleet_robot.x + 30 - 1
        await asyncio.sleep(0.5)  # a late result for the cancelled goal changes nothing
        finals = [u for u in updates if u.command_id == "long" and u.command_status
                  not in (None, CommandStatus.RUNNING)]  # fmt: skip
        assert [u.command_status for u in finals] == [CommandStatus.CANCELLED]

    _run(profile, scenario, speedup=2.0)


@pytest.mark.parametrize("profile", PROFILES)
def test_goal_aborted_by_robot_fails_with_its_reason(profile: str) -> None:
    """The robot aborting its goal gives FAILED with the robot's words."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        await robot.send(_leg(fleet_robot, "blocked", (30, 0)))
        virtual = bridge.world.robots[fleet_robot.id]
        await wait_for(lambda: bridge.call(lambda: virtual.driving), what="driving")
        bridge.call(lambda: virtual.abort("corridor blocked by a bed"))
        done = await wait_for(lambda: _final(updates, "blocked"), what="the abort")
        assert done.command_status == CommandStatus.FAILED
        assert "aborted" in done.message
        assert "corridor blocked by a bed" in done.message

    _run(profile, scenario, speedup=2.0)


@pytest.mark.parametrize("profile", PROFILES)
def test_rejected_goal_fails(profile: str) -> None:
    """A goal the robot rejects gives FAILED saying so."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        virtual = bridge.world.robots[fleet_robot.id]
        bridge.call(lambda: setattr(virtual, "reject_goals", True))
        await robot.send(_leg(fleet_robot, "nope", (3, 0)))
        done = await wait_for(lambda: _final(updates, "nope"), what="the rejection")
        assert done.command_status == CommandStatus.FAILED
        assert "rejected" in done.message

    _run(profile, scenario)


@pytest.mark.parametrize("profile", PROFILES)
def test_change_level_loads_the_map_and_places_the_robot(profile: str) -> None:
    """ChangeLevel calls the load-map service with the level's map and sets the pose."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        virtual = bridge.world.robots[fleet_robot.id]
        await robot.send(ChangeLevel("lift-out", "L1", Pose("L1", 2.0, 3.0, 0.0)))
        done = await wait_for(lambda: _final(updates, "lift-out"), what="level change")
        assert done.command_status == CommandStatus.SUCCEEDED
        assert bridge.call(lambda: virtual.map_url) == "/maps/L1.yaml"
        await wait_for(lambda: bridge.call(lambda: virtual.pose.x) == 2.0, what="pose")

        def pose_on_l1() -> Pose | None:
            pose = updates[-1].pose
            return pose if pose is not None and pose.level == "L1" else None

        latest = await wait_for(pose_on_l1, what="a pose on L1")
        assert (latest.x, latest.y) == pytest.approx((2.0, 3.0))

    _run(profile, scenario)


@pytest.mark.parametrize("profile", PROFILES)
def test_bridge_restart_mid_goal(profile: str) -> None:
    """Bridge killed mid-goal: offline, back online, and the goal finishes."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        await robot.send(_leg(fleet_robot, "through", (12, 0)))
        virtual = bridge.world.robots[fleet_robot.id]
        await wait_for(lambda: bridge.call(lambda: virtual.driving), what="driving")
        bridge.kill()
        await wait_for(lambda: not robot.online, what="offline")
        assert any(not u.online for u in updates)
        await asyncio.sleep(0.3)
        bridge.revive()
        await wait_for(lambda: robot.online, what="back online", timeout_s=20)
        done = await wait_for(
            lambda: _final(updates, "through"), what="the goal to end", timeout_s=20
        )
        assert done.command_status == CommandStatus.SUCCEEDED
        assert done.online
        assert done.pose is not None
        assert done.pose.x == pytest.approx(fleet_robot.x + 12, abs=0.05)

    _run(profile, scenario, speedup=3.0)


def test_move_base_goal_lost_on_the_way_is_sent_again() -> None:
    """A goal ROS 1 drops (no subscriber yet) is re-sent and still completes."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        front = bridge.world.fronts[fleet_robot.id]
        bridge.call(lambda: setattr(front, "lose_goals", 1))
        await robot.send(_leg(fleet_robot, "again", (3, 0)))
        done = await wait_for(lambda: _final(updates, "again"), what="the goal")
        assert done.command_status == CommandStatus.SUCCEEDED
        assert bridge.call(lambda: front.lose_goals) == 0

    _run("move_base", scenario)


def test_move_base_that_never_answers_fails_the_command() -> None:
    """With no move_base answering, the command fails saying so, not hangs."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        front = bridge.world.fronts[fleet_robot.id]
        bridge.call(lambda: setattr(front, "lose_goals", 100))
        await robot.send(_leg(fleet_robot, "void", (3, 0)))
        done = await wait_for(lambda: _final(updates, "void"), what="the give-up")
        assert done.command_status == CommandStatus.FAILED
        assert "no status from move_base" in done.message

    _run("move_base", scenario)


@pytest.mark.parametrize(
    ("waypoint", "dock_id"), [("charger_dock_wp", "dock_7"), ("x", "")]
)
def test_dock_through_nav2_docking_server(waypoint: str, dock_id: str) -> None:
    """With a dock action, Dock uses dock_robot: by dock id when known, else by pose."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        docking = bridge.world.docking[fleet_robot.id]
        pose = Pose(fleet_robot.level, fleet_robot.x + 2, fleet_robot.y)
        await robot.send(Dock("dock-1", waypoint, pose))
        done = await wait_for(lambda: _final(updates, "dock-1"), what="docking")
        assert done.command_status == CommandStatus.SUCCEEDED
        assert bridge.call(lambda: list(docking.docked)) == [dock_id]

    _run("nav2", scenario, dock_action="dock_robot")


def test_dock_without_docking_server_drives_to_the_charger() -> None:
    """Without a dock action, Dock is a navigation goal to the charger's pose."""

    async def scenario(bridge, robot, fleet_robot, updates) -> None:
        pose = Pose(fleet_robot.level, fleet_robot.x + 2, fleet_robot.y)
        await robot.send(Dock("dock-2", "w", pose))
        done = await wait_for(lambda: _final(updates, "dock-2"), what="docking")
        assert done.command_status == CommandStatus.SUCCEEDED
        assert (
            bridge.call(lambda: list(bridge.world.docking[fleet_robot.id].docked)) == []
        )
        assert done.pose is not None and done.pose.x == pytest.approx(pose.x, abs=0.05)

    _run("nav2", scenario)
