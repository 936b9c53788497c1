"""update_robot's fast copy of a robot: the same value as dataclasses.replace."""

from __future__ import annotations

import dataclasses

import pytest

from fleet.core.model import Robot, RobotState
from fleet.core.state import changed_robot


@pytest.fixture
def porter_one() -> Robot:
    return Robot(
        "porter-1",
        model="tug",
        capabilities=frozenset({"secure"}),
        level="L1",
        waypoint="ward_a",
        battery_soc=0.8,
        state=RobotState.BUSY,
        mission_id="m1",
    )


def test_a_report_copy_equals_replace(porter_one: Robot) -> None:
    """A heartbeat's changes give exactly what dataclasses.replace gives."""
    changes = {"last_seen": 12.5, "level": "L2", "x": 3.0, "y": 4.0, "battery_soc": 0.7}
    copy = changed_robot(porter_one, changes)
    assert copy == dataclasses.replace(porter_one, **changes)
    assert copy.capabilities == porter_one.capabilities
    assert porter_one.level == "L1"


def test_a_copy_stays_frozen(porter_one: Robot) -> None:
    """The copy is as immutable as any robot."""
    copy = changed_robot(porter_one, {"x": 1.0})
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.x = 2.0  # type: ignore[misc]


def test_an_unknown_field_is_refused(porter_one: Robot) -> None:
    """A field the robot does not have is an error, as with replace."""
    with pytest.raises(TypeError, match="speed"):
        changed_robot(porter_one, {"speed": 2.0})


@pytest.mark.parametrize("with_pose", [True, False])
@pytest.mark.parametrize("soc", [0.55, None])
def test_a_reported_robot_equals_replace(
    porter_one: Robot, with_pose: bool, soc: float | None
) -> None:
    """A report's copy by position gives what dataclasses.replace gives."""
    from fleet.core.ports import Pose
    from fleet.core.state import reported_robot

    pose = Pose("L3", 7.5, -2.0) if with_pose else None
    changes: dict[str, object] = {"last_seen": 99.0}
    if pose is not None:
        changes.update(level="L3", x=7.5, y=-2.0)
    if soc is not None:
        changes["battery_soc"] = soc
    copy = reported_robot(porter_one, 99.0, pose, soc)
    assert copy == dataclasses.replace(porter_one, **changes)
    assert copy.waypoint == porter_one.waypoint and copy.version == porter_one.version
