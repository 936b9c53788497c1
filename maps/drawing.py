"""What a drawing of one level shows, as plain data: no plotting library here.

:func:`level_drawing` gathers the lanes, places, lifts, doors and zones of one
level with their coordinates. ``maps.render`` draws it with matplotlib; the web
pages can draw the very same data as SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

from maps.model import Building, Door, DoorKind, PlaceKind, Zone, ZoneKind

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class LaneSegment:
    id: str
    start: Point
    end: Point
    one_way: bool
    width_m: float


@dataclass(frozen=True, slots=True)
class PlaceMark:
    id: str
    kind: PlaceKind
    label: str
    position: Point


@dataclass(frozen=True, slots=True)
class LiftMark:
    id: str
    label: str
    position: Point
    in_service: bool
    shared_with_people: bool
    #: Every level the lift serves, this one included.
    levels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DoorMark:
    id: str
    kind: DoorKind
    label: str
    #: Midpoint of the lane the door sits on.
    position: Point
    start: Point
    end: Point


@dataclass(frozen=True, slots=True)
class ZoneShape:
    id: str
    kind: ZoneKind
    label: str
    polygon: tuple[Point, ...]
    #: A short statement of the rule, e.g. "quiet 0.5 m/s 22-6h".
    rule: str


@dataclass(frozen=True, slots=True)
class LevelDrawing:
    """Everything on one level, in metres of the building frame."""

    building: str
    level: str
    level_name: str
    lanes: tuple[LaneSegment, ...]
    places: tuple[PlaceMark, ...]
    lifts: tuple[LiftMark, ...]
    doors: tuple[DoorMark, ...]
    zones: tuple[ZoneShape, ...]
    waypoints: tuple[Point, ...]
    #: (min x, min y, max x, max y) over waypoints and zones.
    bounds: tuple[float, float, float, float]


def level_drawing(building: Building, level_id: str) -> LevelDrawing:
    """The drawing data of ``level_id``; ``ValueError`` naming the levels if unknown."""
    known = [lv.id for lv in building.levels]
    if level_id not in known:
        raise ValueError(
            f"{building.source or building.name}: no level {level_id!r} "
            f"(levels: {', '.join(known)})"
        )
    level = building.level(level_id)
    here = {w.id: (w.x, w.y) for w in building.waypoints if w.level == level_id}
    zones = tuple(_zone(z) for z in building.zones if z.level == level_id)
    return LevelDrawing(
        building=building.name,
        level=level_id,
        level_name=level.name or level_id,
        lanes=tuple(
            LaneSegment(
                x.id, here[x.start], here[x.end], not x.bidirectional, x.width_m
            )
            for x in building.lanes
            if x.start in here and x.end in here
        ),
        places=tuple(
            PlaceMark(p.id, p.kind, p.name or p.id, here[p.waypoint])
            for p in building.places
            if p.waypoint in here
        ),
        lifts=tuple(
            LiftMark(
                lift.id,
                lift.name or lift.id,
                here[lift.stops[level_id]],
                lift.in_service,
                lift.shared_with_people,
                tuple(lift.stops),
            )
            for lift in building.lifts
            if lift.stops.get(level_id) in here
        ),
        doors=tuple(
            _door(d, here) for d in building.doors if d.start in here and d.end in here
        ),
        zones=zones,
        waypoints=tuple(here.values()),
        bounds=_bounds([*here.values(), *(p for z in zones for p in z.polygon)]),
    )


def _door(door: Door, here: dict[str, Point]) -> DoorMark:
    a, b = here[door.start], here[door.end]
    middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    return DoorMark(door.id, door.kind, door.name or door.id, middle, a, b)


def _zone(zone: Zone) -> ZoneShape:
    if zone.kind == ZoneKind.QUIET:
        rule = (
            f"quiet {zone.speed_cap_mps:g} m/s" if zone.speed_cap_mps else "no robots"
        )
        if zone.hours:
            rule += f" {zone.hours[0]}-{zone.hours[1]}h"
    elif zone.kind == ZoneKind.RESTRICTED:
        allowed = sorted(zone.allowed_capabilities | zone.allowed_loads)
        rule = "restricted: " + (", ".join(allowed) if allowed else "no robots")
    else:
        rule = "clean: no dirty loads"
    return ZoneShape(
        zone.id, zone.kind, zone.name or zone.id, tuple(zone.polygon), rule
    )


def _bounds(points: list[Point]) -> tuple[float, float, float, float]:
    if not points:
        return (0.0, 0.0, 1.0, 1.0)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))
