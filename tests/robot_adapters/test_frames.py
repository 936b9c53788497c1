"""Building frame <-> robot map frame."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet.core.ports import Pose
from robot_adapters.frames import FrameTransform, MapPose, RobotFrames

coordinate = st.floats(min_value=-500, max_value=500, allow_nan=False)
angle = st.floats(min_value=-math.pi, max_value=math.pi, allow_nan=False)
transforms = st.builds(
    FrameTransform,
    x=coordinate,
    y=coordinate,
    rotation=st.floats(min_value=-10, max_value=10, allow_nan=False),
    scale=st.floats(min_value=0.05, max_value=20),
)


def _same_angle(a: float, b: float) -> bool:
    return abs(math.remainder(a - b, 2 * math.pi)) < 1e-6


@given(transforms, coordinate, coordinate, angle)
def test_building_to_robot_and_back_is_identity(
    transform: FrameTransform, x: float, y: float, yaw: float
) -> None:
    """building -> robot -> building gives the pose back (position and heading)."""
    frames = RobotFrames({"L1": transform})
    back = frames.to_building("L1", frames.to_robot(Pose("L1", x, y, yaw)))
    assert back.level == "L1"
    assert back.x == pytest.approx(x, abs=1e-6)
    assert back.y == pytest.approx(y, abs=1e-6)
    assert _same_angle(back.yaw, yaw)


def test_turned_scaled_shifted_map() -> None:
    """A map turned 90 degrees, scaled 2x and shifted puts (1, 0) at (10, 22)."""
    transform = FrameTransform(x=10, y=20, rotation=math.pi / 2, scale=2)
    robot = transform.to_robot(1.0, 0.0, 0.0)
    assert (robot.x, robot.y) == pytest.approx((10.0, 22.0))
    assert _same_angle(robot.yaw, math.pi / 2)


def test_levels_without_transform_use_identity() -> None:
    """A level the fleet file does not list is in the building frame."""
    frames = RobotFrames({"L1": FrameTransform(x=5)})
    assert frames.to_robot(Pose("L2", 1, 2, 0.5)) == MapPose(1, 2, 0.5)
    assert frames.to_robot(Pose("L1", 1, 2, 0)).x == 6


@pytest.mark.parametrize("field", ["scale", "x"])
def test_bad_transform_is_refused(field: str) -> None:
    """A zero scale or a non-finite offset is refused with the field's name."""
    bad = {"scale": 0.0} if field == "scale" else {"x": math.inf}
    with pytest.raises(ValueError, match=field):
        FrameTransform(**bad)
