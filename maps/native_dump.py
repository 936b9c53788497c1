"""Write a :class:`Building` as native map data that loads back to the same building.

Elements are listed under the level they belong to (places under their waypoint's
level). Chains of lanes named ``<id>-1``, ``<id>-2``... are written back as the
corridors they came from, and lanes named ``<from>-<to>`` without their id, so a
dumped map stays close to what an engineer would write, and short: loading a map
of twenty thousand waypoints is mostly YAML parsing, which is paid per node.
"""

from __future__ import annotations

from dataclasses import replace

from maps.model import Building, Door, Lane, Lift, Place, Zone
from maps.native_parse import FORMAT_VERSION


def canonical(building: Building) -> Building:
    """``building`` with its elements in the order a native file lists them.

    Waypoints, lanes, places, doors and zones are grouped by level in level order
    (places by their waypoint's level), keeping their order within a level. For any
    valid building, ``parse_native(dump_native(b), s) == canonical(b)`` with
    ``source=s``; for one read from a native file, ``canonical(b) == b``.
    """
    rank = {level.id: index for index, level in enumerate(building.levels)}
    last = len(rank)
    level_of = {w.id: w.level for w in building.waypoints}

    def order(level: str) -> int:
        return rank.get(level, last)

    # sorted() is stable: the order within a level is kept.
    return replace(
        building,
        waypoints=tuple(sorted(building.waypoints, key=lambda w: order(w.level))),
        lanes=tuple(sorted(building.lanes, key=lambda x: order(x.level))),
        places=tuple(
            sorted(building.places, key=lambda p: order(level_of.get(p.waypoint, "")))
        ),
        doors=tuple(sorted(building.doors, key=lambda d: order(d.level))),
        zones=tuple(sorted(building.zones, key=lambda z: order(z.level))),
    )


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
        corridors, lanes = _corridors_and_lanes(
            [x for x in building.lanes if x.level == level.id]
        )
        sections = {
            "corridors": corridors,
            "lanes": [_lane(x) for x in lanes],
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


def _compact(entry: dict[str, object]) -> dict[str, object]:
    """Drop fields left at "nothing" (empty name, no limit...): shorter files."""
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def _corridors_and_lanes(
    lanes: list[Lane],
) -> tuple[list[dict[str, object]], list[Lane]]:
    """Split a level's lanes into leading corridor chains and the single lanes after.

    Loading lists corridor lanes before single lanes, so only chains at the head of
    the list can become corridors without changing the order of the lanes.
    """
    corridors: list[dict[str, object]] = []
    index = 0
    while (
        index < len(lanes)
        and len(lanes[index].id) > 2
        and lanes[index].id.endswith("-1")
    ):
        chain = _chain(lanes, index)
        head = chain[0]
        corridor: dict[str, object] = {
            "id": head.id.removesuffix("-1"),
            "path": [head.start, *(lane.end for lane in chain)],
        }
        corridor.update(_lane_attributes(head))
        corridors.append(corridor)
        index += len(chain)
    return corridors, lanes[index:]


def _chain(lanes: list[Lane], index: int) -> list[Lane]:
    """The lanes from ``index`` that a corridor named after the first one expands to."""
    head = lanes[index]
    prefix = head.id.removesuffix("-1")
    chain = [head]
    for lane in lanes[index + 1 :]:
        last = chain[-1]
        same = (lane.bidirectional, lane.width_m, lane.speed_limit_mps) == (
            head.bidirectional,
            head.width_m,
            head.speed_limit_mps,
        )
        if not (
            same and lane.id == f"{prefix}-{len(chain) + 1}" and lane.start == last.end
        ):
            break
        chain.append(lane)
    return chain


def _lane_attributes(lane: Lane) -> dict[str, object]:
    """The fields that differ from the format's defaults."""
    entry: dict[str, object] = {}
    if not lane.bidirectional:
        entry["bidirectional"] = False
    if lane.width_m != 2.0:
        entry["width_m"] = lane.width_m
    if lane.speed_limit_mps is not None:
        entry["speed_limit_mps"] = lane.speed_limit_mps
    return entry


def _lane(lane: Lane) -> dict[str, object]:
    entry: dict[str, object] = {}
    if lane.id != f"{lane.start}-{lane.end}":
        entry["id"] = lane.id
    entry.update({"from": lane.start, "to": lane.end})
    entry.update(_lane_attributes(lane))
    return entry


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
