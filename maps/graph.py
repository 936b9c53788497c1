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
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from maps.model import Building, ZoneKind
from maps.zone_crossings import ZoneCrossings, crossings, lane_geometry

#: Expected wait (s) for a lift car robots do not share with people.
SERVICE_LIFT_WAIT_S = 20.0
#: Expected wait (s) for a lift car shared with people.
SHARED_LIFT_WAIT_S = 45.0


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
    xy = np.asarray([(w.x, w.y) for w in building.waypoints], dtype=float)
    xy = xy.reshape(len(nodes), 2)
    columns = _Columns()
    _add_lanes(columns, building, index)
    _add_lifts(columns, building, index)
    src = np.asarray(columns.src, dtype=np.int32)
    dst = np.asarray(columns.dst, dtype=np.int32)
    is_lift = np.asarray([x is not None for x in columns.lift], dtype=bool)
    length = np.where(is_lift, 0.0, np.hypot(*(xy[dst] - xy[src]).T))
    limit = np.asarray(columns.limit, dtype=float)
    door_s = np.asarray(columns.door_s, dtype=float)
    lift_s = np.asarray(columns.lift_s, dtype=float)
    in_service = np.asarray(columns.in_service, dtype=bool)
    speed = np.where(np.isnan(limit), building.default_speed_mps, limit)
    cost = length / speed + door_s + lift_s
    keep = _quickest_per_pair(src.astype(np.int64) * len(nodes) + dst, cost, in_service)
    levels = np.asarray([w.level for w in building.waypoints])
    geometry = lane_geometry(xy, levels, src[keep], dst[keep], is_lift[keep])
    return EdgeTable(
        nodes=nodes,
        node_index=index,
        src=src[keep],
        dst=dst[keep],
        length_m=length[keep],
        speed_limit_mps=limit[keep],
        door_s=door_s[keep],
        lift_s=lift_s[keep],
        is_lift=is_lift[keep],
        lift_in_service=in_service[keep],
        lane=tuple(columns.lane[e] for e in keep),
        door=tuple(columns.door[e] for e in keep),
        lift=tuple(columns.lift[e] for e in keep),
        clean=crossings(building, geometry, ZoneKind.CLEAN),
        restricted=crossings(building, geometry, ZoneKind.RESTRICTED),
        quiet=crossings(building, geometry, ZoneKind.QUIET),
        default_speed_mps=building.default_speed_mps,
    )


@dataclass(slots=True)
class _Columns:
    """Directed edges as they are gathered, one list per column."""

    src: list[int] = field(default_factory=list)
    dst: list[int] = field(default_factory=list)
    limit: list[float] = field(default_factory=list)
    door_s: list[float] = field(default_factory=list)
    lift_s: list[float] = field(default_factory=list)
    in_service: list[bool] = field(default_factory=list)
    lane: list[str | None] = field(default_factory=list)
    door: list[str | None] = field(default_factory=list)
    lift: list[str | None] = field(default_factory=list)

    def add(
        self, u: int, v: int, limit: float, door_s: float, lift_s: float,
        in_service: bool, lane: str | None, door: str | None, lift: str | None,
    ) -> None:  # fmt: skip
        self.src.append(u)
        self.dst.append(v)
        self.limit.append(limit)
        self.door_s.append(door_s)
        self.lift_s.append(lift_s)
        self.in_service.append(in_service)
        self.lane.append(lane)
        self.door.append(door)
        self.lift.append(lift)


def _add_lanes(columns: _Columns, building: Building, index: dict[str, int]) -> None:
    doors = {}
    for door in building.doors:
        doors[(door.start, door.end)] = door
        doors[(door.end, door.start)] = door
    for lane in building.lanes:
        if lane.start not in index or lane.end not in index:
            continue
        limit = lane.speed_limit_mps if lane.speed_limit_mps else math.nan
        lane_door = doors.get((lane.start, lane.end))
        door_id, door_s = (
            (lane_door.id, lane_door.opening_s) if lane_door else (None, 0.0)
        )
        u, v = index[lane.start], index[lane.end]
        columns.add(u, v, limit, door_s, 0.0, True, lane.id, door_id, None)
        if lane.bidirectional:
            columns.add(v, u, limit, door_s, 0.0, True, lane.id, door_id, None)


def _add_lifts(columns: _Columns, building: Building, index: dict[str, int]) -> None:
    ranks = level_ranks(building)
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
                columns.add(
                    index[u], index[v], math.nan, 0.0, cost, lift.in_service,
                    None, None, lift.id,
                )  # fmt: skip


def _quickest_per_pair(
    key: np.ndarray, cost: np.ndarray, in_service: np.ndarray
) -> np.ndarray:
    """One edge per ordered pair: in service first, then quickest at default speed.

    Returns the kept edge numbers in their original order.
    """
    order = np.lexsort((cost, ~in_service, key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    return np.sort(order[first])


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
