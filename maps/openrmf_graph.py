"""One Open-RMF level as Porter waypoints, lanes, places and doors.

Rules (the same as the traffic editor's nav-graph export, where it has one):

- Only lanes of the chosen graph (``graph_idx``, default 0; ``None`` keeps every
  graph) are kept; two lanes between the same vertices become one, two-way if
  either is or if they run opposite ways. ``speed_limit: 0`` means no limit.
  ``orientation``, ``mutex`` and ``demo_mock_*`` have no Porter equivalent.
- A waypoint is a vertex that a kept lane (or a lift) uses, with the id
  ``<level>_v<index>``: vertices that only draw walls, floors or measurements are
  not places a robot goes.
- A named waypoint is a place: ``is_charger`` -> charger, ``is_parking_spot`` ->
  parking, a ``pickup_dispenser`` or ``dropoff_ingestor`` -> landmark (a
  destination), ``is_holding_point`` -> holding point, else landmark. Unnamed
  chargers and parking spots become places named after their waypoint.
- A door is an edge between two vertices drawn across a corridor; Porter puts a
  door on a lane. It goes on every kept lane whose segment crosses the door
  segment (the editor's own rule for ``door_name`` in nav graphs), and on the lane
  between the door's two vertices if there is one. A door no kept lane crosses
  cannot delay a robot and is left out (noted).
- A lane's width is its graph's ``default_lane_width`` (top-level ``graphs``), else
  Porter's default. Open-RMF has no rule zones (restricted, quiet, clean): the
  newer editors' ``zones`` are reservation rectangles for traffic, not rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import LineString

from maps.model import Door, DoorKind, Lane, Place, PlaceKind, Waypoint
from maps.openrmf_frames import LevelFrame
from maps.openrmf_raw import RawEdge, RawLevel, Reporter, as_number


def waypoint_id(level: str, index: int) -> str:
    return f"{level}_v{index}"


@dataclass(slots=True)
class LevelGraph:
    """A level in metres, filled in by the lane, lift, place and door passes."""

    level: RawLevel
    #: Every vertex's position in metres, by vertex index.
    metres: list[tuple[float, float]]
    waypoints: dict[int, Waypoint] = field(default_factory=dict)
    lanes: list[Lane] = field(default_factory=list)
    extra_waypoints: list[Waypoint] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.level.name

    def add_waypoint(self, index: int) -> str:
        """The waypoint of vertex ``index``, created on first use."""
        if index not in self.waypoints:
            x, y = self.metres[index]
            self.waypoints[index] = Waypoint(
                waypoint_id(self.name, index), self.name, round(x, 3), round(y, 3)
            )
        return self.waypoints[index].id


def build_level_graph(
    level: RawLevel,
    frame: LevelFrame,
    graph: int | None,
    widths: dict[int, float] | None = None,
) -> LevelGraph:
    metres = [frame.to_metres(v.x, v.y) for v in level.vertices]
    result = LevelGraph(level, metres)
    merged: dict[frozenset[int], list[Any]] = {}
    for edge in level.lanes:
        if (graph is not None and lane_graph(edge) != graph) or edge.start == edge.end:
            continue
        two_way = bool(edge.params.get("bidirectional", False))
        limit = as_number(edge.params.get("speed_limit"))
        limit = limit if limit is not None and limit > 0 else None
        key = frozenset((edge.start, edge.end))
        if key in merged:
            kept = merged[key]
            kept[2] = kept[2] or two_way or kept[0] != edge.start
            kept[3] = (
                min(x for x in (kept[3], limit) if x) if kept[3] or limit else None
            )
        else:
            merged[key] = [edge.start, edge.end, two_way, limit, edge.index]
    width_of = {e.index: (widths or {}).get(lane_graph(e)) for e in level.lanes}
    for start, end, two_way, limit, index in merged.values():
        width = width_of[index]
        result.lanes.append(
            Lane(
                f"{level.name}_l{index}",
                level.name,
                result.add_waypoint(start),
                result.add_waypoint(end),
                bidirectional=two_way,
                speed_limit_mps=limit,
                **({"width_m": width} if width else {}),
            )
        )
    return result


def lane_graph(edge: RawEdge) -> int:
    value = as_number(edge.params.get("graph_idx", 0))
    return int(value) if value is not None else 0


def graph_widths(graphs: Any) -> dict[int, float]:
    """``default_lane_width`` per graph index from the top-level ``graphs``."""
    widths = {}
    for key, node in (graphs if isinstance(graphs, dict) else {}).items():
        width = (
            as_number(node.get("default_lane_width"))
            if isinstance(node, dict)
            else None
        )
        try:
            index = int(key)
        except (TypeError, ValueError):
            continue
        if width is not None and width > 0:
            widths[index] = width
    return widths


def graphs_present(levels: list[RawLevel]) -> list[int]:
    return sorted({lane_graph(edge) for level in levels for edge in level.lanes})


def level_places(graph: LevelGraph) -> list[tuple[str, Place]]:
    """``(vertex name or "", place)`` for the level's named or docking waypoints."""
    places = []
    for index, waypoint in graph.waypoints.items():
        vertex = graph.level.vertices[index]
        kind = _place_kind(vertex.params)
        if not vertex.name and kind not in (PlaceKind.CHARGER, PlaceKind.PARKING):
            continue
        place_id = vertex.name or waypoint.id
        places.append((vertex.name, Place(place_id, kind, waypoint.id, name=place_id)))
    return places


def _place_kind(params: dict[str, Any]) -> PlaceKind:
    if params.get("is_charger"):
        return PlaceKind.CHARGER
    if params.get("is_parking_spot"):
        return PlaceKind.PARKING
    if params.get("pickup_dispenser") or params.get("dropoff_ingestor"):
        return PlaceKind.LANDMARK
    if params.get("is_holding_point"):
        return PlaceKind.HOLDING_POINT
    return PlaceKind.LANDMARK


def level_doors(graph: LevelGraph, report: Reporter) -> list[Door]:
    """Porter doors for the level's door edges, on the lanes that cross them."""
    vertex_of = {w.id: i for i, w in graph.waypoints.items()}
    points = {
        w.id: (w.x, w.y) for w in (*graph.waypoints.values(), *graph.extra_waypoints)
    }
    doors: list[Door] = []
    uncrossed: list[str] = []
    for edge in graph.level.doors:
        name = str(edge.params.get("name") or f"{graph.name}_door{edge.index}")
        segment = LineString([graph.metres[edge.start], graph.metres[edge.end]])
        ends = {edge.start, edge.end}
        crossed = [
            lane
            for lane in graph.lanes
            if {vertex_of.get(lane.start), vertex_of.get(lane.end)} == ends
            or segment.intersects(LineString([points[lane.start], points[lane.end]]))
        ]
        if not crossed:
            uncrossed.append(name)
        for number, lane in enumerate(crossed, start=1):
            doors.append(
                Door(
                    name if number == 1 else f"{name}_{number}",
                    graph.name,
                    lane.start,
                    lane.end,
                    kind=DoorKind.AUTOMATIC,
                    name=name,
                )
            )
    if uncrossed:
        listed = ", ".join(uncrossed)
        report.note(f"level {graph.name}: doors no lane crosses, left out: {listed}")
    return doors
