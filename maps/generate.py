"""Synthetic buildings: grids of corridors joined by lifts, for tests and benchmarks.

Each level is a grid of waypoints ``spacing_m`` apart. Columns are two-way
corridors; some rows are one-way streets (alternating east and west) but row 0 is
always two-way, so every waypoint of a level reaches every other. Every lift serves
every level from a car waypoint beside a grid waypoint, so with at least one lift
the whole building is connected. Places, doors, speed limits and zones (a clean
zone on every level; a restricted or quiet zone on every other) are drawn from
``random.Random(seed)``: the same arguments give the same building.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

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

_OTHER_KINDS = (
    PlaceKind.PHARMACY,
    PlaceKind.LAB,
    PlaceKind.KITCHEN,
    PlaceKind.STORES,
    PlaceKind.LINEN,
    PlaceKind.WASTE,
    PlaceKind.CLINIC,
    PlaceKind.CHARGER,
    PlaceKind.PARKING,
    PlaceKind.RECEPTION,
)


@dataclass(frozen=True, slots=True)
class _Grid:
    level: str
    rows: int
    cols: int
    spacing: float

    def waypoint_id(self, r: int, c: int) -> str:
        return f"{self.level}_r{r}_c{c}"


def corridor_grid_building(
    levels: int = 2,
    waypoints_per_level: int = 100,
    lifts: int = 2,
    seed: int = 0,
    *,
    places_per_level: int = 6,
    spacing_m: float = 10.0,
    one_way_share: float = 0.3,
    door_share: float = 0.05,
    zones: bool = True,
) -> Building:
    """A building of ``levels`` corridor grids of about ``waypoints_per_level`` each.

    Levels are ``L0``, ``L1``... 4 m apart; lifts ``lift_0``... (``lift_0`` is a
    service lift, the others are shared with people). Each level has a nursing
    station ``ns_<level>``, wards owned by it, and other kinds in turn.
    """
    if levels < 1 or waypoints_per_level < 4 or lifts < 0:
        raise ValueError("need levels >= 1, waypoints_per_level >= 4, lifts >= 0")
    rng = random.Random(seed)
    rows = max(2, round(math.sqrt(waypoints_per_level / 2)))
    cols = max(2, math.ceil(waypoints_per_level / rows))
    cells = [(r, c) for r in range(rows) for c in range(cols)]
    lift_cells = rng.sample(cells, min(lifts, len(cells)))
    parts: dict[str, list[Any]] = {
        k: [] for k in ("wp", "lane", "place", "door", "zone")
    }
    for i in range(levels):
        grid = _Grid(f"L{i}", rows, cols, spacing_m)
        _add_level(parts, grid, rng, one_way_share, door_share)
        _add_places(parts, grid, rng, places_per_level, lift_cells)
        if zones and rows >= 3 and cols >= 3:
            _add_zones(parts, grid, rng, i)
    lift_list = _add_lifts(parts, lift_cells, levels, spacing_m)
    return Building(
        name=f"corridor grid {levels}x{waypoints_per_level} seed {seed}",
        levels=tuple(Level(f"L{i}", 4.0 * i, f"Level {i}") for i in range(levels)),
        waypoints=tuple(parts["wp"]),
        lanes=tuple(parts["lane"]),
        places=tuple(parts["place"]),
        lifts=tuple(lift_list),
        doors=tuple(parts["door"]),
        zones=tuple(parts["zone"]),
        source="<generated>",
    )


def _add_level(
    parts: dict[str, list[Any]],
    grid: _Grid,
    rng: random.Random,
    one_way_share: float,
    door_share: float,
) -> None:
    lv, s = grid.level, grid.spacing
    for r in range(grid.rows):
        for c in range(grid.cols):
            parts["wp"].append(Waypoint(grid.waypoint_id(r, c), lv, c * s, r * s))
    for r in range(grid.rows):
        one_way = r > 0 and rng.random() < one_way_share
        limit = 0.8 if rng.random() < 0.2 else None
        for c in range(grid.cols - 1):
            a, b = grid.waypoint_id(r, c), grid.waypoint_id(r, c + 1)
            a, b = (b, a) if one_way and r % 2 else (a, b)
            lane = Lane(f"{a}-{b}", lv, a, b, not one_way, 2.4, limit)
            parts["lane"].append(lane)
    for c in range(grid.cols):
        for r in range(grid.rows - 1):
            a, b = grid.waypoint_id(r, c), grid.waypoint_id(r + 1, c)
            parts["lane"].append(Lane(f"{a}-{b}", lv, a, b, True, 2.4))
            if rng.random() < door_share:
                kind = rng.choice(list(DoorKind))
                door = Door(f"door_{a}-{b}", lv, a, b, kind, rng.choice((2.0, 4.0)))
                parts["door"].append(door)


def _add_places(
    parts: dict[str, list[Any]],
    grid: _Grid,
    rng: random.Random,
    count: int,
    lift_cells: list[tuple[int, int]],
) -> None:
    free = [
        (r, c)
        for r in range(grid.rows)
        for c in range(grid.cols)
        if (r, c) not in lift_cells
    ]
    chosen = rng.sample(free, min(count, len(free)))
    station = f"ns_{grid.level}"
    for i, (r, c) in enumerate(chosen):
        wp = grid.waypoint_id(r, c)
        if i == 0:
            place = Place(station, PlaceKind.NURSING_STATION, wp)
        elif i % 2:
            place = Place(f"ward_{grid.level}_{i}", PlaceKind.WARD, wp, "", station)
        else:
            kind = _OTHER_KINDS[(i // 2 - 1) % len(_OTHER_KINDS)]
            place = Place(f"{kind.value}_{grid.level}_{i}", kind, wp)
        parts["place"].append(place)


def _add_zones(
    parts: dict[str, list[Any]], grid: _Grid, rng: random.Random, i: int
) -> None:
    kinds = [ZoneKind.CLEAN, ZoneKind.RESTRICTED if i % 2 else ZoneKind.QUIET]
    for kind in kinds:
        polygon = _block(grid, rng)
        zone_id = f"{kind.value}_{grid.level}"
        if kind == ZoneKind.RESTRICTED:
            zone = Zone(zone_id, grid.level, kind, polygon,
                        allowed_capabilities=frozenset({"icu_access"}))  # fmt: skip
        elif kind == ZoneKind.QUIET:
            zone = Zone(zone_id, grid.level, kind, polygon,
                        speed_cap_mps=0.5, hours=(22, 6))  # fmt: skip
        else:
            zone = Zone(zone_id, grid.level, kind, polygon)
        parts["zone"].append(zone)


def _block(grid: _Grid, rng: random.Random) -> tuple[tuple[float, float], ...]:
    """A rectangle around a few grid cells, half a spacing beyond their waypoints."""
    h = max(1, min(3, grid.rows // 3))
    w = max(1, min(4, grid.cols // 3))
    r0 = rng.randrange(0, grid.rows - h + 1)
    c0 = rng.randrange(0, grid.cols - w + 1)
    s, m = grid.spacing, grid.spacing / 2
    x0, x1 = c0 * s - m, (c0 + w - 1) * s + m
    y0, y1 = r0 * s - m, (r0 + h - 1) * s + m
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _add_lifts(
    parts: dict[str, list[Any]],
    lift_cells: list[tuple[int, int]],
    levels: int,
    spacing: float,
) -> list[Lift]:
    lifts = []
    for k, (r, c) in enumerate(lift_cells):
        lift_id = f"lift_{k}"
        stops = {}
        for i in range(levels):
            lv = f"L{i}"
            car = f"{lift_id}_{lv}"
            x, y = c * spacing + spacing / 3, r * spacing + spacing / 3
            parts["wp"].append(Waypoint(car, lv, x, y))
            grid_wp = f"{lv}_r{r}_c{c}"
            parts["lane"].append(Lane(f"{grid_wp}-{car}", lv, grid_wp, car))
            stops[lv] = car
        lifts.append(Lift(lift_id, stops, shared_with_people=k > 0))
    return lifts
