"""Reading the parts of an Open-RMF ``.building.yaml`` level, still in file units.

The traffic editor stores each level as lists of vertices ``[x, y, z, name,
{params}]`` and of edges ``[v1, v2, {params}]`` (lanes, doors, measurements,
walls) that refer to vertices by their index in the level's list. Parameters are
typed pairs ``[type, value]`` (1 string, 2 int, 3 double, 4 bool; see
``building_map/param_value.py`` in open-rmf/rmf_traffic_editor). This module turns
that into plain values and reports every malformed element; it knows nothing of
metres or of Porter's model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from maps.errors import MapProblem

#: Larger drawing coordinates are a broken file, not a building (1e9 px or m).
MAX_COORDINATE = 1e9

#: The typed-parameter tags of the traffic editor (``ParamValue``).
_PARAM_TYPES = frozenset({0, 1, 2, 3, 4})


@dataclass(slots=True)
class Reporter:
    """Collects problems for one file, so that all of them are reported at once."""

    source: str
    problems: list[MapProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, level: str, element: str, message: str) -> None:
        self.problems.append(MapProblem(self.source, level, element, message))

    def note(self, message: str) -> None:
        self.notes.append(message)


@dataclass(frozen=True, slots=True)
class RawVertex:
    index: int
    x: float
    y: float
    name: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RawEdge:
    """A lane, door or measurement: two vertex indices and parameters."""

    index: int
    start: int
    end: int
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RawLevel:
    name: str
    elevation: float
    vertices: tuple[RawVertex, ...]
    lanes: tuple[RawEdge, ...]
    doors: tuple[RawEdge, ...]
    measurements: tuple[RawEdge, ...]
    #: name -> (x, y) in file units.
    fiducials: dict[str, tuple[float, float]]


def param_value(raw: Any) -> Any:
    """The value of a typed parameter ``[type, value]``; a bare value is accepted."""
    typed = isinstance(raw, list | tuple) and len(raw) == 2
    if typed and isinstance(raw[0], int) and raw[0] in _PARAM_TYPES:
        return raw[1]
    return raw


def params_of(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    return {str(key): param_value(value) for key, value in raw.items()}


def as_number(value: Any) -> float | None:
    """``value`` as a finite float, or ``None`` (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def parse_level(name: str, node: Any, report: Reporter) -> RawLevel | None:
    if not isinstance(node, dict):
        report.problem(name, "", "a level must be a mapping of its parts")
        return None
    elevation = as_number(node.get("elevation", 0.0))
    if elevation is None:
        report.problem(
            name, "elevation", f"must be a number, not {node['elevation']!r}"
        )
        elevation = 0.0
    vertices = _parse_vertices(name, node.get("vertices"), report)
    count = len(vertices)
    # Edges on a malformed vertex are dropped: the vertex is already reported.
    usable = {v.index for v in vertices if math.isfinite(v.x + v.y)}
    return RawLevel(
        name=name,
        elevation=elevation,
        vertices=vertices,
        lanes=_parse_edges(name, "lane", node.get("lanes"), usable, count, report),
        doors=_parse_edges(name, "door", node.get("doors"), usable, count, report),
        measurements=_parse_edges(
            name, "measurement", node.get("measurements"), usable, count, report
        ),
        fiducials=_parse_fiducials(name, node.get("fiducials"), report),
    )


def _parse_vertices(level: str, items: Any, report: Reporter) -> tuple[RawVertex, ...]:
    vertices: list[RawVertex] = []
    for index, item in enumerate(_sequence(level, "vertices", items, report)):
        x = y = None
        if isinstance(item, list) and len(item) >= 2:
            x, y = as_number(item[0]), as_number(item[1])
        if x is None or y is None:
            report.problem(
                level,
                f"vertex {index}",
                f"expected [x, y, z, name, {{params}}], got {item!r}",
            )
            x, y = math.nan, math.nan
        elif max(abs(x), abs(y)) > MAX_COORDINATE:
            report.problem(
                level, f"vertex {index}", f"({x:g}, {y:g}) is beyond {MAX_COORDINATE:g}"
            )
            x, y = math.nan, math.nan
        name = item[3] if isinstance(item, list) and len(item) > 3 else ""
        params = params_of(item[4]) if isinstance(item, list) and len(item) > 4 else {}
        vertices.append(RawVertex(index, x, y, str(name or ""), params))
    return tuple(vertices)


def _parse_edges(
    level: str,
    kind: str,
    items: Any,
    usable: set[int],
    vertex_count: int,
    report: Reporter,
) -> tuple[RawEdge, ...]:
    edges: list[RawEdge] = []
    for index, item in enumerate(_sequence(level, f"{kind}s", items, report)):
        ends = item[:2] if isinstance(item, list) and len(item) >= 2 else None
        if ends is None or not all(_is_index(v) for v in ends):
            report.problem(
                level,
                f"{kind} {index}",
                f"expected [vertex, vertex, {{params}}], got {item!r}",
            )
            continue
        start, end = int(ends[0]), int(ends[1])
        missing = [v for v in (start, end) if not 0 <= v < vertex_count]
        for vertex in missing:
            report.problem(
                level,
                f"{kind} {index} (vertex {start} -> {end})",
                f"refers to vertex {vertex} which does not exist "
                f"(the level has {vertex_count} vertices)",
            )
        if missing or not {start, end} <= usable:
            continue
        params = params_of(item[2]) if len(item) > 2 else {}
        edges.append(RawEdge(index, start, end, params))
    return tuple(edges)


def _parse_fiducials(
    level: str, items: Any, report: Reporter
) -> dict[str, tuple[float, float]]:
    fiducials: dict[str, tuple[float, float]] = {}
    for index, item in enumerate(_sequence(level, "fiducials", items, report)):
        ok = isinstance(item, list) and len(item) >= 3
        x, y = (as_number(item[0]), as_number(item[1])) if ok else (None, None)
        if x is None or y is None or not str(item[2] or ""):
            report.problem(
                level, f"fiducial {index}", f"expected [x, y, name], got {item!r}"
            )
            continue
        fiducials[str(item[2])] = (x, y)
    return fiducials


def _sequence(level: str, part: str, items: Any, report: Reporter) -> list[Any]:
    if items is None:
        return []
    if not isinstance(items, list):
        report.problem(level, part, f"must be a list, not {type(items).__name__}")
        return []
    return items


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
