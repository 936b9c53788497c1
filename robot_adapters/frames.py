"""Building frame <-> a robot's map frame, per level.

Porter plans in the building frame (metres, one frame per level); each robot
localises in its own map, which may be shifted, turned and scaled against the
building drawing. A :class:`FrameTransform` is that similarity transform for one
level, as Open-RMF's fleet adapters configure it (translation, rotation, scale):

    robot = scale * R(rotation) * building + (x, y)        yaw_robot = yaw + rotation
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from fleet.core.ports import Pose

__all__ = ["FrameTransform", "MapPose", "RobotFrames"]


@dataclass(frozen=True, slots=True)
class MapPose:
    """A pose in a robot's own map frame (metres, radians)."""

    x: float
    y: float
    yaw: float = 0.0


@dataclass(frozen=True, slots=True)
class FrameTransform:
    """Building frame -> robot map frame on one level."""

    x: float = 0.0
    y: float = 0.0
    #: Radians, counter-clockwise from the building's x axis to the map's.
    rotation: float = 0.0
    #: Robot-map metres per building metre.
    scale: float = 1.0

    def __post_init__(self) -> None:
        for name in ("x", "y", "rotation", "scale"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"frame {name} is {getattr(self, name)}; not finite")
        if self.scale <= 0:
            raise ValueError(f"frame scale is {self.scale}; must be > 0")

    def to_robot(self, x: float, y: float, yaw: float) -> MapPose:
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        return MapPose(
            x=self.scale * (c * x - s * y) + self.x,
            y=self.scale * (s * x + c * y) + self.y,
            yaw=_wrap(yaw + self.rotation),
        )

    def to_building(self, pose: MapPose) -> tuple[float, float, float]:
        c, s = math.cos(self.rotation), math.sin(self.rotation)
        dx, dy = (pose.x - self.x) / self.scale, (pose.y - self.y) / self.scale
        return (c * dx + s * dy, -s * dx + c * dy, _wrap(pose.yaw - self.rotation))


IDENTITY = FrameTransform()


@dataclass(frozen=True, slots=True)
class RobotFrames:
    """One robot's transforms per level; a level not listed uses the identity."""

    levels: Mapping[str, FrameTransform] = field(default_factory=dict)

    def transform(self, level: str) -> FrameTransform:
        return self.levels.get(level, IDENTITY)

    def to_robot(self, pose: Pose) -> MapPose:
        return self.transform(pose.level).to_robot(pose.x, pose.y, pose.yaw)

    def to_building(self, level: str, pose: MapPose) -> Pose:
        x, y, yaw = self.transform(level).to_building(pose)
        return Pose(level=level, x=x, y=y, yaw=yaw)


def _wrap(angle: float) -> float:
    """``angle`` in [-pi, pi)."""
    return (angle + math.pi) % (2 * math.pi) - math.pi
