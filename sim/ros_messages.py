"""The ROS messages the virtual robots send and read, as rosbridge JSON dicts.

The robot side of the wire, written apart from ``robot_adapters`` on purpose:
the adapter is tested against an independent reading of the same messages.
"""

from __future__ import annotations

import math
from typing import Any

from fleet.core.ports import Pose

__all__ = ["header", "pose_msg", "pose_of", "ros_stamp"]

Msg = dict[str, Any]


def ros_stamp(t: float, *, ros1: bool) -> Msg:
    secs = int(t)
    nanos = int((t - secs) * 1e9)
    return {"secs": secs, "nsecs": nanos} if ros1 else {"sec": secs, "nanosec": nanos}


def header(t: float, *, ros1: bool, seq: int = 0, frame: str = "map") -> Msg:
    head: Msg = {"stamp": ros_stamp(t, ros1=ros1), "frame_id": frame}
    if ros1:
        head["seq"] = seq
    return head


def pose_msg(pose: Pose) -> Msg:
    """geometry_msgs/Pose."""
    return {
        "position": {"x": pose.x, "y": pose.y, "z": 0.0},
        "orientation": {
            "x": 0.0,
            "y": 0.0,
            "z": math.sin(pose.yaw / 2),
            "w": math.cos(pose.yaw / 2),
        },
    }


def pose_of(msg: Msg, level: str) -> Pose:
    """The pose in a PoseStamped or PoseWithCovarianceStamped (KeyError if none)."""
    pose = msg["pose"]
    if "pose" in pose:
        pose = pose["pose"]
    q = pose.get("orientation") or {}
    z, w = float(q.get("z", 0.0)), float(q.get("w", 1.0))
    return Pose(
        level=level,
        x=float(pose["position"]["x"]),
        y=float(pose["position"]["y"]),
        yaw=math.atan2(2 * w * z, 1 - 2 * z * z),
    )


def has_ros1_header(msg: Msg) -> bool:
    """rosbridge on ROS 1 wants ``seq`` and ``stamp {secs, nsecs}`` in a header."""
    head = msg.get("header")
    if not isinstance(head, dict) or "seq" not in head:
        return False
    stamp = head.get("stamp")
    return isinstance(stamp, dict) and "secs" in stamp and "nsecs" in stamp
