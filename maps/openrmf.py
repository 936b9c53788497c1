"""Import Open-RMF traffic-editor building maps (``*.building.yaml``).

``import_openrmf(path)`` reads a file; ``parse_openrmf(data, source)`` converts
YAML already loaded. Both return a :class:`~maps.model.Building` in metres with y
upward, or raise :class:`~maps.errors.MapError` carrying every problem found, each
naming the file, the level and the element. ``read_openrmf`` also returns notes
about what was left out (doors no lane crosses, named vertices on no lane...).

What maps to what, and why, is documented in the modules doing it:
:mod:`maps.openrmf_raw` (the file's structure and typed parameters),
:mod:`maps.openrmf_frames` (pixels to metres, levels aligned by fiducials),
:mod:`maps.openrmf_graph` (waypoints, lanes, places, doors; graph choice) and
:mod:`maps.openrmf_lifts` (lifts and car waypoints). Open-RMF has no zones, so an
imported building has none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from maps.errors import MapError, MapProblem
from maps.model import Building, Door, Level, Place
from maps.openrmf_frames import level_frames
from maps.openrmf_graph import (
    LevelGraph,
    build_level_graph,
    graph_widths,
    graphs_present,
    level_doors,
    level_places,
)
from maps.openrmf_lifts import build_lifts
from maps.openrmf_raw import RawLevel, Reporter, parse_level

#: libyaml's safe loader when present: about 20 times faster on real maps.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class OpenRmfImport:
    """An imported building and what the import left out, for people to read."""

    building: Building
    notes: tuple[str, ...]
    #: The nav graph kept (``None``: every graph).
    graph: int | None


def import_openrmf(path: str | Path, *, graph: int | None = 0) -> Building:
    """The building in an Open-RMF ``.building.yaml`` file (lanes of ``graph``)."""
    return read_openrmf(path, graph=graph).building


def parse_openrmf(
    data: Any, source: str = "<building>", *, graph: int | None = 0
) -> Building:
    """The building in already-loaded ``.building.yaml`` data."""
    return convert_openrmf(data, source, graph=graph).building


def read_openrmf(path: str | Path, *, graph: int | None = 0) -> OpenRmfImport:
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MapError(
            [MapProblem(source, "", "", f"cannot read the file: {error}")]
        ) from error
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise MapError(
            [MapProblem(source, "", "", f"not valid YAML: {error}")]
        ) from error
    return convert_openrmf(data, source, graph=graph)


def convert_openrmf(data: Any, source: str, *, graph: int | None = 0) -> OpenRmfImport:
    report = Reporter(source)
    levels = _levels(data, report)
    if levels is None:
        raise MapError(report.problems)
    reference = str(data.get("reference_level_name") or next(iter(levels)))
    if reference not in levels:
        report.problem("", "reference_level_name", f"{reference} is not a level")
        reference = next(iter(levels))
    system = str(data.get("coordinate_system") or "reference_image")
    frames = level_frames(system, levels, reference, report)
    widths = graph_widths(data.get("graphs"))
    graphs = {
        name: build_level_graph(level, frames[name], graph, widths)
        for name, level in levels.items()
        if name in frames
    }
    _check_graph_choice(list(levels.values()), graphs, graph, report)
    elevations = {name: level.elevation for name, level in levels.items()}
    lifts = build_lifts(
        data.get("lifts"), graphs, elevations, frames, reference, report
    )
    places = _places(graphs, report)
    doors = _unique_doors([d for g in graphs.values() for d in level_doors(g, report)])
    if data.get("zones"):
        report.note("zones left out: Open-RMF zones are traffic areas, not rules")
    if report.problems:
        raise MapError(report.problems)
    building = Building(
        name=str(data.get("building_name") or data.get("name") or Path(source).stem),
        levels=tuple(Level(n, lv.elevation, n) for n, lv in levels.items()),
        waypoints=tuple(
            w
            for g in graphs.values()
            for w in (*g.waypoints.values(), *g.extra_waypoints)
        ),
        lanes=tuple(lane for g in graphs.values() for lane in g.lanes),
        places=tuple(places),
        lifts=tuple(lifts),
        doors=tuple(doors),
        source=source,
    )
    return OpenRmfImport(building, tuple(report.notes), graph)


def _levels(data: Any, report: Reporter) -> dict[str, RawLevel] | None:
    if not isinstance(data, dict):
        report.problem("", "", "not a building map: the top level must be a mapping")
        return None
    node = data.get("levels")
    if not isinstance(node, dict) or not node:
        report.problem("", "levels", "the map has no levels")
        return None
    levels = {}
    for name, level_node in node.items():
        level = parse_level(str(name), level_node, report)
        if level is not None:
            levels[str(name)] = level
    return levels or None


def _check_graph_choice(
    levels: list[RawLevel],
    graphs: dict[str, LevelGraph],
    graph: int | None,
    report: Reporter,
) -> None:
    present = graphs_present(levels)
    if not present:
        report.problem(
            "", "lanes", "the map has no lanes: draw lanes in the traffic editor"
        )
    elif graph is not None and graph not in present and graphs:
        listed = ", ".join(str(g) for g in present)
        report.problem(
            "",
            "lanes",
            f"nav graph {graph} has no lanes (graphs in this map: {listed})",
        )
    if graph is not None and len(present) > 1:
        others = ", ".join(str(g) for g in present if g != graph)
        report.note(f"kept the lanes of nav graph {graph}; left out graphs {others}")


def _places(graphs: dict[str, LevelGraph], report: Reporter) -> list[Place]:
    found = [
        (g.name, vertex_name, place)
        for g in graphs.values()
        for vertex_name, place in level_places(g)
    ]
    counts = Counter(place.id for _, _, place in found)
    places, taken = [], set()
    for level, _, place in found:
        place_id = place.id if counts[place.id] == 1 else f"{level}_{place.id}"
        if place_id in taken:
            place_id = f"{place.waypoint}_{place.id}"
        taken.add(place_id)
        places.append(Place(place_id, place.kind, place.waypoint, name=place.name))
    for g in graphs.values():
        stranded = sorted(
            v.name for v in g.level.vertices if v.name and v.index not in g.waypoints
        )
        if stranded:
            report.note(
                f"level {g.name}: named vertices on no kept lane, not places: "
                + ", ".join(stranded)
            )
    return places


def _unique_doors(doors: list[Door]) -> list[Door]:
    """Door names are unique per map in practice; prefix the level when not."""
    counts = Counter(d.id for d in doors)
    return [
        d if counts[d.id] == 1 else replace(d, id=f"{d.level}_{d.id}") for d in doors
    ]
