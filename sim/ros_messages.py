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


def ros1_header_problem(msg: Msg) -> str | None:
    """Why rosbridge on ROS 1 would refuse this message's header, if it would.

    A missing header (or field) takes ROS defaults, but a ``null`` one cannot be
    turned into a ROS 1 message: ``roslibpy.Header()`` leaves ``seq`` and
    ``stamp`` as ``None``, which is the trap this catches.
    """
    head = msg.get("header", {})
    if not isinstance(head, dict):
        return "header is not a mapping"
    if "seq" in head and not isinstance(head["seq"], int):
        return f"header.seq is {head['seq']!r}"
    stamp = head.get("stamp", {})
    if not isinstance(stamp, dict):
        return f"header.stamp is {stamp!r}"
    for part in ("secs", "nsecs"):
        if part in stamp and not isinstance(stamp[part], int):
            return f"header.stamp.{part} is {stamp[part]!r}"
    return None
