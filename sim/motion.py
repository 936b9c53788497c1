"""How a virtual robot moves: pure functions of time, no clock and no asyncio.

A robot told to drive a path goes along its poses at a constant speed from the
moment it started. :class:`PathMotion` answers "where is it at ``t``", "how far has
it gone" and "when does it arrive" for any ``t``, so the asyncio driver in
:mod:`sim.virtual_robots` (wall clock) and the simulator (simulated clock) share the
very same model and differ only in who advances time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fleet.core.ports import Pose

__all__ = ["Battery", "PathMotion"]


@dataclass(frozen=True, slots=True)
class PathMotion:
    """Driving along ``path`` at ``speed_mps`` from ``started_at``.

    A single-pose path is a motion that has already arrived. The yaw of the
    reported pose is the heading of the segment being driven.
    """

    path: tuple[Pose, ...]
    speed_mps: float
    started_at: float
    _cumulative: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.path:
            raise ValueError("PathMotion.path is empty: a motion needs a pose")
        if not self.speed_mps > 0:
            raise ValueError(f"PathMotion.speed_mps is {self.speed_mps}; must be > 0")
        total, cumulative = 0.0, [0.0]
        for a, b in zip(self.path, self.path[1:], strict=False):
            total += math.hypot(b.x - a.x, b.y - a.y)
            cumulative.append(total)
        object.__setattr__(self, "_cumulative", tuple(cumulative))

    @property
    def length_m(self) -> float:
        return self._cumulative[-1]

    @property
    def finishes_at(self) -> float:
        return self.started_at + self.length_m / self.speed_mps

    def travelled_m(self, t: float) -> float:
        """Metres driven by ``t`` (0 before the start, the length after arrival)."""
        elapsed = max(0.0, t - self.started_at)
        return min(self.length_m, elapsed * self.speed_mps)

    def arrived(self, t: float) -> bool:
        return t >= self.finishes_at

    def pose_at(self, t: float) -> Pose:
        """Where the robot is at ``t``: interpolated on the segment it drives."""
        distance = self.travelled_m(t)
        if len(self.path) == 1:
            return self.path[0]
        for i in range(1, len(self.path)):
            if distance <= self._cumulative[i] or i == len(self.path) - 1:
                a, b = self.path[i - 1], self.path[i]
                span = self._cumulative[i] - self._cumulative[i - 1]
                share = (
                    1.0 if span == 0 else (distance - self._cumulative[i - 1]) / span
                )
                share = min(1.0, max(0.0, share))
                yaw = math.atan2(b.y - a.y, b.x - a.x) if span else a.yaw
                return Pose(
                    level=b.level,
                    x=a.x + (b.x - a.x) * share,
                    y=a.y + (b.y - a.y) * share,
                    yaw=yaw,
                )
        return self.path[-1]  # pragma: no cover - the loop always returns


@dataclass(frozen=True, slots=True)
class Battery:
    """A battery that drains per metre driven and charges per second docked."""

    drain_per_m: float = 0.0005
    charge_per_s: float = 1.0 / 3600.0

    def after_driving(self, soc: float, metres: float) -> float:
        return max(0.0, soc - self.drain_per_m * metres)

    def after_charging(self, soc: float, seconds: float) -> float:
        return min(1.0, soc + self.charge_per_s * max(0.0, seconds))
