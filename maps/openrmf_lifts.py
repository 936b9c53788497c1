"""Open-RMF lifts as Porter lifts: the levels served and the car's waypoint on each.

In a ``.building.yaml`` a lift is a cabin rectangle: centre ``x, y`` in the
drawing units of ``reference_floor_name`` (else the reference level), ``yaw`` in
radians, ``width`` and ``depth`` in metres; ``doors`` in metres relative to the
cabin centre; ``level_doors`` names the levels where a door opens, and
``lowest_floor``/``highest_floor`` bound them by elevation (``building_map/lift.py``
of open-rmf/rmf_traffic_editor). The editor's nav-graph export marks as lift
waypoints the vertices inside the cabin rectangle; maps also mark the cabin vertex
with ``lift_cabin: <lift>``, and old demo maps mark lanes with
``demo_mock_lift_name``.

Per served level, the car waypoint is the candidate (inside the cabin, marked
``lift_cabin``, or on a ``demo_mock_lift_name`` lane) nearest the cabin centre. If
it is not on a kept lane, or there is none, a car waypoint is made (the marked
vertex, else ``<lift>_<level>`` at the centre) and joined by a two-way lane to the
nearest waypoint outside the cabin within :data:`DOORWAY_REACH_M` of each cabin
door on that level (or of the centre when the lift has no doors). Door time,
capacity and travel time are not in the format: Porter's defaults apply.
"""

from __future__ import annotations

import math
from typing import Any

from shapely.affinity import rotate, translate
from shapely.geometry import Point, Polygon, box

from maps.model import Lane, Lift, Waypoint
from maps.openrmf_frames import LevelFrame
from maps.openrmf_graph import LevelGraph
from maps.openrmf_raw import Reporter, as_number

#: A cabin side longer than this is a mistake in the map (pixels for metres).
MAX_CABIN_M = 20.0

#: How far from a cabin door a corridor waypoint may be to be joined to the car.
DOORWAY_REACH_M = 3.0


def build_lifts(
    lifts: Any,
    graphs: dict[str, LevelGraph],
    elevations: dict[str, float],
    frames: dict[str, LevelFrame],
    reference: str,
    report: Reporter,
) -> list[Lift]:
    if not lifts:
        return []
    if not isinstance(lifts, dict):
        report.problem("", "lifts", "must be a mapping of lift name to lift")
        return []
    built = []
    for name, node in lifts.items():
        lift = _build_lift(
            str(name), node, graphs, elevations, frames, reference, report
        )
        if lift is not None:
            built.append(lift)
    return built


def _build_lift(
    name: str,
    node: Any,
    graphs: dict[str, LevelGraph],
    elevations: dict[str, float],
    frames: dict[str, LevelFrame],
    reference: str,
    report: Reporter,
) -> Lift | None:
    element = f"lift {name}"
    if not isinstance(node, dict):
        report.problem("", element, "must be a mapping (x, y, yaw, width, depth...)")
        return None
    numbers = {
        key: as_number(node.get(key, 0.0 if key == "yaw" else None))
        for key in ("x", "y", "yaw", "width", "depth")
    }
    for key, value in numbers.items():
        kind = "positive " if key in ("width", "depth") else ""
        if kind and value is not None and not 0 < value <= MAX_CABIN_M:
            value = numbers[key] = None
            kind = f"positive (at most {MAX_CABIN_M:g} m) "
        if value is None:
            report.problem(
                "",
                element,
                f"{key} must be a {kind}number, not {node.get(key)!r}",
            )
    ref = str(node.get("reference_floor_name") or reference)
    if ref not in elevations:
        report.problem("", element, f"reference_floor_name {ref} is not a level")
    served = _served_levels(element, node, elevations, report)
    given = {key: value for key, value in numbers.items() if value is not None}
    if len(given) < len(numbers) or ref not in frames:
        return None
    centre = frames[ref].to_metres(given["x"], given["y"])
    yaw = given["yaw"]
    cabin = _cabin(centre, given["width"], given["depth"], yaw)
    stops: dict[str, str] = {}
    for level in served:
        if level in graphs:
            doors = _door_points(node, level, centre, yaw)
            car = _car_waypoint(name, graphs[level], cabin, centre, doors, report)
            if car is not None:
                stops[level] = car
    if len(stops) < 2:
        report.note(f"lift {name} reaches fewer than two levels; left out")
        return None
    return Lift(name, stops, name=name)


def _served_levels(
    element: str, node: dict[str, Any], elevations: dict[str, float], report: Reporter
) -> list[str]:
    level_doors = node.get("level_doors") or {}
    if not isinstance(level_doors, dict):
        report.problem("", element, "level_doors must map level names to door names")
        level_doors = {}
    for level in level_doors:
        if level not in elevations:
            report.problem(
                "", element, f"level_doors names level {level} which does not exist"
            )
    served = [lv for lv in (level_doors or elevations) if lv in elevations]
    bounds = []
    for key, default in (("lowest_floor", -math.inf), ("highest_floor", math.inf)):
        floor = str(node.get(key) or "")
        if floor and floor not in elevations:
            report.problem(
                "", element, f"{key} {floor} is not a level of this building"
            )
        bounds.append(elevations.get(floor, default))
    low, high = bounds
    if low > high:
        report.problem("", element, "lowest_floor is above highest_floor")
    return [lv for lv in served if low <= elevations[lv] <= high]


def _cabin(
    centre: tuple[float, float], width: float, depth: float, yaw: float
) -> Polygon:
    shape = box(-width / 2, -depth / 2, width / 2, depth / 2)
    return translate(rotate(shape, yaw, origin=(0, 0), use_radians=True), *centre)


def _door_points(
    node: dict[str, Any], level: str, centre: tuple[float, float], yaw: float
) -> list[tuple[float, float]]:
    raw_doors = node.get("doors")
    doors: dict[Any, Any] = raw_doors if isinstance(raw_doors, dict) else {}
    level_doors = node.get("level_doors")
    names = level_doors.get(level) if isinstance(level_doors, dict) else None
    names = names if isinstance(names, list) else list(doors)
    points = []
    for door_name in names:
        door = doors.get(door_name) if isinstance(door_name, str) else None
        dx = as_number(door.get("x")) if isinstance(door, dict) else None
        dy = as_number(door.get("y")) if isinstance(door, dict) else None
        if dx is None or dy is None:
            continue
        cos_y, sin_y = math.cos(yaw), math.sin(yaw)
        points.append(
            (centre[0] + cos_y * dx - sin_y * dy, centre[1] + sin_y * dx + cos_y * dy)
        )
    return points or [centre]


def _car_waypoint(
    lift: str,
    graph: LevelGraph,
    cabin: Polygon,
    centre: tuple[float, float],
    doors: list[tuple[float, float]],
    report: Reporter,
) -> str | None:
    inside = cabin.buffer(0.05)
    candidates = {i for i in graph.waypoints if inside.contains(Point(graph.metres[i]))}
    candidates |= {
        v.index
        for v in graph.level.vertices
        if v.params.get("lift_cabin") == lift and math.isfinite(v.x + v.y)
    }
    for edge in graph.level.lanes:
        if edge.params.get("demo_mock_lift_name") == lift:
            candidates |= {i for i in (edge.start, edge.end) if i in graph.waypoints}
    best = min(
        candidates, key=lambda i: math.dist(graph.metres[i], centre), default=None
    )
    if best is not None and best in graph.waypoints:
        return graph.waypoints[best].id
    if best is not None:
        car = graph.add_waypoint(best)
        car_point = graph.metres[best]
    else:
        car = f"{lift}_{graph.name}"
        car_point = centre
        graph.extra_waypoints.append(
            Waypoint(car, graph.name, round(centre[0], 3), round(centre[1], 3))
        )
    outside = [
        w
        for w in graph.waypoints.values()
        if w.id != car and not inside.contains(Point(w.x, w.y))
    ]
    joined = set()
    for door in doors:
        near = min(outside, key=lambda w: math.dist((w.x, w.y), door), default=None)
        if near is not None and math.dist((near.x, near.y), door) <= DOORWAY_REACH_M:
            joined.add(near.id)
    for number, other in enumerate(sorted(joined), start=1):
        graph.lanes.append(
            Lane(f"{lift}_{graph.name}_l{number}", graph.name, car, other)
        )
    if not joined:
        report.problem(
            graph.name,
            f"lift {lift}",
            f"no lane reaches the car at ({car_point[0]:.1f}, {car_point[1]:.1f}): "
            "draw a lane into the cabin in the traffic editor",
        )
        return None
    return car
