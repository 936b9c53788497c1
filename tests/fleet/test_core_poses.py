"""Drive poses are remembered per building (on the core's state), and stay right."""

from __future__ import annotations

import dataclasses

from fleet.core import missions
from fleet.core.config import CoreConfig
from fleet.core.missions import DrivePoses, _poses, poses
from fleet.core.state import FleetState
from maps.loading import load_sample

PATH = ("L0_m05", "L0_m06", "L0_m07")


def test_remembered_poses_are_the_computed_ones_per_building() -> None:
    """Asked twice: the same poses; a moved building's memo makes its own."""
    building = load_sample("demo_hospital")
    memo = DrivePoses(building)
    first = memo.along(PATH)
    assert memo.along(PATH) is first
    assert first == _poses(building, PATH) == poses(building, PATH)
    moved = dataclasses.replace(
        building,
        waypoints=tuple(
            dataclasses.replace(w, x=w.x + 1.0) for w in building.waypoints
        ),
    )
    assert DrivePoses(moved).along(PATH) == _poses(moved, PATH) != first


def test_the_memo_is_bounded(monkeypatch) -> None:
    """Past POSES_KEPT paths it forgets what it kept, and still answers right."""
    monkeypatch.setattr(missions, "POSES_KEPT", 2)
    building = load_sample("demo_hospital")
    memo = DrivePoses(building)
    paths = [PATH[:1], PATH[:2], PATH]
    for path in paths:
        assert memo.along(path) == _poses(building, path)
    assert len(memo._made) <= 2


def test_the_state_keeps_one_world_with_its_poses() -> None:
    """The runner's world is made once per state and reads the live reports."""
    state = FleetState(load_sample("demo_hospital"), CoreConfig())
    world = state.world
    assert state.world is world and world.drive_poses is not None
    assert world.lifts is state.lifts and world.doors is state.doors
    state.lifts = {}
    again = state.world
    assert again.lifts is state.lifts and again.drive_poses is world.drive_poses
