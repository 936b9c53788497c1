"""ROS messages as rosbridge carries them (JSON dicts): build and read them.

Pure functions; the only place that knows the field layout of the messages Porter
sends and reads, so ROS shapes stop here. ROS 1 and ROS 2 differ in headers: ROS 1
has ``seq`` and ``stamp {secs, nsecs}`` (rosbridge on ROS 1 wants both set),
ROS 2 has ``stamp {sec, nanosec}`` and no ``seq``.
"""

from __future__ import annotations

import math
from typing import Any

from robot_adapters.frames import MapPose

__all__ = [
    "header",
    "pose_from",
    "pose_stamped",
    "pose_with_covariance",
    "quaternion",
    "stamp",
    "yaw_of",
]

Msg = dict[str, Any]


def stamp(t: float, *, ros1: bool) -> Msg:
    secs = int(t)
    nanos = round((t - secs) * 1e9) % 1_000_000_000
    return {"secs": secs, "nsecs": nanos} if ros1 else {"sec": secs, "nanosec": nanos}


def header(frame: str, t: float, *, ros1: bool, seq: int = 0) -> Msg:
    if ros1:
        return {"seq": seq, "stamp": stamp(t, ros1=True), "frame_id": frame}
    return {"stamp": stamp(t, ros1=False), "frame_id": frame}


def quaternion(yaw: float) -> Msg:
    return {"x": 0.0, "y": 0.0, "z": math.sin(yaw / 2), "w": math.cos(yaw / 2)}


def yaw_of(q: Msg) -> float:
    x, y = float(q.get("x", 0.0)), float(q.get("y", 0.0))
    z, w = float(q.get("z", 0.0)), float(q.get("w", 1.0))
    return math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z))


def _pose(p: MapPose) -> Msg:
    return {
        "position": {"x": p.x, "y": p.y, "z": 0.0},
        "orientation": quaternion(p.yaw),
    }


def pose_stamped(p: MapPose, frame: str, t: float, *, ros1: bool, seq: int = 0) -> Msg:
    """geometry_msgs/PoseStamped."""
    return {"header": header(frame, t, ros1=ros1, seq=seq), "pose": _pose(p)}


def pose_with_covariance(
    p: MapPose, frame: str, t: float, *, ros1: bool, seq: int = 0
) -> Msg:
    """geometry_msgs/PoseWithCovarianceStamped (an initial pose)."""
    covariance = [0.0] * 36
    covariance[0] = covariance[7] = 0.25
    covariance[35] = 0.07
    return {
        "header": header(frame, t, ros1=ros1, seq=seq),
        "pose": {"pose": _pose(p), "covariance": covariance},
    }


def pose_from(msg: Msg) -> MapPose | None:
    """The pose in a PoseStamped, PoseWithCovarianceStamped or Odometry message."""
    pose: Any = msg.get("pose")
    if isinstance(pose, dict) and isinstance(pose.get("pose"), dict):
        pose = pose["pose"]  # with covariance, or odometry
    if not isinstance(pose, dict):
        return None
    try:
        position = pose["position"]
        return MapPose(
            x=float(position["x"]),
            y=float(position["y"]),
            yaw=yaw_of(pose.get("orientation") or {}),
        )
    except (KeyError, TypeError, ValueError):
        return None


def stamp_seconds(msg: Msg) -> float | None:
    """The header stamp of ``msg`` in seconds (ROS 1 or ROS 2 layout), if any."""
    head = msg.get("header")
    t = head.get("stamp") if isinstance(head, dict) else None
    if not isinstance(t, dict):
        return None
    secs = t.get("sec", t.get("secs"))
    nanos = t.get("nanosec", t.get("nsecs", 0))
    if secs is None or nanos is None:
        return None
    try:
        return float(secs) + float(nanos) / 1e9
    except (TypeError, ValueError):  # a robot's malformed stamp is no stamp
        return None


def battery_from(msg: Msg) -> float | None:
    """sensor_msgs/BatteryState ``percentage`` (0..1); ``None`` when unknown."""
    value = msg.get("percentage")
    if value is None:
        return None
    try:
        soc = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(soc):
        return None
    return min(1.0, max(0.0, soc))
