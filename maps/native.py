"""Porter's native building map: a YAML file a facilities engineer reads and writes.

``load_native`` reads a file into a :class:`~maps.model.Building`, reporting every
structural problem at once (missing keys, wrong types, unknown kinds, bad numbers,
YAML syntax with its line); ``dump_native``/``save_native`` write a building back so
that loading it gives the same building. Checking that the building makes sense is
:func:`maps.validate.validate`. The format is described in ``docs/map-format.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from maps.errors import MapError, MapProblem
from maps.model import Building, Door, Lane, Lift, Place, Zone
from maps.native_parse import FORMAT_VERSION, parse_building
from maps.yaml_fields import ProblemLog


def parse_native(data: object, source: str) -> Building:
    """Build a :class:`Building` from parsed YAML; raise :class:`MapError` listing
    every structural problem, each naming ``source``, the level and the element."""
    log = ProblemLog(source)
    building = parse_building(data, log)
    if log.problems:
        raise MapError(log.problems)
    return building


def load_native(path: str | Path) -> Building:
    """Read a native map file. Not validated: :func:`maps.loading.load_building`
    reads and validates."""
    source = str(path)
    log = ProblemLog(source)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MapError(
            [MapProblem(source, "", "", f"cannot read the file: {exc}")]
        ) from exc
    data = read_yaml(text, log)
    if data is None and log.problems:
        raise MapError(log.problems)
    building = parse_building(data, log)
    if log.problems:
        raise MapError(log.problems)
    return building


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that notes keys repeated in one mapping (YAML keeps the last
    silently, which would hide a duplicated waypoint)."""

    repeated: list[tuple[str, int]]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            if isinstance(key, str | int | float) and key in seen:
                self.repeated.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(text: str, log: ProblemLog) -> object:
    """Parse YAML text; syntax errors and repeated keys go to ``log`` with a line."""
    loader = _StrictLoader(text)
    loader.repeated = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}" if mark else ""
        log.add("", line, f"YAML syntax error: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        log.add("", "", f"YAML error: {exc}")
        return None
    finally:
        loader.dispose()
    for key, line in loader.repeated:
        log.add("", f"line {line}", f"'{key}' appears twice in the same mapping")
    return data


def dump_native(building: Building) -> dict[str, object]:
    """The building as the native format's data (plain dicts and lists).

    Elements are listed under the level they belong to (places under their
    waypoint's level); lanes are written one by one, not as corridors.
    """
    level_of = {w.id: w.level for w in building.waypoints}
    levels = []
    for level in building.levels:
        entry: dict[str, object] = {"id": level.id}
        if level.name:
            entry["name"] = level.name
        entry["elevation_m"] = level.elevation_m
        entry["waypoints"] = {
            w.id: [w.x, w.y] for w in building.waypoints if w.level == level.id
        }
        sections = {
            "lanes": [_lane(x) for x in building.lanes if x.level == level.id],
            "places": [
                _place(p)
                for p in building.places
                if level_of.get(p.waypoint) == level.id
            ],
            "doors": [_door(d) for d in building.doors if d.level == level.id],
            "zones": [_zone(z) for z in building.zones if z.level == level.id],
        }
        entry.update({key: items for key, items in sections.items() if items})
        levels.append(entry)
    data: dict[str, object] = {
        "format_version": FORMAT_VERSION,
        "building": building.name,
        "default_speed_mps": building.default_speed_mps,
        "levels": levels,
    }
    if building.lifts:
        data["lifts"] = [_lift(lift) for lift in building.lifts]
    return data


def save_native(building: Building, path: str | Path) -> None:
    """Write ``building`` as a native map file."""
    text = yaml.safe_dump(
        dump_native(building), sort_keys=False, default_flow_style=None, width=88
    )
    Path(path).write_text(text, encoding="utf-8")


def _compact(entry: dict[str, object]) -> dict[str, object]:
    """Drop fields left at "nothing" (empty name, no limit...): shorter files."""
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def _lane(lane: Lane) -> dict[str, object]:
    return _compact(
        {
            "id": lane.id,
            "from": lane.start,
            "to": lane.end,
            "bidirectional": lane.bidirectional,
            "width_m": lane.width_m,
            "speed_limit_mps": lane.speed_limit_mps,
        }
    )


def _place(place: Place) -> dict[str, object]:
    entry = _compact(
        {
            "id": place.id,
            "kind": place.kind.value,
            "waypoint": place.waypoint,
            "name": place.name,
            "nursing_station": place.nursing_station,
        }
    )
    if place.docks != 1:
        entry["docks"] = place.docks
    return entry


def _door(door: Door) -> dict[str, object]:
    return _compact(
        {
            "id": door.id,
            "between": [door.start, door.end],
            "kind": door.kind.value,
            "opening_s": door.opening_s,
            "name": door.name,
        }
    )


def _zone(zone: Zone) -> dict[str, object]:
    return _compact(
        {
            "id": zone.id,
            "kind": zone.kind.value,
            "name": zone.name,
            "polygon": [[x, y] for x, y in zone.polygon],
            "allowed_capabilities": sorted(zone.allowed_capabilities),
            "allowed_loads": sorted(zone.allowed_loads),
            "speed_cap_mps": zone.speed_cap_mps,
            "hours": list(zone.hours) if zone.hours is not None else None,
        }
    )


def _lift(lift: Lift) -> dict[str, object]:
    return _compact(
        {
            "id": lift.id,
            "name": lift.name,
            "stops": dict(lift.stops),
            "capacity": lift.capacity,
            "door_time_s": lift.door_time_s,
            "seconds_per_level": lift.seconds_per_level,
            "shared_with_people": lift.shared_with_people,
            "in_service": lift.in_service,
        }
    )
