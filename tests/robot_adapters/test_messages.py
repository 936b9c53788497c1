"""ROS message shapes: headers, quaternions, poses, names."""

from __future__ import annotations

import math

import pytest

from robot_adapters.frames import MapPose
from robot_adapters.messages import (
    battery_from,
    header,
    pose_from,
    pose_stamped,
    pose_with_covariance,
    stamp_seconds,
)
from robot_adapters.profiles import Profile, default_names


def test_ros1_header_has_seq_and_stamp() -> None:
    """A ROS 1 header carries seq and stamp {secs, nsecs}; ROS 2 {sec, nanosec}."""
    ros1 = header("map", 12.5, ros1=True, seq=7)
    assert ros1 == {
        "seq": 7,
        "stamp": {"secs": 12, "nsecs": 500000000},
        "frame_id": "map",
    }
    ros2 = header("map", 12.5, ros1=False)
    assert ros2 == {"stamp": {"sec": 12, "nanosec": 500000000}, "frame_id": "map"}


@pytest.mark.parametrize("yaw", [0.0, 1.0, -2.5, math.pi / 2])
@pytest.mark.parametrize("ros1", [True, False])
def test_pose_messages_read_back(yaw: float, ros1: bool) -> None:
    """Stamped and covariance poses read back to the same map pose and stamp."""
    pose = MapPose(3.0, -4.0, yaw)
    for msg in (
        pose_stamped(pose, "map", 100.25, ros1=ros1),
        pose_with_covariance(pose, "map", 100.25, ros1=ros1),
    ):
        back = pose_from(msg)
        assert back is not None
        assert (back.x, back.y, back.yaw) == pytest.approx((3.0, -4.0, yaw))
        assert stamp_seconds(msg) == pytest.approx(100.25)


@pytest.mark.parametrize(
    "stamp",
    [{"sec": 5, "nanosec": None}, {"sec": "soon", "nanosec": 0}, {"secs": [1]},
     {"nanosec": 3}],
)  # fmt: skip
def test_a_malformed_stamp_is_no_stamp(stamp: dict[str, object]) -> None:
    """A robot's stamp that is not numbers reads as missing, not as an error."""
    assert stamp_seconds({"header": {"stamp": stamp}}) is None


def test_battery_percentage_is_clamped_and_nan_unknown() -> None:
    """BatteryState percentage is a fraction; NaN (unknown) gives None."""
    assert battery_from({"percentage": 0.42}) == 0.42
    assert battery_from({"percentage": 1.7}) == 1.0
    assert battery_from({"percentage": float("nan")}) is None
    assert battery_from({}) is None


def test_names_resolve_under_the_namespace() -> None:
    """Relative names go under the robot's namespace; absolute ones stay."""
    names = default_names(Profile.NAV2).under("ward_bot_1")
    assert names.navigate_action == "/ward_bot_1/navigate_to_pose"
    assert names.load_map_service == "/ward_bot_1/map_server/load_map"
    custom = default_names(Profile.MOVE_BASE)
    custom = type(custom)(**{**_fields(custom), "pose_topic": "/odom_pose"})
    assert custom.under("bot").pose_topic == "/odom_pose"
    assert custom.under("").navigate_action == "/move_base"


def _fields(names: object) -> dict[str, object]:
    return {f: getattr(names, f) for f in names.__dataclass_fields__}  # type: ignore[attr-defined]
