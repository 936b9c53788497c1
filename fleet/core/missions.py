"""Missions: what a robot is told, built from a route's legs.

A mission serves one planned stop (a pickup, a drop-off, a return to the sender,
a charger, a holding point). Its steps are what the core drives one at a time:

- a drive on one level (a ``Navigate`` command with poses from the waypoints);
- a door passage: open the door, wait until it reports open, drive the lane
  through it, release it;
- a lift ride: call the car to this level, wait until it is here with its doors
  open for this robot, drive in, send it to the destination level, wait, tell the
  robot its level changed, drive out of the car, release it (then drive on);
- the service at the stop: wait for loading or unloading (ended by a confirm
  from the API), or dock at a charger, or hold at a holding point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from fleet.core.ports import Pose
from fleet.core.values import positional
from maps.legs import DoorLeg, Leg, LiftLeg
from maps.model import Building


class Purpose(StrEnum):
    PICKUP = "pickup"
    DROPOFF = "dropoff"
    #: Items going back to the sender (a cancel after loading, or no recipient).
    RETURN = "return"
    CHARGE = "charge"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class DriveStep:
    level: str
    waypoints: tuple[str, ...]
    max_speed_mps: float | None = None


@dataclass(frozen=True, slots=True)
class OpenDoorStep:
    door: str


@dataclass(frozen=True, slots=True)
class ReleaseDoorStep:
    door: str


@dataclass(frozen=True, slots=True)
class CallLiftStep:
    """Call the car to ``level`` and wait until it is there, open, for us."""

    lift: str
    level: str


@dataclass(frozen=True, slots=True)
class RideLiftStep:
    """Send the car (with us inside) to ``level`` and wait until it opens there."""

    lift: str
    level: str


@dataclass(frozen=True, slots=True)
class ChangeLevelStep:
    level: str
    waypoint: str


@dataclass(frozen=True, slots=True)
class ReleaseLiftStep:
    lift: str


@dataclass(frozen=True, slots=True)
class ServiceStep:
    """Wait at the stop until the API confirms (loading, hand-off, return)."""

    job_id: str


@dataclass(frozen=True, slots=True)
class DockStep:
    waypoint: str


@dataclass(frozen=True, slots=True)
class HoldStep:
    """Stand at a holding point until the core sends the robot on."""

    waypoint: str


Step = (
    DriveStep
    | OpenDoorStep
    | ReleaseDoorStep
    | CallLiftStep
    | RideLiftStep
    | ChangeLevelStep
    | ReleaseLiftStep
    | ServiceStep
    | DockStep
    | HoldStep
)

#: Steps the robot may be taken off without leaving a lift or door held.
INTERRUPTIBLE = (DriveStep, CallLiftStep, OpenDoorStep, ServiceStep, HoldStep)


@dataclass(frozen=True, slots=True)
class Mission:
    """The steps that take ``robot_id`` to ``goal`` and serve it."""

    id: str
    robot_id: str
    purpose: Purpose
    goal: str
    steps: tuple[Step, ...]
    job_id: str | None = None
    #: Expected seconds from start to arrival (route time; no service).
    time_s: float = 0.0

    @property
    def lifts(self) -> tuple[str, ...]:
        return tuple(s.lift for s in self.steps if isinstance(s, CallLiftStep))


def steps_from_legs(
    legs: tuple[Leg, ...], *, max_speed_mps: float | None = None
) -> list[Step]:
    """Turn a route's legs into mission steps (see the module docstring).

    A car is released as soon as the robot is out of it: the drive after a ride
    is cut after its first lane (out of the car), the release comes there, then
    the rest of the drive. Holding the car for the whole drive kept it for
    nobody while other robots queued for it.
    """
    steps: list[Step] = []
    leaving: list[str] = []
    for leg in legs:
        if isinstance(leg, LiftLeg):
            steps.extend(ReleaseLiftStep(lift) for lift in leaving)
            steps.extend(_lift_steps(steps, leg, max_speed_mps))
            leaving = [leg.lift]
            continue
        if isinstance(leg, DoorLeg):
            steps.append(OpenDoorStep(leg.door))
            steps.append(DriveStep(leg.level, leg.waypoints, max_speed_mps))
            steps.append(ReleaseDoorStep(leg.door))
        elif leaving and len(leg.waypoints) > 2:
            steps.append(DriveStep(leg.level, leg.waypoints[:2], max_speed_mps))
            steps.extend(ReleaseLiftStep(lift) for lift in leaving)
            leaving = []
            steps.append(DriveStep(leg.level, leg.waypoints[1:], max_speed_mps))
        else:
            steps.append(DriveStep(leg.level, leg.waypoints, max_speed_mps))
        steps.extend(ReleaseLiftStep(lift) for lift in leaving)
        leaving = []
    steps.extend(ReleaseLiftStep(lift) for lift in leaving)
    return steps


def _lift_steps(
    steps: list[Step], leg: LiftLeg, max_speed_mps: float | None
) -> list[Step]:
    """Wait outside the car for it; the previous drive stops one waypoint short."""
    car_here, car_there = leg.waypoints
    entering: list[Step] = []
    last = steps[-1] if steps else None
    if isinstance(last, DriveStep) and last.waypoints[-1] == car_here:
        outside = last.waypoints[-2]
        if len(last.waypoints) > 2:
            steps[-1] = DriveStep(last.level, last.waypoints[:-1], last.max_speed_mps)
        else:
            steps.pop()
        entering = [DriveStep(leg.from_level, (outside, car_here), max_speed_mps)]
    return [
        CallLiftStep(leg.lift, leg.from_level),
        *entering,
        RideLiftStep(leg.lift, leg.to_level),
        ChangeLevelStep(leg.to_level, car_there),
    ]


class DrivePoses:
    """Poses along waypoints of one building, remembered (poses are values and
    the building never changes): missions drive the same corridors all day, one
    drive command per step (~16,000 a simulated day).

    The fleet core's state owns one per building (:attr:`FleetState.world`), so
    nothing is kept at module level. At most :data:`POSES_KEPT` paths, forgotten
    all at once when full: a building has a bounded number of corridors, yet a
    service running for months must not grow without bound.
    """

    def __init__(self, building: Building) -> None:
        self.building = building
        self._made: dict[tuple[str, ...], tuple[Pose, ...]] = {}

    def along(self, waypoints: tuple[str, ...]) -> tuple[Pose, ...]:
        """:func:`poses` of ``waypoints``, made once."""
        made = self._made.get(waypoints)
        if made is None:
            if len(self._made) >= POSES_KEPT:
                self._made.clear()
            made = self._made[waypoints] = _poses(self.building, waypoints)
        return made


#: Paths :class:`DrivePoses` keeps (a hospital day drives a few hundred).
POSES_KEPT = 8192


def poses(building: Building, waypoints: tuple[str, ...]) -> tuple[Pose, ...]:
    """Poses along ``waypoints``, each facing the next (the last keeps heading)."""
    return _poses(building, waypoints)


def _poses(building: Building, waypoints: tuple[str, ...]) -> tuple[Pose, ...]:
    points = [building.waypoint(w) for w in waypoints]
    result: list[Pose] = []
    yaw = 0.0
    for i, point in enumerate(points):
        if i + 1 < len(points):
            nxt = points[i + 1]
            yaw = math.atan2(nxt.y - point.y, nxt.x - point.x)
        result.append(_new_pose((point.level, point.x, point.y, yaw)))
    return tuple(result)


#: ``Pose(*values)`` slot by slot (every drive command's waypoints: ~16,000 a day).
_new_pose = positional(Pose)


def pose_of(building: Building, waypoint: str) -> Pose:
    point = building.waypoint(waypoint)
    return Pose(point.level, point.x, point.y)
