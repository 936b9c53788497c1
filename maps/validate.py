"""Does a building make sense? Every problem at once, each naming file, level, element.

A map is written once and read by everything downstream (routing, dispatch, the
simulator); a mistake found here costs a line of text, found later a lost robot.
:func:`validate` collects all problems; :func:`check` raises them as a
:class:`MapError`. Geometry and reachability live in :mod:`maps.validate_space`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from maps.errors import MapError, MapProblem
from maps.model import Building, PlaceKind
from maps.validate_space import (
    reachability_problems,
    waypoint_levels,
    zone_problems,
)


def validate(building: Building) -> list[MapProblem]:
    """Every problem with ``building``, in a stable order (empty when it is fine)."""
    level_of = waypoint_levels(building)
    return [
        *_duplicates(building),
        *_levels_and_waypoints(building),
        *_lanes(building, level_of),
        *_doors(building, level_of),
        *_places(building, level_of),
        *_lifts(building, level_of),
        *zone_problems(building),
        *reachability_problems(building, level_of),
    ]


def check(building: Building) -> Building:
    """Return ``building`` if :func:`validate` finds nothing, else raise MapError."""
    problems = validate(building)
    if problems:
        raise MapError(problems)
    return building


def _problem(building: Building, level: str, element: str, message: str) -> MapProblem:
    return MapProblem(building.source, level, element, message)


def _duplicates(building: Building) -> Iterator[MapProblem]:
    groups: Iterable[tuple[str, Iterable[tuple[str, str]]]] = (
        ("level", ((x.id, x.id) for x in building.levels)),
        ("waypoint", ((x.id, x.level) for x in building.waypoints)),
        ("lane", ((x.id, x.level) for x in building.lanes)),
        ("place", ((x.id, "") for x in building.places)),
        ("lift", ((x.id, "") for x in building.lifts)),
        ("door", ((x.id, x.level) for x in building.doors)),
        ("zone", ((x.id, x.level) for x in building.zones)),
    )
    for noun, entries in groups:
        levels_of: dict[str, list[str]] = {}
        for ident, level in entries:
            levels_of.setdefault(ident, []).append(level)
        for ident, levels in levels_of.items():
            if not ident:
                yield _problem(building, levels[0], noun, "has an empty id")
            elif len(levels) > 1:
                where = sorted({lv for lv in levels if lv})
                also = f" (levels {', '.join(where)})" if len(where) > 1 else ""
                yield _problem(
                    building,
                    levels[0] if len(where) == 1 else "",
                    f"{noun} {ident}",
                    f"id is used {len(levels)} times{also}; ids must be unique",
                )


def _levels_and_waypoints(building: Building) -> Iterator[MapProblem]:
    if not building.levels:
        yield _problem(building, "", "", "the building has no levels")
    if building.default_speed_mps <= 0:
        yield _problem(
            building,
            "",
            "",
            f"default_speed_mps must be positive, got {building.default_speed_mps:g}",
        )
    known = {level.id for level in building.levels}
    for waypoint in building.waypoints:
        if waypoint.level not in known:
            yield _problem(
                building,
                waypoint.level,
                f"waypoint {waypoint.id}",
                f"level '{waypoint.level}' does not exist",
            )


def _positive(
    building: Building, level: str, element: str, **values: float | None
) -> Iterator[MapProblem]:
    for name, value in values.items():
        if value is not None and value <= 0:
            yield _problem(
                building, level, element, f"{name} must be positive, got {value:g}"
            )


def _lanes(building: Building, level_of: dict[str, str | None]) -> Iterator[MapProblem]:
    levels = {level.id for level in building.levels}
    for lane in building.lanes:
        element = f"lane {lane.id}"
        if lane.level not in levels:
            yield _problem(
                building, lane.level, element, f"level '{lane.level}' does not exist"
            )
        for end, waypoint in (("start", lane.start), ("end", lane.end)):
            if waypoint not in level_of:
                message = f"{end} waypoint '{waypoint}' does not exist"
                yield _problem(building, lane.level, element, message)
            elif level_of[waypoint] not in (None, lane.level):
                message = (
                    f"{end} waypoint '{waypoint}' is on level {level_of[waypoint]}: "
                    "a lane joins "
                    "waypoints of one level (levels are joined by lifts)"
                )
                yield _problem(building, lane.level, element, message)
        if lane.start == lane.end and lane.start:
            message = f"starts and ends at the same waypoint '{lane.start}'"
            yield _problem(building, lane.level, element, message)
        yield from _positive(
            building,
            lane.level,
            element,
            width_m=lane.width_m,
            speed_limit_mps=lane.speed_limit_mps,
        )


def _doors(building: Building, level_of: dict[str, str | None]) -> Iterator[MapProblem]:
    lanes = {(x.level, x.start, x.end) for x in building.lanes}
    for door in building.doors:
        element = f"door {door.id}"
        missing = [w for w in (door.start, door.end) if w not in level_of]
        for waypoint in missing:
            message = f"waypoint '{waypoint}' does not exist"
            yield _problem(building, door.level, element, message)
        ends = {(door.level, door.start, door.end), (door.level, door.end, door.start)}
        if not missing and not ends & lanes:
            message = (
                f"no lane between '{door.start}' and '{door.end}' on level "
                f"{door.level}: a door must sit on a lane"
            )
            yield _problem(building, door.level, element, message)
        yield from _positive(building, door.level, element, opening_s=door.opening_s)


def _places(
    building: Building, level_of: dict[str, str | None]
) -> Iterator[MapProblem]:
    kinds = {place.id: place.kind for place in building.places}
    for place in building.places:
        level = level_of.get(place.waypoint) or ""
        element = f"place {place.id}"
        if place.waypoint not in level_of:
            message = f"waypoint '{place.waypoint}' does not exist"
            yield _problem(building, level, element, message)
        if place.kind == PlaceKind.WARD:
            station = place.nursing_station
            if not station:
                message = "a ward must name its nursing_station"
                yield _problem(building, level, element, message)
            elif station not in kinds:
                message = f"nursing station '{station}' does not exist"
                yield _problem(building, level, element, message)
            elif kinds[station] != PlaceKind.NURSING_STATION:
                message = (
                    f"nursing_station '{station}' is a {kinds[station].value}, "
                    "not a nursing_station"
                )
                yield _problem(building, level, element, message)
        if place.kind == PlaceKind.CHARGER:
            yield from _positive(building, level, element, docks=place.docks)


def _lifts(building: Building, level_of: dict[str, str | None]) -> Iterator[MapProblem]:
    levels = {level.id for level in building.levels}
    on_lanes = {x.start for x in building.lanes} | {x.end for x in building.lanes}
    for lift in building.lifts:
        element = f"lift {lift.id}"
        if len(lift.stops) < 2:
            message = f"serves {len(lift.stops)} level(s); a lift joins at least two"
            yield _problem(building, "", element, message)
        for level, waypoint in lift.stops.items():
            if level not in levels:
                message = f"stop on level '{level}', which does not exist"
                yield _problem(building, "", element, message)
            elif waypoint not in level_of:
                message = f"car waypoint '{waypoint}' does not exist"
                yield _problem(building, level, element, message)
            elif level_of[waypoint] not in (None, level):
                message = f"car waypoint '{waypoint}' is on level {level_of[waypoint]}"
                yield _problem(building, level, element, message)
            elif waypoint not in on_lanes:
                message = f"no lane reaches car waypoint '{waypoint}'"
                yield _problem(building, level, element, message)
        yield from _positive(
            building,
            "",
            element,
            capacity=lift.capacity,
            door_time_s=lift.door_time_s,
            seconds_per_level=lift.seconds_per_level,
        )
        cars = Counter(lift.stops.values())
        for waypoint, count in cars.items():
            if count > 1:
                message = f"car waypoint '{waypoint}' is used for {count} levels"
                yield _problem(building, "", element, message)
