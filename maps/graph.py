"""The navigation graph: every lane and lift ride of a building as directed edges.

Two views of the same edges:

- :func:`edge_table` packs them into numpy arrays (plus the zone each lane crosses,
  found once with shapely). Routing and travel-time matrices read this; it is what
  lets a route query on 20,000 waypoints take milliseconds.
- :func:`navigation_graph` is the same thing as a ``networkx.DiGraph`` for reading,
  drawing and reference checks.

Costs are seconds. A lane costs ``length / speed`` plus the opening time of its door;
its speed is the lane's limit, or the building's ``default_speed_mps`` where it sets
none. A lift ride costs ``2 × door_time_s + expected wait + seconds_per_level ×
levels travelled`` (levels counted in order of elevation, stops or not). The expected
wait is :data:`SERVICE_LIFT_WAIT_S` for a lift robots have to themselves and
:data:`SHARED_LIFT_WAIT_S` for one shared with people, who fill it and press buttons.
Lifts out of service stay in the table, marked, so routing can say that a closed lift
is what blocks a trip.

Zones: a lane *crosses* a zone when the segment meets the zone's interior (running
along its edge does not count). Quiet zones also record the length inside them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
import shapely

from maps.model import Building, ZoneKind

#: Expected wait (s) for a lift car robots do not share with people.
SERVICE_LIFT_WAIT_S = 20.0
#: Expected wait (s) for a lift car shared with people.
SHARED_LIFT_WAIT_S = 45.0


@dataclass(frozen=True, slots=True)
class ZoneCrossings:
    """Which edges cross which zones of one kind: parallel arrays, one row a pair."""

    zone_ids: tuple[str, ...]
    edge: np.ndarray
    zone: np.ndarray
    #: Metres of the edge inside the zone.
    inside_m: np.ndarray

    def zones_of_edge(self, edge: int) -> tuple[str, ...]:
        rows = np.flatnonzero(self.edge == edge)
        return tuple(self.zone_ids[z] for z in self.zone[rows])


@dataclass(frozen=True, slots=True)
class EdgeTable:
    """The directed edges of a building as arrays indexed by edge number.

    Lane edges have ``lift[e] is None``; lift edges have ``lane[e] is None``,
    ``length_m == 0`` (driving distance only) and their whole cost in ``lift_s``.
    """

    nodes: tuple[str, ...]
    node_index: dict[str, int]
    src: np.ndarray
    dst: np.ndarray
    length_m: np.ndarray
    #: The lane's own limit, ``nan`` where it sets none.
    speed_limit_mps: np.ndarray
    door_s: np.ndarray
    lift_s: np.ndarray
    is_lift: np.ndarray
    lift_in_service: np.ndarray
    lane: tuple[str | None, ...]
    door: tuple[str | None, ...]
    lift: tuple[str | None, ...]
    clean: ZoneCrossings
    restricted: ZoneCrossings
    quiet: ZoneCrossings
    default_speed_mps: float

    @property
    def edge_count(self) -> int:
        return len(self.src)

    def edge_of(self) -> dict[tuple[int, int], int]:
        """``(src, dst) -> edge number`` (edges are unique per ordered pair)."""
        pairs = zip(self.src.tolist(), self.dst.tolist(), strict=True)
        return {pair: e for e, pair in enumerate(pairs)}


def level_ranks(building: Building) -> dict[str, int]:
    """Each level's position when levels are ordered by elevation (then id)."""
    ordered = sorted(building.levels, key=lambda lv: (lv.elevation_m, lv.id))
    return {lv.id: rank for rank, lv in enumerate(ordered)}


def lift_wait_s(shared_with_people: bool) -> float:
    """The expected wait for a lift car, by whether people share it."""
    return SHARED_LIFT_WAIT_S if shared_with_people else SERVICE_LIFT_WAIT_S


def edge_table(building: Building) -> EdgeTable:
    """Pack every lane direction and lift ride of ``building`` into arrays.

    Elements that point at unknown waypoints or levels are skipped: validation
    reports them. Two lanes between the same ordered pair keep the quicker one.
    """
    nodes = tuple(w.id for w in building.waypoints)
    index = {node: i for i, node in enumerate(nodes)}
    rows = _lane_rows(building, index) + _lift_rows(building, index)
    rows = _unique_quickest(rows, building.default_speed_mps)
    count = len(rows)
    column = list(zip(*rows, strict=True)) if rows else [()] * 10
    src, dst, length, limit, door_s, lift_s, in_service, lane, door, lift = column
    lane_ids = tuple(lane)
    table_geo = _lane_geometry(building, lane_ids, np.asarray(src, dtype=np.int64))
    return EdgeTable(
        nodes=nodes,
        node_index=index,
        src=np.asarray(src, dtype=np.int32).reshape(count),
        dst=np.asarray(dst, dtype=np.int32).reshape(count),
        length_m=np.asarray(length, dtype=float).reshape(count),
        speed_limit_mps=np.asarray(limit, dtype=float).reshape(count),
        door_s=np.asarray(door_s, dtype=float).reshape(count),
        lift_s=np.asarray(lift_s, dtype=float).reshape(count),
        is_lift=np.asarray([x is not None for x in lift], dtype=bool).reshape(count),
        lift_in_service=np.asarray(in_service, dtype=bool).reshape(count),
        lane=lane_ids,
        door=tuple(door),
        lift=tuple(lift),
        clean=_crossings(building, table_geo, ZoneKind.CLEAN),
        restricted=_crossings(building, table_geo, ZoneKind.RESTRICTED),
        quiet=_crossings(building, table_geo, ZoneKind.QUIET),
        default_speed_mps=building.default_speed_mps,
    )


_Row = tuple[
    int, int, float, float, float, float, bool, str | None, str | None, str | None
]


def _lane_rows(building: Building, index: dict[str, int]) -> list[_Row]:
    doors = {}
    for door in building.doors:
        doors[(door.start, door.end)] = door
        doors[(door.end, door.start)] = door
    rows: list[_Row] = []
    for lane in building.lanes:
        if lane.start not in index or lane.end not in index:
            continue
        a, b = building.waypoint(lane.start), building.waypoint(lane.end)
        length = math.hypot(b.x - a.x, b.y - a.y)
        limit = lane.speed_limit_mps if lane.speed_limit_mps else math.nan
        door = doors.get((lane.start, lane.end))
        door_id, door_s = (door.id, door.opening_s) if door else (None, 0.0)
        ends = [(lane.start, lane.end)]
        if lane.bidirectional:
            ends.append((lane.end, lane.start))
        for u, v in ends:
            rows.append(
                (
                    index[u],
                    index[v],
                    length,
                    limit,
                    door_s,
                    0.0,
                    True,
                    lane.id,
                    door_id,
                    None,
                )
            )
    return rows


def _lift_rows(building: Building, index: dict[str, int]) -> list[_Row]:
    ranks = level_ranks(building)
    rows: list[_Row] = []
    for lift in building.lifts:
        stops = [
            (level, wp)
            for level, wp in lift.stops.items()
            if level in ranks and wp in index
        ]
        fixed = 2 * lift.door_time_s + lift_wait_s(lift.shared_with_people)
        for from_level, u in stops:
            for to_level, v in stops:
                if from_level == to_level or u == v:
                    continue
                travelled = abs(ranks[from_level] - ranks[to_level])
                cost = fixed + lift.seconds_per_level * travelled
                rows.append(
                    (index[u], index[v], 0.0, math.nan, 0.0, cost, lift.in_service,
                     None, None, lift.id)
                )  # fmt: skip
    return rows


def _unique_quickest(rows: list[_Row], default_speed: float) -> list[_Row]:
    """One edge per ordered pair: in service first, then quickest at default speed."""

    def cost(row: _Row) -> tuple[bool, float]:
        _, _, length, limit, door_s, lift_s, in_service, *_ = row
        speed = default_speed if math.isnan(limit) else limit
        return (not in_service, length / speed + door_s + lift_s)

    best: dict[tuple[int, int], _Row] = {}
    for row in rows:
        key = (row[0], row[1])
        if key not in best or cost(row) < cost(best[key]):
            best[key] = row
    return list(best.values())


@dataclass(frozen=True, slots=True)
class _LaneGeometry:
    edges: np.ndarray
    levels: np.ndarray
    lines: np.ndarray


def _lane_geometry(
    building: Building, lanes: tuple[str | None, ...], src: np.ndarray
) -> _LaneGeometry:
    """One segment per lane edge (lift edges have none), with its level."""
    lane_by_id = {lane.id: lane for lane in building.lanes}
    edges, levels, coords = [], [], []
    for e, lane_id in enumerate(lanes):
        if lane_id is None:
            continue
        lane = lane_by_id[lane_id]
        a, b = building.waypoint(lane.start), building.waypoint(lane.end)
        edges.append(e)
        levels.append(lane.level)
        coords.append(((a.x, a.y), (b.x, b.y)))
    lines = shapely.linestrings(np.asarray(coords, dtype=float).reshape(-1, 2, 2))
    return _LaneGeometry(np.asarray(edges, dtype=np.int64), np.asarray(levels), lines)


def _crossings(building: Building, geo: _LaneGeometry, kind: ZoneKind) -> ZoneCrossings:
    zones = [z for z in building.zones if z.kind == kind and len(z.polygon) >= 3]
    empty = np.zeros(0, dtype=np.int64)
    if not zones or len(geo.edges) == 0:
        return ZoneCrossings(tuple(z.id for z in zones), empty, empty, np.zeros(0))
    polygons = shapely.make_valid(shapely.polygons([list(z.polygon) for z in zones]))
    tree = shapely.STRtree(polygons)
    line_i, zone_i = tree.query(geo.lines, predicate="intersects")
    zone_levels = np.asarray([z.level for z in zones])
    same_level = geo.levels[line_i] == zone_levels[zone_i]
    line_i, zone_i = line_i[same_level], zone_i[same_level]
    inside = shapely.intersection(geo.lines[line_i], polygons[zone_i])
    # Touching the boundary only (a point, or a stretch along the wall) is not entry.
    enters = ~shapely.touches(geo.lines[line_i], polygons[zone_i])
    line_i, zone_i = line_i[enters], zone_i[enters]
    return ZoneCrossings(
        zone_ids=tuple(z.id for z in zones),
        edge=geo.edges[line_i],
        zone=zone_i.astype(np.int64),
        inside_m=shapely.length(inside[enters]),
    )


def navigation_graph(building: Building) -> nx.DiGraph:
    """The building's lanes and lift rides as a ``networkx.DiGraph``.

    Nodes are waypoint ids with ``level``, ``x``, ``y``. Every edge has ``kind``
    (``"lane"`` or ``"lift"``), ``length_m`` and ``time_s`` (at the building's
    default speed with every quiet zone active; ``inf`` through a quiet zone that
    is closed to robots). Lane edges add ``lane``, ``speed_mps``, ``door``,
    ``door_s``, ``clean_zones``, ``restricted_zones`` and ``quiet_zones``
    (``((zone id, metres inside), ...)``); lift edges add ``lift``, ``from_level``,
    ``to_level``, ``in_service``.
    """
    table = edge_table(building)
    caps = {z.id: z.speed_cap_mps for z in building.zones if z.kind == ZoneKind.QUIET}
    clean, restricted = _by_edge(table.clean), _by_edge(table.restricted)
    quiet = _by_edge(table.quiet)
    graph = nx.DiGraph(name=building.name)
    graph.add_nodes_from(
        (w.id, {"level": w.level, "x": w.x, "y": w.y}) for w in building.waypoints
    )
    for e in range(table.edge_count):
        u, v = table.nodes[table.src[e]], table.nodes[table.dst[e]]
        if table.is_lift[e]:
            attributes = _lift_attributes(table, e, graph, u, v)
        else:
            attributes = _lane_attributes(table, e, caps, quiet.get(e, ()))
            attributes["clean_zones"] = tuple(z for z, _ in clean.get(e, ()))
            attributes["restricted_zones"] = tuple(z for z, _ in restricted.get(e, ()))
        graph.add_edge(u, v, **attributes)
    return graph


def _by_edge(crossings: ZoneCrossings) -> dict[int, list[tuple[str, float]]]:
    grouped: dict[int, list[tuple[str, float]]] = {}
    rows = zip(crossings.edge, crossings.zone, crossings.inside_m, strict=True)
    for e, z, inside in rows:
        grouped.setdefault(int(e), []).append((crossings.zone_ids[z], float(inside)))
    return grouped


def _lift_attributes(
    table: EdgeTable, e: int, graph: nx.DiGraph, u: str, v: str
) -> dict[str, object]:
    return {
        "kind": "lift",
        "lift": table.lift[e],
        "length_m": 0.0,
        "time_s": float(table.lift_s[e]),
        "in_service": bool(table.lift_in_service[e]),
        "from_level": graph.nodes[u]["level"],
        "to_level": graph.nodes[v]["level"],
    }


def _lane_attributes(
    table: EdgeTable,
    e: int,
    caps: dict[str, float | None],
    quiet: list[tuple[str, float]] | tuple[()],
) -> dict[str, object]:
    limit = float(table.speed_limit_mps[e])
    speed = table.default_speed_mps if math.isnan(limit) else limit
    length = float(table.length_m[e])
    time = length / speed + float(table.door_s[e])
    for zone, inside in quiet:
        cap = caps.get(zone)
        time += math.inf if not cap else inside / min(speed, cap) - inside / speed
    return {
        "kind": "lane",
        "lane": table.lane[e],
        "length_m": length,
        "speed_mps": speed,
        "door": table.door[e],
        "door_s": float(table.door_s[e]),
        "time_s": time,
        "quiet_zones": tuple(quiet),
    }
