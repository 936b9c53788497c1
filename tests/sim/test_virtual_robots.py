"""The virtual robots' movement model and their asyncio driver."""

from __future__ import annotations

import asyncio
import math

import pytest

from fleet.core.ports import CommandStatus, Dock, Navigate, Pose, RobotUpdate
from sim.motion import Battery, PathMotion
from sim.virtual_robots import VirtualRobot

A = Pose("L1", 0.0, 0.0)
B = Pose("L1", 3.0, 0.0)
C = Pose("L1", 3.0, 4.0)


def test_path_motion_interpolates_along_segments() -> None:
    """A robot at 1 m/s is 1 m along after 1 s and on the second leg after 4 s."""
    motion = PathMotion((A, B, C), speed_mps=1.0, started_at=10.0)
    assert motion.length_m == pytest.approx(7.0)
    assert motion.finishes_at == pytest.approx(17.0)
    assert motion.pose_at(11.0).x == pytest.approx(1.0)
    at_14 = motion.pose_at(14.0)
    assert (at_14.x, at_14.y) == pytest.approx((3.0, 1.0))
    assert at_14.yaw == pytest.approx(math.pi / 2)
    assert motion.pose_at(5.0) == Pose("L1", 0.0, 0.0, 0.0)
    assert (motion.pose_at(99.0).x, motion.pose_at(99.0).y) == (3.0, 4.0)
    assert not motion.arrived(16.9) and motion.arrived(17.0)


def test_path_motion_rejects_bad_input() -> None:
    """An empty path or a zero speed is refused with the field named."""
    with pytest.raises(ValueError, match="path is empty"):
        PathMotion((), speed_mps=1.0, started_at=0.0)
    with pytest.raises(ValueError, match="speed_mps"):
        PathMotion((A,), speed_mps=0.0, started_at=0.0)


def test_battery_drains_and_charges_within_bounds() -> None:
    """Driving drains per metre, docking charges per second, both clamp to [0, 1]."""
    battery = Battery(drain_per_m=0.01, charge_per_s=0.1)
    assert battery.after_driving(0.5, 10.0) == pytest.approx(0.4)
    assert battery.after_driving(0.05, 10.0) == 0.0
    assert battery.after_charging(0.5, 2.0) == pytest.approx(0.7)
    assert battery.after_charging(0.95, 2.0) == 1.0


async def _wait_for(updates: list[RobotUpdate], status: CommandStatus) -> RobotUpdate:
    for _ in range(400):
        for update in updates:
            if update.command_status == status:
                return update
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {status} update in {updates[-3:]}")


def test_virtual_robot_drives_a_path_and_reports_success() -> None:
    """A Navigate command ends with SUCCEEDED at the path's last pose."""

    async def run() -> tuple[RobotUpdate, float]:
        robot = VirtualRobot("r1", A, speed_mps=1.0, speedup=50.0, step_s=0.01)
        updates: list[RobotUpdate] = []
        await robot.connect(updates.append)
        await robot.send(Navigate("c1", "L1", ("b", "c"), (B, C)))
        done = await _wait_for(updates, CommandStatus.SUCCEEDED)
        await robot.close()
        return done, robot.battery_soc

    done, soc = asyncio.run(run())
    assert done.command_id == "c1"
    assert done.pose is not None and (done.pose.x, done.pose.y) == (3.0, 4.0)
    assert soc < 1.0


def test_virtual_robot_cancel_and_fail_report_their_status() -> None:
    """Cancel stops with CANCELLED; fail() reports FAILED with the robot's words."""

    async def run() -> list[RobotUpdate]:
        robot = VirtualRobot("r1", A, speed_mps=0.1, speedup=1.0, step_s=0.01)
        updates: list[RobotUpdate] = []
        await robot.connect(updates.append)
        await robot.send(Navigate("c1", "L1", ("b",), (B,)))
        await robot.cancel("c1")
        await robot.send(Navigate("c2", "L1", ("b",), (B,)))
        robot.fail("blocked by a bed")
        await robot.close()
        return updates

    updates = asyncio.run(run())
    ends = [(u.command_id, u.command_status, u.message) for u in updates]
    assert ("c1", CommandStatus.CANCELLED, "") in ends
    assert ("c2", CommandStatus.FAILED, "blocked by a bed") in ends


def test_offline_robot_reports_nothing_and_ignores_commands() -> None:
    """A robot that dropped offline is silent until it comes back."""

    async def run() -> tuple[int, int, list[RobotUpdate]]:
        robot = VirtualRobot("r1", A, speedup=100.0, step_s=0.01, report_every_s=0.01)
        updates: list[RobotUpdate] = []
        await robot.connect(updates.append)
        robot.go_offline()
        before = len(updates)
        await robot.send(Navigate("c1", "L1", ("b",), (B,)))
        await asyncio.sleep(0.1)
        silent = len(updates)
        robot.come_online()
        await robot.close()
        return before, silent, updates

    before, silent, updates = asyncio.run(run())
    assert before == silent
    assert len(updates) == silent + 1 and updates[-1].online


def test_docked_robot_charges() -> None:
    """After a Dock command succeeds the battery rises."""

    async def run() -> tuple[float, float]:
        robot = VirtualRobot(
            "r1",
            A,
            speedup=1000.0,
            step_s=0.01,
            battery_soc=0.5,
            battery=Battery(charge_per_s=0.001),
        )
        updates: list[RobotUpdate] = []
        await robot.connect(updates.append)
        await robot.send(Dock("d1", "charger", A))
        await _wait_for(updates, CommandStatus.SUCCEEDED)
        docked = robot.battery_soc
        await asyncio.sleep(0.1)
        await robot.close()
        return docked, robot.battery_soc

    docked, later = asyncio.run(run())
    assert later > docked
