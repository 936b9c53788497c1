"""Turn the parsed YAML of a native map into a :class:`Building`, noting problems.

Structure only: missing keys, wrong types, unknown kinds, numbers that are not
numbers. Whether the building makes sense (lanes to known waypoints, reachable
places...) is :mod:`maps.validate`'s job. The format is described in
``docs/map-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from maps.model import (
    Building,
    Door,
    DoorKind,
    Lane,
    Level,
    Lift,
    Place,
    PlaceKind,
    Waypoint,
    Zone,
    ZoneKind,
)
from maps.yaml_fields import REQUIRED, Fields, ProblemLog, as_ident, as_number, show

FORMAT_VERSION = 1

K = TypeVar("K", bound=StrEnum)


@dataclass(slots=True)
class _Parts:
    """What the levels of a file contribute, in file order."""

    levels: list[Level] = field(default_factory=list)
    waypoints: list[Waypoint] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    places: list[tuple[Place, str]] = field(default_factory=list)
    doors: list[Door] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)


def parse_building(data: object, log: ProblemLog) -> Building:
    """Read a whole file's data; problems go to ``log`` (the result is then moot)."""
    if data is None:
        log.add("", "", "the map is empty: expected 'building', 'levels' and 'lifts'")
        return Building(name="", levels=(), waypoints=(), source=log.source)
    top = Fields(log, data, "", "")
    version = top.integer("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        top.problem(f"format_version {version} is not supported (only 1)")
    name = top.text("building", "")
    if not name:
        top.problem("missing 'building' (the building's name)")
    speed = top.number("default_speed_mps", 1.0)
    levels, lifts_raw = top.items("levels"), top.items("lifts")
    top.finish()
    if not levels:
        top.problem("no levels: a building needs at least one under 'levels'")
    parts = _Parts()
    for number, raw in enumerate(levels, start=1):
        _level(Fields(log, raw, "", f"level #{number}"), parts)
    _check_place_levels(parts, log)
    lifts = [
        _lift(Fields(log, raw, "", f"lift #{number}"))
        for number, raw in enumerate(lifts_raw, start=1)
    ]
    return Building(
        name=name,
        levels=tuple(parts.levels),
        waypoints=tuple(parts.waypoints),
        lanes=tuple(parts.lanes),
        places=tuple(place for place, _ in parts.places),
        lifts=tuple(lifts),
        doors=tuple(parts.doors),
        zones=tuple(parts.zones),
        default_speed_mps=speed,
        source=log.source,
    )


def _level(f: Fields, parts: _Parts) -> None:
    level_id = f.ident("id", "the level's id, e.g. L2")
    if level_id:
        f.level, f.element = level_id, ""
    parts.levels.append(
        Level(
            id=level_id, elevation_m=f.number("elevation_m", 0.0), name=f.text("name")
        )
    )
    log, lid = f.log, f.level
    for key, value in f.mapping("waypoints").items():
        parts.waypoints.append(_waypoint(f, key, value))
    for number, raw in enumerate(f.items("corridors"), start=1):
        parts.lanes.extend(_corridor(Fields(log, raw, lid, f"corridor #{number}"), lid))
    for number, raw in enumerate(f.items("lanes"), start=1):
        parts.lanes.append(_lane(Fields(log, raw, lid, f"lane #{number}"), lid))
    for number, raw in enumerate(f.items("places"), start=1):
        place = _place(Fields(log, raw, lid, f"place #{number}"))
        parts.places.append((place, lid))
    for number, raw in enumerate(f.items("doors"), start=1):
        parts.doors.append(_door(Fields(log, raw, lid, f"door #{number}"), lid))
    for number, raw in enumerate(f.items("zones"), start=1):
        parts.zones.append(_zone(Fields(log, raw, lid, f"zone #{number}"), lid))
    f.finish()


def _waypoint(level: Fields, key: object, value: object) -> Waypoint:
    ident = as_ident(key) or ""
    if not ident:
        level.problem(f"waypoint id must be text, got {show(key)}")
    point = _point(value)
    if point is None:
        level.log.add(
            level.level,
            f"waypoint {ident}",
            f"position must be [x, y] in metres, got {show(value)}",
        )
        point = (0.0, 0.0)
    return Waypoint(id=ident, level=level.level, x=point[0], y=point[1])


def _point(value: object) -> tuple[float, float] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    x, y = as_number(value[0]), as_number(value[1])
    return None if x is None or y is None else (x, y)


def _named(f: Fields, noun: str, what: str) -> str:
    """Read the element's id and name the element by it from now on."""
    ident = f.ident("id", what)
    if ident:
        f.element = f"{noun} {ident}"
    return ident


def _corridor(f: Fields, level: str) -> list[Lane]:
    ident = _named(f, "corridor", "lanes are named <id>-1, <id>-2, ...")
    path = f.idents("path")
    width = f.number("width_m", 2.0)
    speed = f.optional_number("speed_limit_mps")
    both_ways = f.flag("bidirectional", True)
    f.finish()
    if len(path) < 2:
        f.problem("'path' must list at least two waypoint ids")
    return [
        Lane(f"{ident}-{n}", level, start, end, both_ways, width, speed)
        for n, (start, end) in enumerate(pairwise(path), start=1)
    ]


def _lane(f: Fields, level: str) -> Lane:
    ident = f.optional_ident("id")
    start = f.ident("from", "the waypoint the lane starts at")
    end = f.ident("to", "the waypoint the lane ends at")
    ident = ident or f"{start}-{end}"
    f.element = f"lane {ident}"
    lane = Lane(
        id=ident,
        level=level,
        start=start,
        end=end,
        bidirectional=f.flag("bidirectional", True),
        width_m=f.number("width_m", 2.0),
        speed_limit_mps=f.optional_number("speed_limit_mps"),
    )
    f.finish()
    return lane


def _kind(f: Fields, enum: type[K], default: object) -> K:
    raw = f.text("kind", "")
    if not raw and default is not REQUIRED:
        return default  # type: ignore[return-value]
    try:
        return enum(raw)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        shown = f"'{raw}'" if raw else "nothing"
        f.problem(f"'kind' must be one of: {choices}; got {shown}")
        return next(iter(enum))


def _place(f: Fields) -> Place:
    ident = _named(f, "place", "the place's id, e.g. ward_2a")
    place = Place(
        id=ident,
        kind=_kind(f, PlaceKind, REQUIRED),
        waypoint=f.ident("waypoint", "the waypoint the place is on"),
        name=f.text("name"),
        nursing_station=f.optional_ident("nursing_station"),
        docks=f.integer("docks", 1),
    )
    f.finish()
    return place


def _door(f: Fields, level: str) -> Door:
    ident = _named(f, "door", "the door's id")
    between = f.idents("between")
    if len(between) != 2:
        f.problem("'between' must name the two waypoints of the door's lane")
        between = (*between, "", "")[:2]
    door = Door(
        id=ident,
        level=level,
        start=between[0],
        end=between[1],
        kind=_kind(f, DoorKind, DoorKind.AUTOMATIC),
        opening_s=f.number("opening_s", 3.0),
        name=f.text("name"),
    )
    f.finish()
    return door


def _zone(f: Fields, level: str) -> Zone:
    ident = _named(f, "zone", "the zone's id")
    kind = _kind(f, ZoneKind, REQUIRED)
    polygon = []
    for value in f.items("polygon"):
        point = _point(value)
        if point is None:
            f.problem(f"polygon corners must be [x, y] in metres, got {show(value)}")
        else:
            polygon.append(point)
    zone = Zone(
        id=ident,
        level=level,
        kind=kind,
        polygon=tuple(polygon),
        name=f.text("name"),
        allowed_capabilities=frozenset(f.idents("allowed_capabilities")),
        allowed_loads=frozenset(f.idents("allowed_loads")),
        speed_cap_mps=f.optional_number("speed_cap_mps"),
        hours=_hours(f),
    )
    f.finish()
    return zone


def _hours(f: Fields) -> tuple[int, int] | None:
    raw = f.items("hours")
    if not raw:
        return None
    whole = [v for v in raw if isinstance(v, int) and not isinstance(v, bool)]
    if len(raw) != 2 or len(whole) != 2:
        f.problem(f"'hours' must be [start, end] in whole hours, got {show(raw)}")
        return None
    return (whole[0], whole[1])


def _lift(f: Fields) -> Lift:
    ident = _named(f, "lift", "the lift's id")
    stops: dict[str, str] = {}
    for level, waypoint in f.mapping("stops").items():
        level_id, waypoint_id = as_ident(level), as_ident(waypoint)
        if level_id is None or waypoint_id is None:
            f.problem(
                f"'stops' maps level id -> car waypoint id; got {show(level)}: "
                f"{show(waypoint)}"
            )
        else:
            stops[level_id] = waypoint_id
    lift = Lift(
        id=ident,
        stops=stops,
        capacity=f.integer("capacity", 1),
        door_time_s=f.number("door_time_s", 4.0),
        seconds_per_level=f.number("seconds_per_level", 3.0),
        shared_with_people=f.flag("shared_with_people", True),
        in_service=f.flag("in_service", True),
        name=f.text("name"),
    )
    f.finish()
    return lift


def _check_place_levels(parts: _Parts, log: ProblemLog) -> None:
    """A place is listed under the level of its waypoint (else the file misleads)."""
    levels_of: dict[str, set[str]] = {}
    for waypoint in parts.waypoints:
        levels_of.setdefault(waypoint.id, set()).add(waypoint.level)
    for place, listed_under in parts.places:
        # A waypoint id used on several levels is validation's to report.
        levels = levels_of.get(place.waypoint, set())
        if len(levels) == 1 and listed_under not in levels:
            (actual,) = levels
            log.add(
                listed_under,
                f"place {place.id}",
                f"waypoint '{place.waypoint}' is on level {actual}; "
                f"list the place under level {actual}",
            )
