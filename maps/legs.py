"""A route and its legs: what the fleet core turns into mission steps.

A route is cut into legs a robot executes one after another: drive along lanes of
one level, pass a door (the lane through it, opening time included), ride a lift
from one level to another. Consecutive legs share their end and start waypoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from maps.graph import EdgeTable
from maps.rules import Rules

if TYPE_CHECKING:
    from maps.routing import Penalised, Router


@dataclass(frozen=True, slots=True)
class DriveLeg:
    """Drive along lanes of one level through ``waypoints`` (first to last)."""

    level: str
    waypoints: tuple[str, ...]
    length_m: float
    time_s: float


@dataclass(frozen=True, slots=True)
class DoorLeg:
    """Pass ``door``: wait for it to open, then drive the lane through it."""

    door: str
    level: str
    waypoints: tuple[str, str]
    length_m: float
    time_s: float


@dataclass(frozen=True, slots=True)
class LiftLeg:
    """Ride ``lift`` from the car's waypoint on one level to its waypoint on another.

    ``time_s`` includes both door cycles and the expected wait for the car.
    """

    lift: str
    from_level: str
    to_level: str
    waypoints: tuple[str, str]
    time_s: float
    length_m: float = 0.0


Leg = DriveLeg | DoorLeg | LiftLeg


@dataclass(frozen=True, slots=True)
class LiftRide:
    lift: str
    from_level: str
    to_level: str


@dataclass(frozen=True, slots=True)
class Route:
    """The quickest legal way from ``start`` to ``goal`` (as asked: place or waypoint).

    ``length_m`` is the distance driven (lift rides add none); ``time_s`` includes
    door openings, lift rides with their expected waits and quiet-zone slowdowns.
    ``levels`` lists the levels in the order visited.
    """

    start: str
    goal: str
    waypoints: tuple[str, ...]
    levels: tuple[str, ...]
    lifts: tuple[LiftRide, ...]
    doors: tuple[str, ...]
    length_m: float
    time_s: float
    legs: tuple[Leg, ...]


def build_route(
    router: Router, rules: Rules | Penalised, start: str, goal: str, path: list[int]
) -> Route:
    """The :class:`Route` along ``path`` (waypoint indices) under ``rules``."""
    table, times = router.table, router.times(rules)
    names = [table.nodes[i] for i in path]
    level_of = {w: router.building.waypoint(w).level for w in names}
    legs: list[Leg] = []
    drive: list[str] = [names[0]]
    drive_m = drive_s = 0.0

    def close_drive() -> None:
        nonlocal drive, drive_m, drive_s
        if len(drive) > 1:
            legs.append(DriveLeg(level_of[drive[0]], tuple(drive), drive_m, drive_s))
        drive, drive_m, drive_s = [drive[-1]], 0.0, 0.0

    for u, v in pairwise(path):
        e = router.edge_of[(u, v)]
        a, b = table.nodes[u], table.nodes[v]
        seconds, metres = float(times[e]), float(table.length_m[e])
        if table.lift[e] is not None or table.door[e] is not None:
            close_drive()
            legs.append(_special_leg(table, e, (a, b), level_of, metres, seconds))
            drive = [b]
        else:
            drive.append(b)
            drive_m, drive_s = drive_m + metres, drive_s + seconds
    close_drive()
    return _route_of(start, goal, names, level_of, legs)


def _special_leg(
    table: EdgeTable, e: int, ends: tuple[str, str], level_of: dict[str, str],
    metres: float, seconds: float,
) -> Leg:  # fmt: skip
    lift, door = table.lift[e], table.door[e]
    if lift is not None:
        return LiftLeg(lift, level_of[ends[0]], level_of[ends[1]], ends, seconds)
    assert door is not None, "a special leg is a lift's or a door's"
    return DoorLeg(door, level_of[ends[0]], ends, metres, seconds)


def _route_of(
    start: str, goal: str, names: list[str], level_of: dict[str, str], legs: list[Leg]
) -> Route:
    levels: list[str] = []
    for name in names:
        if not levels or levels[-1] != level_of[name]:
            levels.append(level_of[name])
    return Route(
        start=start,
        goal=goal,
        waypoints=tuple(names),
        levels=tuple(levels),
        lifts=tuple(
            LiftRide(leg.lift, leg.from_level, leg.to_level)
            for leg in legs
            if isinstance(leg, LiftLeg)
        ),
        doors=tuple(leg.door for leg in legs if isinstance(leg, DoorLeg)),
        length_m=sum(leg.length_m for leg in legs),
        time_s=sum(leg.time_s for leg in legs),
        legs=tuple(legs),
    )
